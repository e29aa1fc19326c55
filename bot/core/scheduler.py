"""APScheduler wrapped so that jobs are rebuilt from the database and never crash silently."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

log = logging.getLogger(__name__)

JobFunc = Callable[[], Awaitable[None]]
Rebuilder = Callable[["Scheduler"], Awaitable[None]]

# APScheduler's default grace is one second, so a busy event loop would silently drop runs.
# Jobs here are short "look at the database for due work" ticks: running a late one is always
# right, and coalescing means a backlog collapses into one run.
MISFIRE_GRACE_SECONDS = 3600


@dataclass(frozen=True, slots=True)
class JobInfo:
    """What `/mod status` shows about a job."""

    id: str
    next_run: datetime | None


class Scheduler:
    """The database is the truth; this holds a cache of it as APScheduler jobs."""

    def __init__(self) -> None:
        self._aps = AsyncIOScheduler(
            timezone=UTC,
            job_defaults={
                "coalesce": True,
                "misfire_grace_time": MISFIRE_GRACE_SECONDS,
                "max_instances": 1,
            },
        )
        self._rebuilders: list[Rebuilder] = []

    @property
    def running(self) -> bool:
        """Say whether the scheduler has been started and not shut down."""
        return bool(self._aps.running)

    def on_rebuild(self, rebuilder: Rebuilder) -> None:
        """Register a feature's function that recreates its jobs from the database."""
        self._rebuilders.append(rebuilder)

    async def start(self) -> None:
        """Start the scheduler and rebuild every feature's jobs."""
        if not self._aps.running:
            self._aps.start()
        await self.rebuild()

    async def rebuild(self) -> None:
        """Ask each feature to (re)create its jobs; stable ids make this idempotent."""
        for rebuilder in self._rebuilders:
            await rebuilder(self)

    def pause(self) -> None:
        """Keep every job but run none until `resume` (the offline demo moves time by hand)."""
        if self._aps.running:
            self._aps.pause()
            self._aps.wakeup()  # drop the timer armed before the pause

    def resume(self) -> None:
        """Run jobs again after `pause`."""
        if self._aps.running:
            self._aps.resume()

    def shutdown(self) -> None:
        """Stop the scheduler without waiting for running jobs (they are idempotent)."""
        if self._aps.running:
            self._aps.shutdown(wait=False)

    def _guarded(self, job_id: str, func: JobFunc) -> JobFunc:
        async def run() -> None:
            try:
                await func()
            except Exception:
                log.exception("Scheduled job %s failed", job_id)

        return run

    def every(
        self, job_id: str, seconds: float, func: JobFunc, *, jitter: int | None = None
    ) -> None:
        """Run `func` every `seconds`, replacing any job with the same id."""
        self._aps.add_job(
            self._guarded(job_id, func),
            IntervalTrigger(seconds=seconds, jitter=jitter, timezone=UTC),
            id=job_id,
            replace_existing=True,
        )

    def daily(self, job_id: str, hour: int, minute: int, zone: tzinfo, func: JobFunc) -> None:
        """Run `func` once a day at a wall-clock time in `zone`."""
        self._aps.add_job(
            self._guarded(job_id, func),
            CronTrigger(hour=hour, minute=minute, timezone=zone),
            id=job_id,
            replace_existing=True,
        )

    def remove(self, job_id: str) -> None:
        """Remove a job if it exists."""
        if self._aps.get_job(job_id) is not None:
            self._aps.remove_job(job_id)

    def jobs(self) -> list[JobInfo]:
        """Return every job with its next run time."""
        return [
            JobInfo(job.id, getattr(job, "next_run_time", None)) for job in self._aps.get_jobs()
        ]
