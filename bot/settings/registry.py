"""Per-server settings: one registry where each feature declares its settings."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.core.errors import UserFacingError
from bot.core.text import clip, has_control_characters
from bot.db.guild_settings import GuildSettingsRepo

CLEAR_WORDS = frozenset({"none", "clear", "reset", "default", "off-default"})
TRUE_WORDS = frozenset({"yes", "y", "true", "on", "1", "enable", "enabled"})
FALSE_WORDS = frozenset({"no", "n", "false", "off", "0", "disable", "disabled"})
TIME_PATTERN = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


class Kind(enum.Enum):
    """The type of a setting's value, which decides how it is parsed and shown."""

    CHANNEL = "channel"
    ROLE = "role"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    TIME = "time of day"
    TIMEZONE = "timezone"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class SettingSpec:
    """One setting: its key, type, default and a line of help for moderators."""

    key: str
    kind: Kind
    default: Any
    help: str
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = 200
    # What Alongside needs in a channel setting's channel is declared in bot/ui/permissions.py.


class GuildLookup(Protocol):
    """Resolves what a moderator typed to a channel or role of their server."""

    def channel_id(self, text: str) -> int | None:
        """Return the id of the channel `text` names in this server, or None."""
        ...

    def role_id(self, text: str) -> int | None:
        """Return the id of the role `text` names in this server, or None."""
        ...


class SettingsRegistry:
    """All declared settings, keyed by name; declaring a key twice is a bug."""

    def __init__(self) -> None:
        self._specs: dict[str, SettingSpec] = {}

    def declare(self, specs: Iterable[SettingSpec]) -> None:
        """Add a feature's settings to the registry."""
        for spec in specs:
            if spec.key in self._specs:
                raise ValueError(f"setting {spec.key!r} is declared twice")
            self._specs[spec.key] = spec

    def get(self, key: str) -> SettingSpec:
        """Return the spec for `key`, or explain kindly that there is no such setting."""
        spec = self._specs.get(key.strip().lower())
        if spec is None:
            raise UserFacingError(
                f"There is no setting called “{clip(key, 60)}”. "
                "`/mod settings show` lists them all."
            )
        return spec

    def names(self) -> list[str]:
        """Return every key in declaration order."""
        return list(self._specs)

    def specs(self) -> list[SettingSpec]:
        """Return every spec in declaration order."""
        return list(self._specs.values())


def parse_value(spec: SettingSpec, raw: str, lookup: GuildLookup) -> Any:
    """Turn what a moderator typed into a typed value, or raise a kind explanation."""
    text = raw.strip()
    if text.lower() in CLEAR_WORDS:
        return None
    if not text:
        raise UserFacingError(f"Please give a value for {spec.key}, or `default` to reset it.")
    if spec.kind is Kind.CHANNEL:
        channel_id = lookup.channel_id(text)
        if channel_id is None:
            raise UserFacingError(
                f"I couldn't find a channel called {clip(text, 60)} in this server. "
                "Type # and pick the channel, or paste its id."
            )
        return channel_id
    if spec.kind is Kind.ROLE:
        role_id = lookup.role_id(text)
        if role_id is None:
            raise UserFacingError(
                f"I couldn't find a role called {clip(text, 60)} in this server. "
                "Type @ and pick the role, or paste its id."
            )
        return role_id
    if spec.kind is Kind.INTEGER:
        try:
            number = int(text)
        except ValueError:
            raise UserFacingError(f"{spec.key} needs a whole number, like 5.") from None
        low, high = spec.minimum, spec.maximum
        if (low is not None and number < low) or (high is not None and number > high):
            raise UserFacingError(f"{spec.key} needs a whole number from {low} to {high}.")
        return number
    if spec.kind is Kind.BOOLEAN:
        word = text.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise UserFacingError(f"{spec.key} needs yes or no.")
    if spec.kind is Kind.TIME:
        match = TIME_PATTERN.match(text)
        if not match:
            raise UserFacingError(f"{spec.key} needs a time of day like 08:30 (24-hour clock).")
        return f"{int(match[1]):02d}:{match[2]}"
    if spec.kind is Kind.TIMEZONE:
        return parse_timezone(text)
    if has_control_characters(text):
        raise UserFacingError(f"{spec.key} can't contain control or invisible characters.")
    if len(text) > spec.max_length:
        raise UserFacingError(
            f"{spec.key} can be at most {spec.max_length} characters; that was {len(text)}."
        )
    return text


def parse_timezone(text: str) -> str:
    """Return the IANA name for `text`, or explain how to write one."""
    candidate = text.strip()
    try:
        ZoneInfo(candidate)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # OSError: the name is looked up as a file, so a very long one is "File name too long".
        raise UserFacingError(
            f"“{clip(candidate, 60)}” isn't a timezone I know. Use a name like Europe/London "
            "(the list offers suggestions as you type)."
        ) from None
    return candidate


def format_value(spec: SettingSpec, value: Any) -> str:
    """Show a value the way a moderator would write it."""
    if value is None:
        return "not set"
    if spec.kind is Kind.CHANNEL:
        return f"<#{value}>"
    if spec.kind is Kind.ROLE:
        return f"<@&{value}>"
    if spec.kind is Kind.BOOLEAN:
        return "yes" if value else "no"
    return str(value)


_ZONES: list[str] | None = None


def timezone_names() -> list[str]:
    """Return every IANA timezone name, sorted (computed once)."""
    global _ZONES  # a read-only cache of a fixed list
    if _ZONES is None:
        _ZONES = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))
    return _ZONES


def suggest_timezones(current: str, limit: int = 25) -> list[str]:
    """Return up to `limit` timezone names matching what was typed so far."""
    needle = current.strip().lower().replace(" ", "_")
    names = timezone_names()
    if not needle:
        preferred = ["Europe/London", "Europe/Dublin", "Europe/Paris", "America/New_York"]
        return preferred[:limit]
    starts = [n for n in names if n.lower().startswith(needle)]
    within = [n for n in names if needle in n.lower() and n not in starts]
    return (starts + within)[:limit]


class GuildSettings:
    """Typed per-server settings with defaults, cached until a write."""

    def __init__(self, registry: SettingsRegistry, repo: GuildSettingsRepo) -> None:
        self.registry = registry
        self._repo = repo
        self._cache: dict[int, dict[str, Any]] = {}

    async def _stored(self, guild_id: int) -> dict[str, Any]:
        cached = self._cache.get(guild_id)
        if cached is None:
            cached = await self._repo.load(guild_id)
            self._cache[guild_id] = cached
        return cached

    async def get(self, guild_id: int, key: str) -> Any:
        """Return the setting's value for this server (its default if never set)."""
        spec = self.registry.get(key)
        stored = await self._stored(guild_id)
        return stored.get(spec.key, spec.default)

    async def all(self, guild_id: int) -> dict[str, Any]:
        """Return every setting's current value for this server."""
        stored = await self._stored(guild_id)
        return {spec.key: stored.get(spec.key, spec.default) for spec in self.registry.specs()}

    async def is_overridden(self, guild_id: int, key: str) -> bool:
        """Say whether a moderator set this value (rather than it being the default)."""
        return key in await self._stored(guild_id)

    async def set_many(self, guild_id: int, values: dict[str, Any]) -> None:
        """Store typed values (None restores a default) and refresh the cache."""
        for key in values:
            self.registry.get(key)
        self._cache.pop(guild_id, None)
        await self._repo.save_many(guild_id, values)
        self._cache.pop(guild_id, None)


def core_settings(default_timezone: str) -> list[SettingSpec]:
    """Declare the settings every feature shares."""
    return [
        SettingSpec(
            "moderator_role",
            Kind.ROLE,
            None,
            "Members with this role can use /mod, as well as anyone with Manage Server.",
        ),
        SettingSpec(
            "mod_channel",
            Kind.CHANNEL,
            None,
            "Where Alongside tells moderators about things that need them.",
        ),
        SettingSpec(
            "timezone",
            Kind.TIMEZONE,
            default_timezone,
            "The server's timezone, used for schedules and quiet hours.",
        ),
        SettingSpec(
            "quiet_hours_start",
            Kind.TIME,
            "21:00",
            "From this time, prompts marked heavy wait until quiet hours end.",
        ),
        SettingSpec(
            "quiet_hours_end",
            Kind.TIME,
            "08:00",
            "When quiet hours end each morning.",
        ),
        SettingSpec(
            "local_helplines",
            Kind.TEXT,
            None,
            "Your own helplines, shown before the shipped ones (e.g. outside the UK).",
            max_length=900,
        ),
        SettingSpec(
            "show_uk_helplines",
            Kind.BOOLEAN,
            True,
            "Show the shipped UK helplines (Samaritans, Shout, NHS 111, 999).",
        ),
    ]
