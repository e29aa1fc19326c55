"""`/room prepare|debrief|impact|upcoming|cancel` and `/mod rooms summary`."""

from __future__ import annotations

import io
from typing import Any, Literal
from zoneinfo import ZoneInfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import Alongside
from bot.app.interactions import bot_of, guild_of
from bot.checkins.settings import SUMMARY_K
from bot.core.text import clip
from bot.rooms.models import Plan
from bot.rooms.summary import MIN_K, MonthRow
from bot.settings.registry import parse_timezone, suggest_timezones
from bot.ui.moderation import ModeratorGroup
from bot.ui.replies import send_private
from cogs.room import _text as text
from cogs.room._buttons import DYNAMIC_ITEMS
from cogs.room._forms import ImpactForm, PrepareForm
from cogs.room._impact import ImpactPicker, impact_lines
from cogs.room._jobs import JOB_ID, RoomJobs
from cogs.room._views import after_prepare, gate, open_debrief


class RoomGroup(app_commands.Group):
    """Members' commands for the hour before and after a hard meeting."""

    def __init__(self) -> None:
        super().__init__(
            name="room",
            description="Prepare for a hard meeting, debrief after it, log the difference",
            guild_only=True,
        )

    @app_commands.command(name="prepare", description="Prepare for a hard meeting, privately")
    @app_commands.describe(
        minutes="How long the meeting lasts, in minutes (default 60)",
        remind="How many minutes before to be reminded (0 for no reminder; default 60)",
        timezone="Your timezone, like Europe/London (default: the server's)",
        peer="A buddy or available member to be told, with your consent, to check in after",
    )
    async def prepare(
        self,
        interaction: discord.Interaction,
        minutes: app_commands.Range[int, 5, 720] = 60,
        remind: app_commands.Range[int, 0, 1440] = 60,
        timezone: str | None = None,
        peer: discord.Member | None = None,
    ) -> None:
        """Open the form (after the consent statement the first time)."""
        guild_id = guild_of(interaction)
        rooms = bot_of(interaction).services.rooms
        zone = parse_timezone(timezone) if timezone else await rooms.zone(guild_id)
        plan = Plan("", "", None, None, None, minutes, remind, zone, peer.id if peer else None)

        async def then(later: discord.Interaction[Any]) -> None:
            await later.response.send_modal(PrepareForm(guild_id, plan, after_prepare))

        await gate(interaction, guild_id, then)

    @prepare.autocomplete("timezone")
    async def timezone_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer timezone names matching what was typed."""
        return [app_commands.Choice(name=z, value=z) for z in suggest_timezones(current)]

    @app_commands.command(name="debrief", description="Set down how a meeting went, privately")
    async def debrief(self, interaction: discord.Interaction) -> None:
        """Open the debrief form."""
        guild_id = guild_of(interaction)

        async def then(later: discord.Interaction[Any]) -> None:
            await open_debrief(later, guild_id)

        await gate(interaction, guild_id, then)

    @app_commands.command(name="impact", description="Your private log of the difference you made")
    @app_commands.describe(action="Add a moment, list them (to edit or delete), or export")
    async def impact(
        self, interaction: discord.Interaction, action: Literal["add", "list", "export"] = "list"
    ) -> None:
        """Add to, read, change or export the impact log."""
        guild_id = guild_of(interaction)

        async def then(later: discord.Interaction[Any]) -> None:
            await _impact(later, guild_id, action)

        await gate(interaction, guild_id, then)

    @app_commands.command(name="upcoming", description="The meetings you've prepared for")
    async def upcoming(self, interaction: discord.Interaction) -> None:
        """List the member's planned meetings."""
        guild_id = guild_of(interaction)
        meetings = await bot_of(interaction).services.rooms.upcoming(guild_id, interaction.user.id)
        if not meetings:
            await send_private(interaction, text.NO_MEETINGS)
            return
        lines = [
            f"• **{discord.utils.escape_markdown(m.what)}**, "
            f"{discord.utils.format_dt(m.starts_at, 'F')}"
            + (" — a peer will be told after" if m.peer_words else "")
            for m in meetings
        ]
        await send_private(
            interaction, clip("\n".join(lines) + "\n\n`/room cancel` stops one.", 2000)
        )

    @app_commands.command(name="cancel", description="Cancel a meeting you prepared for")
    @app_commands.describe(meeting="Which meeting (start typing its name)")
    async def cancel(self, interaction: discord.Interaction, meeting: str) -> None:
        """Cancel one of the member's meetings."""
        guild_id = guild_of(interaction)
        rooms = bot_of(interaction).services.rooms
        meeting_id = int(meeting) if meeting.isdigit() and len(meeting) < 19 else -1
        cancelled = await rooms.cancel(guild_id, interaction.user.id, meeting_id)
        what = discord.utils.escape_markdown(cancelled.what)
        await send_private(interaction, text.CANCELLED.format(what=what))

    @cancel.autocomplete("meeting")
    async def meeting_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer the member's own meetings (nobody else's) matching what was typed."""
        if interaction.guild_id is None:
            return []
        rooms = bot_of(interaction).services.rooms
        meetings = await rooms.upcoming(interaction.guild_id, interaction.user.id)
        needle = current.strip().casefold()
        choices = []
        for m in meetings:
            local = m.starts_at.astimezone(ZoneInfo(m.zone))
            name = clip(f"{m.what} — {local:%a %d %b %H:%M} ({m.zone})", 100)
            if needle in name.casefold():
                choices.append(app_commands.Choice(name=name, value=str(m.id)))
        return choices[:25]


async def _impact(interaction: discord.Interaction[Any], guild_id: int, action: str) -> None:
    bot = bot_of(interaction)
    rooms = bot.services.rooms
    if action == "add":
        await interaction.response.send_modal(ImpactForm(guild_id))
        return
    if action == "export":
        server = interaction.guild.name if interaction.guild else "your server"
        markdown = await rooms.impact_markdown(guild_id, interaction.user.id, server)
        file = discord.File(io.BytesIO(markdown.encode()), filename="impact-log.md")
        await send_private(
            interaction, "Your impact log, as Markdown. Only you can see this.", file=file
        )
        return
    entries = await rooms.impacts(guild_id, interaction.user.id)
    if not entries:
        await send_private(interaction, text.EMPTY_LOG)
        return
    view = ImpactPicker(interaction.user.id, guild_id, entries)
    await send_private(interaction, impact_lines(entries), view=view)


def month_line(row: MonthRow, k: int) -> str:
    """One month of the moderators' summary."""
    heading = f"**{row.month}**"
    figures = row.figures
    if figures is None:
        return f"{heading}: fewer than {k} members took part, so nothing is shown."
    weights = " · ".join(str(n) for n in figures.weights)
    return (
        f"{heading}: {figures.prepared} meetings prepared, {figures.debriefed} debriefed, "
        f"by {figures.members} members\nHow heavy, 1–5: {weights}"
    )


class RoomsModGroup(ModeratorGroup):
    """`/mod rooms`: monthly counts for groups of at least k; nothing per person exists."""

    def __init__(self, bot: Alongside) -> None:
        super().__init__(name="rooms", description="Before and after the room: monthly totals")
        self.bot = bot

    @app_commands.command(name="summary", description="Meetings prepared and debriefed per month")
    @app_commands.describe(months="How many completed months to show (1 to 12)")
    async def summary(
        self, interaction: discord.Interaction, months: app_commands.Range[int, 1, 12] = 6
    ) -> None:
        """Show completed months only, each frozen the first time it is shown."""
        guild_id = guild_of(interaction)
        k = max(MIN_K, int(await self.bot.services.settings.get(guild_id, SUMMARY_K)))
        rows = await self.bot.services.rooms.summary.months(guild_id, k, months)
        lines = [month_line(row, k) for row in rows]
        await send_private(
            interaction,
            clip(
                "Completed months only; a month never changes once shown.\n\n" + "\n".join(lines),
                2000,
            ),
        )


class Rooms(commands.Cog):
    """Before and after the room."""

    privacy = (
        "`/room` keeps a meeting you prepare for only until it ends and your debrief is "
        "offered, and a debrief only until you choose where it goes. Your impact log is yours "
        "alone. A peer is told only the words you choose, when the meeting ends.",
        "Moderators see only monthly counts of meetings prepared and debriefed, and how heavy "
        "they felt, for groups of at least five members; never anything about one person.",
    )

    def __init__(self, bot: Alongside) -> None:
        self.bot = bot
        self.group = RoomGroup()
        self.mod_group = RoomsModGroup(bot)
        self.jobs = RoomJobs(bot)

    async def cog_load(self) -> None:
        """Add the commands, the restart-proof buttons and the tick."""
        self.bot.tree.add_command(self.group)
        self.bot.mod_root.add_command(self.mod_group)
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS)
        self.bot.services.scheduler.on_rebuild(self.jobs.schedule)

    async def cog_unload(self) -> None:
        """Remove everything cog_load added."""
        self.bot.tree.remove_command(self.group.name)
        self.bot.mod_root.remove_command(self.mod_group.name)
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS)
        self.bot.services.scheduler.remove(JOB_ID)
