"""Daily upkeep: retention limits, ledger pruning and backups."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.core.config import Settings
from bot.core.scheduler import Scheduler
from bot.core.timeutil import Clock, from_db, to_db
from bot.db import Database
from bot.db.ledger import OccurrenceLedger
from bot.db.meta import MetaStore

log = logging.getLogger(__name__)

RetentionHook = Callable[[datetime], Awaitable[int]]
LEDGER_KEEP = timedelta(days=30)
BACKUP_PREFIX = "alongside-"


class Maintenance:
    """Runs once a day at 03:30 in the default timezone; each step is safe to repeat."""

    def __init__(
        self,
        config: Settings,
        db: Database,
        ledger: OccurrenceLedger,
        meta: MetaStore,
        clock: Clock,
    ) -> None:
        self._config = config
        self._db = db
        self._ledger = ledger
        self._meta = meta
        self._clock = clock
        self._retention: list[tuple[str, RetentionHook]] = []

    def on_retention(self, name: str, hook: RetentionHook) -> None:
        """Register a retention step: it deletes what is past its limit and returns a count."""
        self._retention.append((name, hook))

    async def rebuild(self, scheduler: Scheduler) -> None:
        """(Re)create the daily job."""
        zone = ZoneInfo(self._config.timezone)
        scheduler.daily("core:maintenance", 3, 30, zone, self.run_daily)

    async def run_daily(self) -> None:
        """Apply retention limits, prune the ledger, then back up."""
        now = self._clock.now()
        await self.apply_retention(now)
        pruned = await self._ledger.prune(now - LEDGER_KEEP)
        log.info("Pruned %d finished occurrences", pruned)
        await self.backup_now()

    async def apply_retention(self, now: datetime) -> dict[str, int]:
        """Run every feature's retention step; return how many rows each removed."""
        removed: dict[str, int] = {}
        for name, hook in self._retention:
            try:
                removed[name] = await hook(now)
            except Exception:
                log.exception("Retention step %s failed", name)
        if removed:
            log.info("Retention: %s", removed)
            await self._db.checkpoint()
        return removed

    async def backup_now(self) -> Path:
        """Write a timestamped online backup and keep only the newest BACKUP_KEEP."""
        folder = self._config.backup_dir
        stamp = self._clock.now().strftime("%Y%m%d-%H%M%S")
        target = folder / f"{BACKUP_PREFIX}{stamp}.db"
        await self._db.backup(target)
        backups = sorted(folder.glob(f"{BACKUP_PREFIX}*.db"))
        for old in backups[: max(0, len(backups) - self._config.backup_keep)]:
            old.unlink(missing_ok=True)
        await self._meta.set("last_backup", to_db(self._clock.now()))
        # Moderators see the size as of this moment only: a live size grows with each write and
        # would let someone re-running `/mod status` time an anonymous submission.
        await self._meta.set("last_backup_bytes", str(target.stat().st_size))
        log.info("Backed up the database to %s", target)
        return target

    async def size_at_backup(self) -> int | None:
        """Return the database's size in bytes as of the last backup, if there was one."""
        value = await self._meta.get("last_backup_bytes")
        return int(value) if value and value.isdigit() else None

    async def last_backup(self) -> datetime | None:
        """Return when the last backup was written, if ever."""
        value = await self._meta.get("last_backup")
        return from_db(value) if value else None
