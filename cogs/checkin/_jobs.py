"""Scheduled check-in work: reminders, request timeouts, buddy rounds and retention.

Each tick reads the time from `services.clock` and the work from the database, so tests call
them directly with a ManualClock, and a restart simply picks up where the database says.
"""

from __future__ import annotations

import logging

import discord

from bot.checkins.buddies import Introduction
from bot.checkins.settings import PAIRING_CHANNEL
from bot.client import Alongside
from bot.replies import NO_PINGS
from bot.scheduler import Scheduler
from cogs.checkin import _text as text
from cogs.checkin._alerts import alerter_of
from cogs.checkin._buttons import reminder_view
from cogs.checkin._common import guild_name, send_dm
from cogs.checkin._requests import tell_outcome

log = logging.getLogger(__name__)

JOB_IDS = ("checkins:reminders", "checkins:requests", "checkins:buddies", "checkins:retention")


class CheckinJobs:
    """The ticks, bound to one bot."""

    def __init__(self, bot: Alongside) -> None:
        self.bot = bot

    async def schedule(self, scheduler: Scheduler) -> None:
        """(Re)create the jobs with stable ids."""
        scheduler.every(JOB_IDS[0], 60, self._reminders)
        scheduler.every(JOB_IDS[1], 60, self.request_tick)
        scheduler.every(JOB_IDS[2], 300, self.buddy_tick)
        scheduler.every(JOB_IDS[3], 6 * 3600, self.retention_tick)

    async def _reminders(self) -> None:
        await self.reminder_tick()

    async def reminder_tick(self) -> int:
        """Send every reminder that is due; return how many went out."""
        reminders = self.bot.services.checkins.reminders
        sent = claimed = 0
        for due in await reminders.claim_due():
            guild = await guild_name(self.bot, due.guild_id)
            message = await send_dm(
                self.bot,
                due.user_id,
                text.REMINDER_DM.format(guild=guild),
                view=reminder_view(due.guild_id),
            )
            sent += message is not None
            await reminders.sent(due)
            claimed += 1
        if claimed:
            log.info("Check-ins: sent %d of %d due reminders", sent, claimed)
        return sent

    async def request_tick(self) -> None:
        """Close requests nobody took in time and tell askers any outcome not yet told."""
        requests = self.bot.services.checkins.requests
        await requests.close_expired()
        for request in await requests.outcomes_to_tell():
            await tell_outcome(self.bot, request)
        await alerter_of(self.bot).settle()  # DMs about requests that closed or were withdrawn

    async def buddy_tick(self) -> None:
        """Pair servers whose round is due, then send any introductions not yet sent."""
        buddies = self.bot.services.checkins.buddies
        await buddies.run_due_rounds()
        threads: dict[tuple[int, int], discord.Thread] = {}
        for intro in await buddies.introductions():
            key = (intro.round_id, intro.group_no)
            if intro.first_of_group and intro.buddies:
                thread = await self._open_thread(intro)
                if thread is not None:
                    threads[key] = thread
            await self._introduce(intro, threads.get(key))
            await buddies.introduced(intro)

    async def retention_tick(self) -> None:
        """Delete check-ins older than the retention period."""
        removed = await self.bot.services.checkins.prune_expired()
        if removed:
            log.info("Deleted %d check-ins past the retention period", removed)

    async def _open_thread(self, intro: Introduction) -> discord.Thread | None:
        channel_id = await self.bot.services.settings.get(intro.guild_id, PAIRING_CHANNEL)
        channel = self.bot.get_channel(channel_id) if channel_id else None
        if not isinstance(channel, discord.TextChannel):
            return None
        try:
            thread = await channel.create_thread(
                name="Buddies", type=discord.ChannelType.private_thread, invitable=False
            )
            for member_id in (intro.user_id, *intro.buddies):
                await thread.add_user(discord.Object(member_id))
            await thread.send(
                text.BUDDY_THREAD_STARTER.format(starter=intro.starter), allowed_mentions=NO_PINGS
            )
        except discord.HTTPException:
            log.warning("Could not open a private buddy thread", exc_info=True)
            return None
        return thread

    async def _introduce(self, intro: Introduction, thread: discord.Thread | None) -> None:
        guild = await guild_name(self.bot, intro.guild_id)
        if not intro.buddies:
            await send_dm(self.bot, intro.user_id, text.BUDDY_ALONE.format(guild=guild))
            return
        names = [await self._name(intro.guild_id, member_id) for member_id in intro.buddies]
        content = text.BUDDY_INTRO.format(
            guild=guild, buddies=text.join_names(names), starter=intro.starter
        )
        if thread is not None:
            content += "\n" + text.BUDDY_THREAD.format(thread=thread.mention)
        await send_dm(self.bot, intro.user_id, content)

    async def _name(self, guild_id: int, user_id: int) -> str:
        """Return "<@id> (Name)" so the buddy is recognisable even where mentions don't render."""
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            return f"<@{user_id}>"
        member = guild.get_member(user_id)
        if member is None:
            try:
                member = await guild.fetch_member(user_id)
            except discord.HTTPException:
                return f"<@{user_id}>"
        return f"<@{user_id}> ({discord.utils.escape_markdown(member.display_name)})"
