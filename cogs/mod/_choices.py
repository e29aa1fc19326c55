"""Suggestions for `/mod settings set` value: what the moderator typed comes first."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.core.errors import UserFacingError
from bot.core.text import clip
from bot.settings.registry import Kind, SettingSpec, parse_value, suggest_timezones
from cogs.mod._lookup import DiscordLookup

CHOICE_LIMIT = 100  # Discord: a choice's name and string value are 1–100 characters
CHOICES_MAX = 25  # Discord: at most 25 autocomplete choices


def _reason(spec: SettingSpec) -> str:
    """Say in a few words what this setting accepts."""
    if spec.kind is Kind.INTEGER:
        return f"needs a whole number from {spec.minimum} to {spec.maximum}"
    return {
        Kind.CHANNEL: "no channel by that name here",
        Kind.ROLE: "no role by that name here",
        Kind.BOOLEAN: "needs yes or no",
        Kind.TIME: "needs a time like 08:30",
        Kind.TIMEZONE: "not a timezone I know",
    }.get(spec.kind, f"needs plain text up to {spec.max_length} characters")


def _sensible(spec: SettingSpec, guild: discord.Guild | None, typed: str) -> list[str]:
    """Values worth offering for this setting, matching what was typed."""
    options: list[str] = []
    if spec.kind is Kind.TIMEZONE:
        return suggest_timezones(typed)
    if spec.kind is Kind.BOOLEAN:
        options = ["yes", "no"]
    elif spec.kind is Kind.TIME:
        options = ["08:00", "09:00", "12:00", "18:00", "21:00", "22:00"]
    elif spec.kind is Kind.INTEGER:
        options = [str(n) for n in (spec.minimum, spec.default, spec.maximum) if n is not None]
    elif spec.kind is Kind.CHANNEL and guild is not None:
        options = [f"#{c.name}" for c in guild.text_channels]
    elif spec.kind is Kind.ROLE and guild is not None:
        options = [f"@{r.name}" for r in guild.roles if not r.is_default()]
    needle = typed.lower()
    return [o for o in options if needle in o.lower()]


def value_choices(
    spec: SettingSpec, guild: discord.Guild | None, current: str
) -> list[app_commands.Choice[str]]:
    """What was typed first (Discord picks the first on Enter), then sensible values."""
    typed = current.strip()
    if len(typed) > CHOICE_LIMIT:
        # Too long to be a choice: offering none lets Discord send exactly what was typed.
        return []
    first: list[app_commands.Choice[str]] = []
    if typed:
        name = typed
        if guild is not None:
            try:
                parse_value(spec, typed, DiscordLookup(guild))
            except UserFacingError:
                name = f"{clip(typed, 50)} ({_reason(spec)})"
        first = [app_commands.Choice(name=clip(name, CHOICE_LIMIT), value=typed)]
    seen = {typed.lower()}
    rest: list[app_commands.Choice[str]] = []
    for option in [*_sensible(spec, guild, typed), "default"]:
        option = option[:CHOICE_LIMIT]
        if option.lower() not in seen:
            seen.add(option.lower())
            rest.append(app_commands.Choice(name=option, value=option))
    return (first + rest)[:CHOICES_MAX]
