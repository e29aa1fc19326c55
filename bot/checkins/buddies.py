"""Buddy rounds: who is in, who is resting, and each round's groups, stored before anyone hears."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.checkins.pairing import REPEAT_WINDOW, pair_members
from bot.checkins.reminders import NOT_CONSENTED
from bot.checkins.settings import BUDDY_CADENCE, buddy_cadence
from bot.core.errors import UserFacingError
from bot.core.recurrence import Recurrence
from bot.core.timeutil import Clock
from bot.db.checkins import CheckinRepo
from bot.db.ledger import Occurrence, OccurrenceLedger
from bot.settings.registry import GuildSettings

# Keeps only the members still in the server (asked of Discord by the caller).
Present = Callable[[int, list[int]], Awaitable[list[int]]]
ROUND_TIME = time(10, 0)  # Mondays, server time
LOW_CAPACITY_WITHIN = timedelta(days=7)
STARTERS = (
    "What's one thing that helped you get through a hard meeting recently?",
    "Where do you find a bit of quiet in your working week?",
    "What's something about your role that people rarely ask about?",
    "What would you tell yourself on your first day in this work?",
    "What's a small thing that made a difference to someone you supported?",
    "How do you leave work at work, when you can?",
    "What's a question you'd like a peer's view on this week?",
)


@dataclass(frozen=True, slots=True)
class Introduction:
    """One member's news from a round: who their buddies are (none means unpaired)."""

    round_id: int
    guild_id: int
    user_id: int
    group_no: int
    buddies: tuple[int, ...]
    starter: str
    first_of_group: bool  # the first member told creates the shared thread, if any


class BuddyService:
    """Opt in and out, pause, avoid, and run due rounds."""

    def __init__(
        self,
        repo: CheckinRepo,
        clock: Clock,
        settings: GuildSettings,
        ledger: OccurrenceLedger,
        rng: random.Random | None = None,
    ) -> None:
        self._repo = repo
        self._clock = clock
        self._settings = settings
        self._ledger = ledger
        self._rng = rng or random.Random()

    async def _require_consent(self, guild_id: int, user_id: int) -> None:
        member = await self._repo.member(guild_id, user_id)
        if member is None or not member.active:
            raise UserFacingError(NOT_CONSENTED)

    async def join(self, guild_id: int, user_id: int) -> None:
        """Opt the member in to buddy rounds (ending any pause)."""
        await self._require_consent(guild_id, user_id)
        await self._repo.join_buddies(guild_id, user_id, self._clock.now())

    async def leave(self, guild_id: int, user_id: int) -> bool:
        """Opt the member out; say whether they were in."""
        return await self._repo.leave_buddies(guild_id, user_id)

    async def pause(self, guild_id: int, user_id: int, weeks: int) -> datetime:
        """Skip the member's rounds for `weeks` weeks; return when they resume."""
        until = self._clock.now() + timedelta(weeks=weeks)
        if not await self._repo.pause_buddies(guild_id, user_id, until):
            raise UserFacingError(
                "You're not in buddy rounds at the moment. `/checkin buddies join` opts you in."
            )
        return until

    async def avoid(self, guild_id: int, user_id: int, other_id: int, *, avoid: bool) -> None:
        """Never (or again) pair the member with `other_id`; nobody else is ever told."""
        await self._require_consent(guild_id, user_id)
        if other_id == user_id:
            raise UserFacingError("You can't be paired with yourself, so there's nothing to do.")
        await self._repo.set_avoid(guild_id, user_id, other_id, avoid)

    async def status(self, guild_id: int, user_id: int) -> tuple[datetime, datetime | None] | None:
        """Return (joined, paused until) if the member is in rounds."""
        return await self._repo.buddy(guild_id, user_id)

    async def next_round(self, guild_id: int) -> datetime | None:
        """Return when the server's next round is due, or None if rounds are off."""
        rule = await self._rule(guild_id)
        if rule is None:
            return None
        return rule.next_after(self._clock.now())

    async def _rule(self, guild_id: int) -> Recurrence | None:
        cadence = buddy_cadence(await self._settings.get(guild_id, BUDDY_CADENCE))
        if cadence is None:
            return None
        zone = str(await self._settings.get(guild_id, "timezone"))
        return Recurrence(cadence, ROUND_TIME, zone, weekday=0)

    async def run_due_rounds(self, present: Present | None = None) -> list[int]:
        """Pair every server whose round is due; return the new round ids.

        `present` drops anyone who has left the server, so nobody is paired with an absence.
        """
        now = self._clock.now()
        created: list[int] = []
        for guild_id, first_joined in await self._repo.buddy_guilds():
            rule = await self._rule(guild_id)
            if rule is None:
                continue
            since = await self._repo.last_round_due(guild_id) or first_joined
            due_times = rule.between(since, now)
            if not due_times:
                continue
            due = due_times[-1]  # after downtime, one round now rather than a burst of them
            occurrence = Occurrence(f"checkin:buddies:{guild_id}", due)
            # `due` is later than the last stored round, so a claim that already exists was
            # left open by a crash before the round was stored: finishing it is right. The
            # unique (guild, due) on rounds stops a second copy if two runs ever overlap.
            await self._ledger.claim(occurrence, now)
            try:
                created.append(await self._pair(guild_id, due, now, present))
            except sqlite3.IntegrityError:
                continue
            await self._ledger.complete(occurrence, now)
        return created

    async def _pair(
        self, guild_id: int, due: datetime, now: datetime, present: Present | None
    ) -> int:
        resting = await self._repo.low_capacity(guild_id, now - LOW_CAPACITY_WITHIN)
        members = [m for m in await self._repo.eligible_buddies(guild_id, now) if m not in resting]
        if present is not None:
            members = await present(guild_id, members)
        groups = pair_members(
            members,
            recent_rounds=await self._repo.recent_rounds(guild_id, REPEAT_WINDOW),
            avoid=await self._repo.avoid_pairs(guild_id),
            rng=self._rng,
        )
        return await self._repo.save_round(guild_id, due, groups, now)

    async def introductions(self) -> list[Introduction]:
        """Return every introduction not yet sent, from any round (survives restarts)."""
        rows = await self._repo.rounds_to_notify()
        groups: dict[tuple[int, int], list[int]] = {}
        told: dict[tuple[int, int], bool] = {}
        for row in rows:
            key = (row.round_id, row.group_no)
            groups.setdefault(key, []).append(row.user_id)
            told[key] = told.get(key, False) or row.notified
        pending: list[Introduction] = []
        for row in rows:
            if row.notified:
                continue
            key = (row.round_id, row.group_no)
            members = groups[key]
            starter = STARTERS[(row.round_id * 7 + row.group_no) % len(STARTERS)]
            first = not told[key] and row.user_id == members[0]
            buddies = tuple(m for m in members if m != row.user_id)
            pending.append(
                Introduction(
                    row.round_id, row.guild_id, row.user_id, row.group_no, buddies, starter, first
                )
            )
        return pending

    async def introduced(self, introduction: Introduction) -> None:
        """Record that the member was told about their round."""
        await self._repo.mark_notified(
            introduction.round_id, introduction.user_id, self._clock.now()
        )
