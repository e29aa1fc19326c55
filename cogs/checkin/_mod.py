"""`/mod checkins summary|settings`: totals above k, and the check-in settings."""

from __future__ import annotations

from typing import Any, Literal

import discord
from discord import app_commands

from bot.app.client import Alongside
from bot.checkins.settings import (
    BUDDY_CADENCE,
    PAIRING_CHANNEL,
    REQUEST_TIMEOUT,
    SUMMARY_K,
    SUPPORT_CHANNEL,
    buddy_cadence,
)
from bot.core.errors import UserFacingError
from bot.db.checkin_weeks import WeekSummary
from bot.settings.registry import format_value
from bot.ui.moderation import ModeratorGroup
from bot.ui.paging import chunk_lines, send_pages
from bot.ui.permissions import no_private_threads
from bot.ui.replies import send_private
from cogs.checkin._common import guild_id_of

HIDDEN = "–"
CHECKIN_KEYS = (BUDDY_CADENCE, PAIRING_CHANNEL, SUPPORT_CHANNEL, REQUEST_TIMEOUT, SUMMARY_K)


def _cells(values: tuple[int | None, ...]) -> str:
    return " · ".join(HIDDEN if v is None else str(v) for v in values)


def week_lines(week: WeekSummary, k: int) -> str:
    """Render one week of the summary."""
    heading = f"**Week of {week.week_start.day} {week.week_start:%b %Y}**"
    if week.hidden:
        return f"{heading}: fewer than {k} members took part, so nothing is shown."
    return (
        f"{heading}: {week.checkins} check-ins from {week.members} members\n"
        f"Emotional labour 1–5: {_cells(week.load)}\n"
        f"Energy 1–5: {_cells(week.energy)}"
    )


class CheckinsModGroup(ModeratorGroup):
    """`/mod checkins`: aggregates only; no per-person view exists."""

    def __init__(self, bot: Alongside) -> None:
        super().__init__(name="checkins", description="Check-in totals and settings")
        self.bot = bot

    @app_commands.command(
        name="summary", description="Check-in totals per week, for groups of k or more"
    )
    @app_commands.describe(weeks="How many completed weeks to show (1 to 26)")
    async def summary(
        self, interaction: discord.Interaction, weeks: app_commands.Range[int, 1, 26] = 8
    ) -> None:
        """Show how many check-ins and members per week, and the spread of load and energy."""
        guild_id = guild_id_of(interaction)
        # Aggregating a large server's half-year takes a moment; answer Discord first.
        await interaction.response.defer(ephemeral=True, thinking=True)
        services = self.bot.services
        summaries, k = await services.checkins.summary(guild_id, weeks)
        await services.audit.record(
            guild_id,
            interaction.user.id,
            "checkins.summary",
            f"{weeks} weeks",
            "",
            services.clock.now(),
        )
        intro = (
            f"Totals only. Any figure from fewer than {k} members is hidden ({HIDDEN}), so "
            "nobody can be singled out. The current week appears once it has ended. There is "
            "no per-person view and no list of who did or didn't check in."
        )
        lines = [week_lines(week, k) for week in summaries]
        pages = [
            discord.Embed(
                title=f"Check-ins: the last {weeks} completed weeks",
                description=intro + "\n\n" + "\n\n".join(chunk),
            )
            for chunk in chunk_lines(lines, limit=3000, per_page=8)
        ]
        await send_pages(interaction, pages)

    @app_commands.command(name="settings", description="See or change the check-in settings")
    @app_commands.describe(
        buddy_cadence="How often buddies are paired (Mondays, 10:00)",
        pairing_channel="Where each buddy pair gets a private thread (optional)",
        support_channel="The private channel where requests for a check-in are posted",
        request_timeout_hours="Hours a request stays open before the member is told (1 to 168)",
        k="The smallest group the summary describes (3 to 50)",
    )
    async def settings(
        self,
        interaction: discord.Interaction,
        buddy_cadence: Literal["weekly", "fortnightly", "monthly", "off"] | None = None,
        pairing_channel: discord.TextChannel | None = None,
        support_channel: discord.TextChannel | None = None,
        request_timeout_hours: app_commands.Range[int, 1, 168] | None = None,
        k: app_commands.Range[int, 5, 50] | None = None,
    ) -> None:
        """Change any check-in settings given, then show them all."""
        guild_id = guild_id_of(interaction)
        services = self.bot.services
        changes: dict[str, Any] = {}
        if buddy_cadence is not None:
            changes[BUDDY_CADENCE] = buddy_cadence
        if pairing_channel is not None:
            problem = no_private_threads(pairing_channel)
            if problem:
                raise UserFacingError(problem)
            changes[PAIRING_CHANNEL] = pairing_channel.id
        if support_channel is not None:
            changes[SUPPORT_CHANNEL] = support_channel.id
        if request_timeout_hours is not None:
            changes[REQUEST_TIMEOUT] = request_timeout_hours
        if k is not None:
            changes[SUMMARY_K] = k
        if changes:
            now = services.clock.now()
            for key, value in changes.items():
                spec = services.registry.get(key)
                before = format_value(spec, await services.settings.get(guild_id, key))
                after = format_value(spec, value)
                await services.audit.record(
                    guild_id, interaction.user.id, "settings.set", key, f"{before} → {after}", now
                )
            await services.settings.set_many(guild_id, changes)
        await send_private(interaction, embed=await self._settings_embed(guild_id, bool(changes)))

    async def _settings_embed(self, guild_id: int, changed: bool) -> discord.Embed:
        settings = self.bot.services.settings
        lines = []
        for key in CHECKIN_KEYS:
            spec = settings.registry.get(key)
            value = await settings.get(guild_id, key)
            marker = "" if await settings.is_overridden(guild_id, key) else " (default)"
            lines.append(f"**{key}** = {format_value(spec, value)}{marker}\n{spec.help}")
        cadence = await settings.get(guild_id, BUDDY_CADENCE)
        if str(cadence).strip().lower() != "off" and buddy_cadence(cadence) is None:
            lines.append(f"“{cadence}” isn't a cadence Alongside knows, so rounds are off.")
        lines.append("To clear a channel: `/mod settings set key:<name> value:default`.")
        title = "Check-in settings updated" if changed else "Check-in settings"
        return discord.Embed(title=title, description="\n\n".join(lines))
