"""`/reflect`: prompts now, a private journal, prompts by DM, and suggestions."""

from __future__ import annotations

import logging
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import Alongside
from bot.app.interactions import guild_of
from bot.core.scheduler import Scheduler
from bot.prompts.dispatch import TickReport
from bot.prompts.models import MAX_PAUSE_WEEKS
from bot.settings.registry import suggest_timezones
from bot.ui.replies import defer_privately, send_private
from cogs.reflect._journal import JournalView
from cogs.reflect._mod import PromptsAdmin
from cogs.reflect._modals import SuggestModal
from cogs.reflect._render import NOW_FOOTER, cadence_text, prompt_embed, status_embed
from cogs.reflect._sender import DiscordSender
from cogs.reflect._shares import UnshareButton
from cogs.reflect._views import DYNAMIC_ITEMS, NowView, ThemePicker, post_for_review

log = logging.getLogger(__name__)

TICK_JOB = "prompts:tick"
TICK_SECONDS = 30
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


async def theme_choices(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    """Offer the themes whose names contain what was typed."""
    bot = interaction.client
    assert isinstance(bot, Alongside)
    needle = current.strip().lower()
    return [
        app_commands.Choice(name=label[:100], value=key)
        for key, label in bot.services.prompts.themes().items()
        if needle in label.lower() or needle in key
    ][:25]


async def timezone_choices(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    """Offer IANA timezone names matching what was typed."""
    return [app_commands.Choice(name=zone, value=zone) for zone in suggest_timezones(current)]


@app_commands.guild_only()
class Reflect(commands.GroupCog, group_name="reflect", group_description="Reflective prompts"):
    """`/reflect`: now, journal, subscribe, pause, resume, unsubscribe, status, suggest."""

    privacy = (
        "Reflective journal entries are shown only to their author: no command shows them to "
        "anyone else, moderators included. `/mydata` exports or deletes them.",
        "For prompts without repeats, Alongside remembers which prompts it has shown or sent "
        "you, and, if you subscribe, your schedule, themes and DM channel. Unsubscribing "
        "forgets the schedule; records of sent DMs are deleted after 90 days.",
        "“Share in the thread” posts your answer publicly under your name. Alongside keeps "
        "its words and where it is, so you can delete it (its Delete button, or `/reflect "
        "journal`) and `/mydata` exports and erases it, post and all.",
        "“Share anonymously” under a prompt goes through Unsaid, with all its protections; the "
        "answer is posted in the prompt's thread and Unsaid keeps only which thread, never "
        "who wrote it. `/unsaid withdraw` with its receipt takes it down.",
        "A prompt you suggest is shown to moderators with your name; once approved it joins "
        "the server's library without it.",
    )

    def __init__(self, bot: Alongside) -> None:
        self.bot = bot
        self.sender = DiscordSender(bot)
        self.admin = PromptsAdmin(bot, self)
        super().__init__()

    async def cog_load(self) -> None:
        """Register the persistent buttons, attach `/mod prompts` and schedule the tick."""
        self.bot.add_dynamic_items(*DYNAMIC_ITEMS, UnshareButton)
        self.bot.mod_root.add_command(self.admin)
        scheduler = self.bot.services.scheduler
        scheduler.on_rebuild(self._schedule)
        if scheduler.running:
            await self._schedule(scheduler)

    async def cog_unload(self) -> None:
        """Detach what cog_load attached."""
        self.bot.mod_root.remove_command(self.admin.name)
        self.bot.remove_dynamic_items(*DYNAMIC_ITEMS, UnshareButton)
        self.bot.services.scheduler.remove(TICK_JOB)

    async def _schedule(self, scheduler: Scheduler) -> None:
        # The database holds every schedule; this job only looks for what is due.
        scheduler.every(TICK_JOB, TICK_SECONDS, self._scheduled_tick)

    async def _scheduled_tick(self) -> None:
        await self.tick()

    async def tick(self) -> TickReport | None:
        """Claim due prompts into the outbox and deliver it (once connected to Discord)."""
        if not self.bot.is_ready():
            return None
        report = await self.bot.services.prompts.tick(self.bot.services.clock.now(), self.sender)
        if report.claimed or report.sent or report.failed or report.skipped_late:
            log.info(
                "Prompts: %d claimed, %d sent, %d failed, %d retrying, %d skipped as late",
                report.claimed,
                report.sent,
                report.failed,
                report.retrying,
                report.skipped_late,
            )
        return report

    # ----- members ---------------------------------------------------------------------------

    @app_commands.command(name="now", description="A reflective prompt, just for you")
    @app_commands.describe(theme="Only prompts on this theme")
    @app_commands.autocomplete(theme=theme_choices)
    async def now(self, interaction: discord.Interaction[Any], theme: str | None = None) -> None:
        """Show a prompt privately, with its follow-up questions and a private journal."""
        guild_id = guild_of(interaction)
        drawn = await self.bot.services.prompts.draw(guild_id, interaction.user.id, theme)
        view = NowView(interaction.user.id, guild_id, drawn, theme)
        await send_private(interaction, embed=prompt_embed(drawn, NOW_FOOTER), view=view)

    @app_commands.command(name="journal", description="Your own journal entries, only for you")
    async def journal(self, interaction: discord.Interaction[Any]) -> None:
        """Show the member's own entries, newest first, with an export."""
        guild_id = guild_of(interaction)
        server = interaction.guild.name if interaction.guild else "this server"
        view = JournalView(interaction.user.id, guild_id, server, 1)
        embed = await view.render(self.bot)
        await send_private(interaction, embed=embed, view=view)

    @app_commands.command(name="subscribe", description="Get prompts by direct message")
    @app_commands.describe(
        cadence="How often",
        day="For weekly and fortnightly: which day",
        time="Time of day, 24-hour, like 09:00",
        timezone="Your timezone (the server's if you leave it)",
    )
    @app_commands.autocomplete(timezone=timezone_choices)
    async def subscribe(
        self,
        interaction: discord.Interaction[Any],
        cadence: Literal["daily", "weekdays", "weekly", "fortnightly"],
        day: Weekday | None = None,
        time: app_commands.Range[str, 3, 5] = "09:00",
        timezone: str | None = None,
    ) -> None:
        """Start or change DM prompts, then offer a choice of themes."""
        guild_id = guild_of(interaction)
        service = self.bot.services.prompts
        dm_channel_id: int | None = None
        await defer_privately(interaction)
        try:
            # Opening the DM channel now, while the member is here, means each scheduled
            # prompt later costs Discord one request instead of two.
            dm_channel_id = (await interaction.user.create_dm()).id
        except discord.HTTPException:
            log.info("Could not open a DM channel while subscribing; will try when sending")
        sub = await service.subscribe(
            guild_id, interaction.user.id, cadence, day, time, timezone, dm_channel_id
        )
        when = cadence_text(sub.cadence, sub.weekday, sub.at_time, sub.timezone)
        picker = ThemePicker(interaction.user.id, guild_id, service.themes(), sub.themes)
        await send_private(
            interaction,
            f"Subscribed: a prompt by direct message {when}, the first "
            f"{discord.utils.format_dt(sub.next_due, 'R')}. Prompts that may touch painful "
            "things wait until quiet hours are over. Choose themes below if you like; "
            "leave it empty for all of them.",
            view=picker,
        )

    @app_commands.command(name="pause", description="Pause your DM prompts for a while")
    @app_commands.describe(weeks="How many weeks")
    async def pause(
        self,
        interaction: discord.Interaction[Any],
        weeks: app_commands.Range[int, 1, MAX_PAUSE_WEEKS],
    ) -> None:
        """Pause DM prompts; they start again by themselves."""
        until = await self.bot.services.prompts.pause(
            guild_of(interaction), interaction.user.id, weeks
        )
        await send_private(
            interaction,
            f"Paused. Prompts start again {discord.utils.format_dt(until, 'D')}, or sooner "
            "with `/reflect resume`.",
        )

    @app_commands.command(name="resume", description="Start your paused DM prompts again")
    async def resume(self, interaction: discord.Interaction[Any]) -> None:
        """Lift a pause (yours, or one because DMs were closed)."""
        sub = await self.bot.services.prompts.resume(guild_of(interaction), interaction.user.id)
        await send_private(
            interaction,
            f"Resumed. Your next prompt comes {discord.utils.format_dt(sub.next_due, 'F')}.",
        )

    @app_commands.command(name="unsubscribe", description="Stop your DM prompts")
    async def unsubscribe(self, interaction: discord.Interaction[Any]) -> None:
        """End DM prompts; the journal stays."""
        await self.bot.services.prompts.unsubscribe(guild_of(interaction), interaction.user.id)
        await send_private(
            interaction,
            "Done: no more prompts by direct message. Your journal is still here for you "
            "(`/reflect journal`).",
        )

    @app_commands.command(name="status", description="Your prompt subscription, at a glance")
    async def status(self, interaction: discord.Interaction[Any]) -> None:
        """Show the subscription, its next prompt or why it is paused."""
        service = self.bot.services.prompts
        sub = await service.subscription(guild_of(interaction), interaction.user.id)
        embed = status_embed(sub, service.themes(), self.bot.services.clock.now())
        await send_private(interaction, embed=embed)

    @app_commands.command(name="suggest", description="Propose a prompt for this server")
    @app_commands.describe(theme="The theme it belongs to")
    @app_commands.autocomplete(theme=theme_choices)
    async def suggest(self, interaction: discord.Interaction[Any], theme: str) -> None:
        """Open the form for a new prompt."""
        guild_of(interaction)
        key = self.bot.services.prompts.check_theme(theme)
        await interaction.response.send_modal(SuggestModal(key, post_for_review))
