"""Which available members hear of a support request by DM, and their quiet hours."""

from __future__ import annotations

import random
import re
from datetime import datetime, time

from bot.checkins.requests import NO_LONGER_OPEN, RequestService
from bot.core.errors import UserFacingError
from bot.core.recurrence import in_quiet_hours
from bot.core.timeutil import Clock
from bot.db.checkin_requests import RequestRow
from bot.db.connection import Database
from bot.db.support_alerts import AlertRepo, AlertRow, QuietHours
from bot.settings.registry import TIME_PATTERN

# Enough that someone is likely free, few enough that nobody is asked every time.
MAX_ALERTS = 5
NOT_SENT_TO_YOU = (
    "This request wasn't sent to you, so it can't be taken from here. Thank you for offering."
)
QUIET_FORMAT = (
    "Please give quiet hours like 22:00-07:00 (24-hour clock, from-until), or `off` to clear them."
)
_SPLIT = re.compile(r"\s*(?:-|–|—|\bto\b)\s*")
CLEAR_WORDS = {"off", "none", "clear", "no"}


def parse_quiet_hours(raw: str, zone: str) -> QuietHours | None:
    """Read "22:00-07:00" as quiet hours in `zone`; None for "off"; explain anything else."""
    cleaned = raw.strip().lower()
    if cleaned in CLEAR_WORDS:
        return None
    parts = _SPLIT.split(cleaned)
    matches = [TIME_PATTERN.match(part) for part in parts] if len(parts) == 2 else []
    if len(matches) != 2 or not all(matches):
        raise UserFacingError(QUIET_FORMAT)
    start, end = (time(int(m[1]), int(m[2])) for m in matches if m)
    if start == end:
        raise UserFacingError("Those quiet hours start and end at the same time. " + QUIET_FORMAT)
    return QuietHours(start, end, zone)


class AlertService:
    """Chooses who hears of a request, fairly, and remembers the DMs so they can be updated."""

    def __init__(
        self, db: Database, clock: Clock, requests: RequestService, rng: random.Random
    ) -> None:
        self.repo = AlertRepo(db)
        self._clock = clock
        self._requests = requests
        self._rng = rng

    async def choose(self, request: RequestRow) -> list[int]:
        """Return who may be told: least recently told first, ties at random, none now quiet."""
        now = self._clock.now()
        found = [
            c
            for c in await self.repo.candidates(request.guild_id, request.asker_id)
            if c.quiet is None or not _quiet_now(now, c.quiet)
        ]
        self._rng.shuffle(found)
        # Never told comes first; then whoever was told longest ago. The sort keeps the shuffle
        # for ties, so equal turns are broken at random.
        found.sort(key=lambda c: (c.last_alerted_at is not None, c.last_alerted_at or now))
        return [c.user_id for c in found]

    async def record(
        self, request: RequestRow, helper_id: int, channel_id: int, message_id: int
    ) -> None:
        """Remember a DM that reached a member."""
        alert = AlertRow(request.id, helper_id, channel_id, message_id)
        await self.repo.record(request.guild_id, alert, self._clock.now())

    async def claim(self, request_id: int, helper_id: int) -> RequestRow:
        """Take a request from its DM: only someone it was sent to, only while it is open."""
        request = await self._requests.get(request_id)
        if request is None or request.status != "open":
            raise UserFacingError(NO_LONGER_OPEN)
        if not await self.repo.was_alerted(request_id, helper_id):
            raise UserFacingError(NOT_SENT_TO_YOU)
        taken = await self._requests.take(request_id, helper_id)
        await self.repo.forget(AlertRow(request_id, helper_id, 0, 0))
        return taken

    async def settled(self) -> list[tuple[AlertRow, str]]:
        """Return DMs whose request is no longer open, to be updated and then forgotten."""
        return await self.repo.settled()

    async def forget(self, alert: AlertRow) -> None:
        """Drop a DM's row once it says how the request ended."""
        await self.repo.forget(alert)

    async def set_quiet(self, guild_id: int, user_id: int, quiet: QuietHours | None) -> None:
        """Set or clear the hours a member doesn't want request DMs."""
        await self.repo.set_quiet(guild_id, user_id, quiet)

    async def quiet(self, guild_id: int, user_id: int) -> QuietHours | None:
        """Return the member's quiet hours, if any."""
        return await self.repo.quiet(guild_id, user_id)


def _quiet_now(now: datetime, quiet: QuietHours) -> bool:
    return in_quiet_hours(now, quiet.zone, quiet.start, quiet.end)
