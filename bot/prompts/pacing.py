"""One token bucket shared by every prompt send, so a fan-out stays under Discord's limits."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

# Discord allows 50 requests a second per bot, and discord.py only reacts to a global 429
# after it has happened; pacing ahead of it leaves headroom for everything else the bot does.
DEFAULT_RATE = 45.0
# After "opening DMs too fast" (40003), the whole bucket pauses this long and halves its rate.
COOL_OFF_SECONDS = 1.0
MINIMUM_RATE = 1.0
# Each success afterwards wins back this share of the target rate, so recovery takes a few
# hundred sends rather than one.
RECOVERY_SHARE = 1 / 200


class Pacer:
    """Hands out evenly spaced send slots; slows down when Discord says we are too fast."""

    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("the send rate must be positive")
        self.target = rate
        self.rate = rate
        self.slowdowns = 0
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0

    async def acquire(self) -> None:
        """Wait for the next slot; slots are 1/rate seconds apart whoever asks for them."""
        now = self._clock()
        slot = max(now, self._next)
        self._next = slot + 1.0 / self.rate
        if slot > now:
            await self._sleep(slot - now)

    def slow_down(self) -> None:
        """Halve the rate and pause every sender briefly (after 40003 or a 429)."""
        self.slowdowns += 1
        self.rate = max(MINIMUM_RATE, self.rate / 2)
        self._next = max(self._next, self._clock() + COOL_OFF_SECONDS)

    def succeeded(self) -> None:
        """Win back a little of the target rate after a successful send."""
        if self.rate < self.target:
            self.rate = min(self.target, self.rate + self.target * RECOVERY_SHARE)
