"""A cooldown on receipt codes that match nothing, so guessing costs the guesser, not the bot."""

from __future__ import annotations

import math
from collections import OrderedDict
from datetime import datetime, timedelta

from bot.core.errors import UserFacingError

FREE_MISSES = 5
COOLDOWN = timedelta(minutes=15)
# Only so many people are remembered at once; the oldest are forgotten first.
MAX_REMEMBERED = 10_000


class GuessGuard:
    """Counts each member's codes that matched nothing, in memory only.

    It holds a member id, a count and when the count started: never a code, never which
    submission anyone asked about, and nothing survives a restart.
    """

    def __init__(self) -> None:
        self._misses: OrderedDict[int, tuple[int, datetime]] = OrderedDict()

    def check(self, member_id: int, now: datetime) -> None:
        """Refuse kindly, before any hashing, while this member is cooling down."""
        entry = self._misses.get(member_id)
        if entry is None:
            return
        count, since = entry
        if now - since >= COOLDOWN:
            del self._misses[member_id]
            return
        if count >= FREE_MISSES:
            minutes = max(1, math.ceil((since + COOLDOWN - now).total_seconds() / 60))
            raise UserFacingError(
                "A few receipt codes in a row haven't matched anything, so Alongside is "
                f"pausing look-ups for you for a little while. Please try again in {minutes} "
                f"minute{'s' if minutes != 1 else ''}, and check the code against the one you "
                "copied; it looks like `7K3QD-9XWPA-M2C4E-HT8VR`."
            )

    def missed(self, member_id: int, now: datetime) -> None:
        """Count one code that matched nothing."""
        count, since = self._misses.pop(member_id, (0, now))
        self._misses[member_id] = (count + 1, since)
        while len(self._misses) > MAX_REMEMBERED:
            self._misses.popitem(last=False)
