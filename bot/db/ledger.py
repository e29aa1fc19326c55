"""The occurrence ledger: claim a scheduled occurrence once, finish it later."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.timeutil import to_db
from bot.db.connection import Database, Transaction
from bot.db.rows import from_rows

CLAIM = """
INSERT INTO occurrences (schedule_key, due_at, claimed_at) VALUES (?, ?, ?)
ON CONFLICT (schedule_key, due_at) DO NOTHING
"""
COMPLETE = """
UPDATE occurrences SET completed_at = ?
WHERE schedule_key = ? AND due_at = ? AND completed_at IS NULL
"""
SELECT_OPEN = """
SELECT schedule_key, due_at, claimed_at FROM occurrences
WHERE completed_at IS NULL AND schedule_key LIKE ? ESCAPE '\\' ORDER BY due_at
"""
SELECT_ONE = "SELECT completed_at FROM occurrences WHERE schedule_key = ? AND due_at = ?"
PRUNE = "DELETE FROM occurrences WHERE completed_at IS NOT NULL AND completed_at < ?"


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One due time of one schedule."""

    schedule_key: str
    due_at: datetime


@dataclass(frozen=True, slots=True)
class OpenOccurrence:
    """A claimed occurrence whose work was not finished (e.g. the bot stopped mid fan-out)."""

    schedule_key: str
    due_at: datetime
    claimed_at: datetime


class OccurrenceLedger:
    """Claims are atomic in SQLite, so two racing claimers can never both win."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def claim(self, occurrence: Occurrence, now: datetime) -> bool:
        """Claim `occurrence`; True only for the one caller that claimed it first."""
        changed = await self._db.execute(
            CLAIM, (occurrence.schedule_key, to_db(occurrence.due_at), to_db(now))
        )
        return changed == 1

    async def claim_in(self, tx: Transaction, occurrence: Occurrence, now: datetime) -> bool:
        """Claim `occurrence` inside the caller's transaction, so it commits with its work."""
        changed = await tx.execute(
            CLAIM, (occurrence.schedule_key, to_db(occurrence.due_at), to_db(now))
        )
        return changed == 1

    async def complete_in(self, tx: Transaction, occurrence: Occurrence, now: datetime) -> None:
        """Mark the occurrence finished inside the caller's transaction."""
        await tx.execute(COMPLETE, (to_db(now), occurrence.schedule_key, to_db(occurrence.due_at)))

    async def complete(self, occurrence: Occurrence, now: datetime) -> None:
        """Mark the occurrence's work as finished."""
        await self._db.execute(
            COMPLETE, (to_db(now), occurrence.schedule_key, to_db(occurrence.due_at))
        )

    async def is_claimed(self, occurrence: Occurrence) -> bool:
        """Say whether anyone has claimed this occurrence yet."""
        row = await self._db.fetch_one(
            SELECT_ONE, (occurrence.schedule_key, to_db(occurrence.due_at))
        )
        return row is not None

    async def open_occurrences(self, key_prefix: str = "") -> list[OpenOccurrence]:
        """Return claimed but unfinished occurrences whose key starts with `key_prefix`."""
        escaped = key_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = await self._db.fetch_all(SELECT_OPEN, (escaped + "%",))
        return from_rows(OpenOccurrence, rows)

    async def prune(self, before: datetime) -> int:
        """Forget finished occurrences completed before `before`; return how many."""
        return await self._db.execute(PRUNE, (to_db(before),))
