"""SQL for the moderators' audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.timeutil import to_db
from bot.db.connection import Database
from bot.db.rows import from_rows

INSERT = """
INSERT INTO audit_log (guild_id, actor_id, action, target, detail, created_at)
VALUES (?, ?, ?, ?, ?, ?)
"""
SELECT_PAGE = """
SELECT id, actor_id, action, target, detail, created_at FROM audit_log
WHERE guild_id = ? AND (? = '' OR action = ?) ORDER BY id DESC LIMIT ? OFFSET ?
"""
COUNT = "SELECT COUNT(*) FROM audit_log WHERE guild_id = ? AND (? = '' OR action = ?)"


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One moderator action."""

    id: int
    actor_id: int
    action: str
    target: str
    detail: str
    created_at: datetime


class AuditLog:
    """Record and read moderator actions."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def record(
        self, guild_id: int, actor_id: int, action: str, target: str, detail: str, now: datetime
    ) -> None:
        """Append one action to the log."""
        await self._db.execute(
            INSERT, (guild_id, actor_id, action, target, detail[:500], to_db(now))
        )

    async def page(
        self, guild_id: int, *, action: str = "", limit: int = 10, offset: int = 0
    ) -> tuple[list[AuditEntry], int]:
        """Return one page of entries, newest first, and the total count."""
        rows = await self._db.fetch_all(SELECT_PAGE, (guild_id, action, action, limit, offset))
        total = await self._db.fetch_value(COUNT, (guild_id, action, action))
        return from_rows(AuditEntry, rows), int(total or 0)
