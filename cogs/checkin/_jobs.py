"""Scheduled check-in work: reminders, request timeouts, buddy rounds and retention.

Each tick reads the time from `services.clock` and the work from the database, so tests call
them directly with a ManualClock, and a restart simply picks up where the database says.
"""

from __future__ import annotations

import contextlib
import logging

import discord

from bot.app.client import Alongside
from bot.checkins.buddies import Introduction
from bot.checkins.settings import PAIRING_CHANNEL
from bot.core.scheduler import Scheduler
from bot.ui.permissions import missing_in, needs_for, no_private_threads
from bot.ui.replies import NO_PINGS
from cogs.checkin import _text as text
from cogs.checkin._alerts import alerter_of
from cogs.checkin._buttons import reminder_view
from cogs.checkin._common import guild_name
from cogs.checkin._reach import close_requests_of_departed, deliver_dm, present, still_member
from cogs.checkin._requests import tell_outcome

log = logging.getLogger(__name__)

JOB_IDS = ("checkins:reminders", "checkins:requests", "checkins:buddies", "checkins:retention")


class CheckinJobs:
    """The ticks, bound to one bot."""

    def __init__(self, bot: Alongside) -> None:
        self.bot = bot
        self._told: set[tuple[int, str]] = set()  # (channel, problem) moderators heard about

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
            message = await deliver_dm(
                self.bot,
                due.guild_id,
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
        await close_requests_of_departed(self.bot)
        for request in await requests.outcomes_to_tell():
            await tell_outcome(self.bot, request)
        await alerter_of(self.bot).settle()  # DMs about requests that closed or were withdrawn

    async def buddy_tick(self) -> None:
        """Pair servers whose round is due, then send any introductions not yet sent."""
        buddies = self.bot.services.checkins.buddies
        await buddies.run_due_rounds(lambda guild_id, ids: present(self.bot, guild_id, ids))
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
        # Someone may have left since the round was paired: only people still here are added,
        # and a thread is only worth opening for two or more of them.
        group = [
            m
            for m in (intro.user_id, *intro.buddies)
            if await still_member(self.bot, intro.guild_id, m)
        ]
        if len(group) < 2:
            return None
        if await self._thread_impossible(channel):
            return None  # the buddies are still introduced by DM
        try:
            thread = await channel.create_thread(
                name="Buddies", type=discord.ChannelType.private_thread, invitable=False
            )
        except discord.HTTPException:
            log.warning("Could not open a private buddy thread", exc_info=True)
            return None
        try:
            for member_id in group:
                await thread.add_user(discord.Object(member_id))
            await thread.send(
                text.BUDDY_THREAD_STARTER.format(starter=intro.starter), allowed_mentions=NO_PINGS
            )
        except discord.HTTPException:
            # Never leave a half-made thread behind: the group hears by DM alone instead.
            log.warning("Could not finish a private buddy thread; removing it", exc_info=True)
            try:
                await thread.delete()
            except discord.HTTPException:
                log.warning("Could not remove a half-made buddy thread", exc_info=True)
            return None
        return thread

    async def _thread_impossible(self, channel: discord.TextChannel) -> bool:
        """Check Discord would allow a buddy thread here; if not, tell moderators once."""
        if no_private_threads(channel):
            problem = "it is an announcement channel, where Discord allows no private threads"
        else:
            missing = missing_in(channel, needs_for(PAIRING_CHANNEL))
            if not missing:
                return False
            problem = f"Alongside is missing {', '.join(missing)} there"
        if (channel.id, problem) not in self._told:
            self._told.add((channel.id, problem))
            log.warning("No buddy threads in channel %s: %s", channel.id, problem)
            mod_channel = await self.bot.services.settings.get(channel.guild.id, "mod_channel")
            if mod_channel is not None:
                with contextlib.suppress(discord.HTTPException):
                    await self.bot.get_partial_messageable(int(mod_channel)).send(
                        f"Buddy pairs can't have their private thread in {channel.mention}: "
                        f"{problem}. They are introduced by direct message meanwhile; "
                        "`/mod settings set checkin_pairing_channel` changes the channel.",
                        allowed_mentions=NO_PINGS,
                    )
        return True

    async def _introduce(self, intro: Introduction, thread: discord.Thread | None) -> None:
        guild = await guild_name(self.bot, intro.guild_id)
        if not intro.buddies:
            await deliver_dm(
                self.bot, intro.guild_id, intro.user_id, text.BUDDY_ALONE.format(guild=guild)
            )
            return
        names = [await self._name(intro.guild_id, member_id) for member_id in intro.buddies]
        content = text.BUDDY_INTRO.format(
            guild=guild, buddies=text.join_names(names), starter=intro.starter
        )
        if thread is not None:
            content += "\n" + text.BUDDY_THREAD.format(thread=thread.mention)
        sent = await deliver_dm(self.bot, intro.guild_id, intro.user_id, content)
        if sent is not None:  # it names each buddy: it goes if one of them erases their data
            await self.bot.services.member_data.remember_post(
                intro.guild_id, intro.buddies, "buddy introduction", sent.channel.id, sent.id
            )

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
