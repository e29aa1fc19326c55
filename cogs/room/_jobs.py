"""The /room tick: reminders before meetings, and the debrief and peer messages after them.

The tick reads the time from `services.clock` and the work from the database, so tests call it
directly with a ManualClock. Each reminder and each ending is claimed once in SQLite before its
message is sent, so a second tick (or a restart) never sends it twice.
"""

from __future__ import annotations

import logging

import discord

from bot.app.client import Alongside
from bot.core.scheduler import Scheduler
from bot.core.text import as_words
from bot.db.rooms import Meeting
from bot.ui.replies import NO_PINGS
from cogs.room import _text as text
from cogs.room._buttons import debrief_view, peer_view

log = logging.getLogger(__name__)
JOB_ID = "rooms:tick"


class RoomJobs:
    """The tick, bound to one bot."""

    def __init__(self, bot: Alongside) -> None:
        self.bot = bot

    async def schedule(self, scheduler: Scheduler) -> None:
        """(Re)create the job with a stable id."""
        scheduler.every(JOB_ID, 30, self._tick)

    async def _tick(self) -> None:
        await self.tick()

    async def tick(self) -> tuple[int, int]:
        """Send due reminders and end-of-meeting messages; return how many of each went out."""
        rooms = self.bot.services.rooms
        reminded = 0
        membership = self.bot.membership
        for meeting in await rooms.reminders_due():
            if await membership.is_member(meeting.guild_id, meeting.user_id):
                sent = await self._dm(meeting.user_id, self._reminder(meeting))
                reminded += sent is not None
        ended = 0
        for meeting in await rooms.endings_due():
            if not await membership.is_member(meeting.guild_id, meeting.user_id):
                await rooms.ended(meeting)  # someone who left is sent nothing, peer included
                continue
            told = await self._dm(
                meeting.user_id,
                text.DEBRIEF_DM.format(what=discord.utils.escape_markdown(meeting.what)),
                view=debrief_view(meeting.guild_id),
            )
            ended += told is not None
            await self._tell_peer(meeting)
            await rooms.ended(meeting)
        await rooms.repo.prune_offers(self.bot.services.clock.now())
        if reminded or ended:
            log.info("Rooms: %d reminders and %d debrief offers sent", reminded, ended)
        return reminded, ended

    def _reminder(self, meeting: Meeting) -> str:
        grounding, question = self.bot.services.rooms.grounding()
        own = ""
        for label, words in (
            (text.LABEL_CARRY_IN, meeting.carry),
            (text.LABEL_SHARE_KEEP, meeting.share_keep),
            (text.LABEL_QUESTION, meeting.question),
        ):
            if words:
                own += text.OWN_WORDS.format(label=label, words=as_words(words))
        return text.REMINDER_DM.format(
            what=discord.utils.escape_markdown(meeting.what),
            when=discord.utils.format_dt(meeting.starts_at, "t"),
            own_words=own,
            grounding=grounding,
            question=question,
        )[:2000]

    async def _tell_peer(self, meeting: Meeting) -> None:
        if meeting.peer_id is None or meeting.peer_words is None:
            return
        if not await self.bot.membership.is_member(meeting.guild_id, meeting.peer_id):
            return
        token = await self.bot.services.rooms.peer_offer(meeting)
        if token is None:
            return
        content = text.PEER_DM.format(
            member=f"<@{meeting.user_id}>",
            words=as_words(meeting.peer_words),
        )
        sent = await self._dm(meeting.peer_id, content, view=peer_view(token))
        if sent is not None:  # it names the member and quotes their words
            await self.bot.services.member_data.remember_post(
                meeting.guild_id, (meeting.user_id,), "peer request", sent.channel.id, sent.id
            )

    async def _dm(
        self, user_id: int, content: str, *, view: discord.ui.View | None = None
    ) -> discord.Message | None:
        try:
            user = self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
            if view is None:
                return await user.send(content, allowed_mentions=NO_PINGS)
            return await user.send(content, allowed_mentions=NO_PINGS, view=view)
        except discord.HTTPException as error:
            log.info("Could not send a /room direct message (HTTP %s)", error.status)
            return None
