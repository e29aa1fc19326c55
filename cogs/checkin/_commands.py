"""`/checkin log|history|remind|available|ask|withdraw-consent`."""

from __future__ import annotations

import asyncio
import io
from datetime import time as clock_time
from typing import Literal

import discord
from discord import app_commands

from bot.checkins.alerts import parse_quiet_hours
from bot.checkins.chart import describe, render_chart
from bot.core.errors import UserFacingError
from bot.core.recurrence import WEEKDAY_NAMES
from bot.core.text import clip
from bot.settings.registry import TIME_PATTERN, parse_timezone, suggest_timezones
from bot.ui.replies import send_private
from cogs.checkin import _text as text
from cogs.checkin._common import bot_of, checkins_of, edit_post, guild_id_of
from cogs.checkin._modals import open_log_form
from cogs.checkin._requests import support_channel
from cogs.checkin._views import EraseView, gate, offer_ask

Cadence = Literal["daily", "weekdays", "weekly", "fortnightly", "monthly", "off"]


async def show_history(interaction: discord.Interaction, guild_id: int, weeks: int) -> None:
    """Send the member's own chart and summary, privately."""
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=True, thinking=True)
    checkins = checkins_of(interaction)
    points = await checkins.history(guild_id, interaction.user.id, weeks)
    summary = describe(points, weeks)
    if not points:
        await send_private(interaction, summary + " `/checkin log` adds one.")
        return
    zone = await checkins.zone(guild_id)
    # Rendering takes a moment of CPU; a thread keeps the bot answering others meanwhile.
    png = await asyncio.to_thread(render_chart, points, weeks, zone)
    file = discord.File(io.BytesIO(png), filename="checkins.png", description=clip(summary, 1024))
    embed = discord.Embed(title="Your check-ins", description=summary, colour=text.COLOUR)
    embed.set_image(url="attachment://checkins.png")
    embed.set_footer(text="Only you can see this.")
    await send_private(interaction, embed=embed, file=file)


class CheckinGroup(app_commands.Group):
    """Members' check-in commands; `buddies` is added as a subgroup."""

    def __init__(self) -> None:
        super().__init__(
            name="checkin",
            description="Private check-ins on emotional labour, for you",
            guild_only=True,
        )

    @app_commands.command(
        name="log", description="Note how this week's emotional labour and energy feel"
    )
    async def log(self, interaction: discord.Interaction) -> None:
        """Open the check-in form (after the consent statement the first time)."""
        guild_id = guild_id_of(interaction)

        async def then(later: discord.Interaction, via_consent: bool) -> None:
            await open_log_form(later, guild_id, via_consent)

        await gate(interaction, guild_id, then, opens_modal=True)

    @app_commands.command(name="history", description="A private chart of your own check-ins")
    @app_commands.describe(weeks="How many weeks to look back (2 to 52)")
    async def history(
        self, interaction: discord.Interaction, weeks: app_commands.Range[int, 2, 52] = 12
    ) -> None:
        """Show your own load and energy over time, with a summary in words."""
        guild_id = guild_id_of(interaction)

        async def then(later: discord.Interaction, _: bool) -> None:
            await show_history(later, guild_id, weeks)

        await gate(interaction, guild_id, then)

    @app_commands.command(
        name="remind", description="A private reminder to check in, when suits you"
    )
    @app_commands.describe(
        cadence="How often, or off to stop reminders",
        day="Which day, for weekly, fortnightly and monthly (default Friday)",
        time="Time of day on the 24-hour clock, like 16:30 (default 16:00)",
        timezone="Your timezone, like Europe/London (default: the server's)",
    )
    @app_commands.choices(
        day=[app_commands.Choice(name=name.capitalize(), value=name) for name in WEEKDAY_NAMES]
    )
    async def remind(
        self,
        interaction: discord.Interaction,
        cadence: Cadence,
        day: str = "friday",
        time: str = "16:00",
        timezone: str | None = None,
    ) -> None:
        """Start, change or stop reminders by direct message."""
        guild_id = guild_id_of(interaction)
        checkins = checkins_of(interaction)
        if cadence == "off":
            stopped = await checkins.reminders.stop(guild_id, interaction.user.id)
            await send_private(
                interaction,
                "Reminders are off." if stopped else "You don't have reminders at the moment.",
            )
            return
        match = TIME_PATTERN.match(time.strip())
        if not match:
            raise UserFacingError("Please give a time like 16:30, on the 24-hour clock.")
        at = clock_time(int(match[1]), int(match[2]))
        zone = parse_timezone(timezone) if timezone else await checkins.zone(guild_id)
        weekday = WEEKDAY_NAMES.index(day)

        async def then(later: discord.Interaction, _: bool) -> None:
            plan = await checkins.reminders.set(guild_id, later.user.id, cadence, weekday, at, zone)
            when = text.describe_cadence(plan.cadence, plan.weekday)
            await send_private(
                later,
                f"Reminders are on: {when} at {plan.at:%H:%M} ({plan.zone}). The next one is "
                f"{discord.utils.format_dt(plan.next_due, 'F')}. They come by direct message, "
                "with a button to check in and one to skip the week. If you've already checked "
                "in, the reminder stays away. If your direct messages are closed to this "
                "server, reminders can't reach you. `/checkin remind cadence:off` stops them.",
            )

        await gate(interaction, guild_id, then)

    @remind.autocomplete("timezone")
    async def timezone_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer timezone names matching what was typed."""
        return [app_commands.Choice(name=z, value=z) for z in suggest_timezones(current)]

    @app_commands.command(name="available", description="Say whether you can support peers who ask")
    @app_commands.describe(
        state="on if you can take requests for a check-in, off if not",
        quiet_hours="Hours you don't want request messages, like 22:00-07:00, or off",
        timezone="Your timezone for quiet hours, like Europe/London (default: the server's)",
    )
    async def available(
        self,
        interaction: discord.Interaction,
        state: Literal["on", "off"],
        quiet_hours: str | None = None,
        timezone: str | None = None,
    ) -> None:
        """Mark yourself available (or not) to reach out to peers who ask."""
        guild_id = guild_id_of(interaction)
        checkins = checkins_of(interaction)
        # Check what was typed before anything is stored, so a typo changes nothing.
        zone = parse_timezone(timezone) if timezone else await checkins.zone(guild_id)
        quiet = parse_quiet_hours(quiet_hours, zone) if quiet_hours is not None else None

        async def then(later: discord.Interaction, _: bool) -> None:
            await checkins_of(later).set_available(guild_id, later.user.id, state == "on")
            if state == "off":
                await send_private(
                    later, "You're no longer marked as available. Thank you for what you give."
                )
                return
            if quiet_hours is not None:
                await checkins.alerts.set_quiet(guild_id, later.user.id, quiet)
            current = await checkins.alerts.quiet(guild_id, later.user.id)
            channel = await support_channel(bot_of(later), guild_id)
            where = channel.mention if channel else "the peer-support channel, once it is set up"
            hours = (
                f" You won't get these messages between {current.start:%H:%M} and "
                f"{current.end:%H:%M} ({current.zone})."
                if current
                else " `quiet_hours:` sets hours when you'd rather not get them."
            )
            await send_private(
                later,
                "You're marked as available to support peers. When someone asks for a "
                "check-in, a few available members, taking turns, get a private message with "
                "their name and an “I'll reach out” button; the request also appears in "
                f"{where}.{hours} Nobody sees a list of who is available or who didn't take a "
                "request, and you can say `off` any time.",
            )

        await gate(interaction, guild_id, then)

    @available.autocomplete("timezone")
    async def available_timezones(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer timezone names matching what was typed."""
        return [app_commands.Choice(name=z, value=z) for z in suggest_timezones(current)]

    @app_commands.command(name="ask", description="Ask for a peer to check in with you")
    async def ask(self, interaction: discord.Interaction) -> None:
        """Ask available peers to reach out, once you've agreed to share your name."""
        guild_id = guild_id_of(interaction)

        async def then(later: discord.Interaction, _: bool) -> None:
            await offer_ask(later, guild_id)

        await gate(interaction, guild_id, then)

    @app_commands.command(
        name="withdraw-consent", description="Stop check-ins at once, and erase them if you wish"
    )
    async def withdraw_consent(self, interaction: discord.Interaction) -> None:
        """Stop logging, reminders, buddies and requests now, then offer erasure."""
        guild_id = guild_id_of(interaction)
        bot = bot_of(interaction)
        posts = await checkins_of(interaction).withdraw(guild_id, interaction.user.id)
        # Answer before editing the request posts: Discord's 3 s include those round trips.
        await send_private(
            interaction, text.WITHDRAWN, view=EraseView(interaction.user.id, guild_id)
        )
        for channel_id, message_id in posts:
            await edit_post(bot, channel_id, message_id, text.REQUEST_WITHDRAWN_POST)
