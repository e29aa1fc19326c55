"""`python -m bot`, with every "look for due work" tick running once a second (tests only).

The crash-safety tests kill the bot in the middle of scheduled work and start it again; waiting
production's 30–60 s between ticks would only make them slow. Everything else is `python -m bot`:
the same composition root, database, cogs and jobs.

Run: python -m tests.fastbot
"""

from __future__ import annotations

import sys

from bot.__main__ import main
from bot.core.scheduler import JobFunc, Scheduler

TICK_SECONDS = 1.0
_every = Scheduler.every


def every_second(
    self: Scheduler, job_id: str, seconds: float, func: JobFunc, *, jitter: int | None = None
) -> None:
    """Schedule an interval job at most a second apart, without jitter."""
    _every(self, job_id, min(seconds, TICK_SECONDS), func)


Scheduler.every = every_second  # type: ignore[method-assign]

if __name__ == "__main__":
    sys.exit(main())
