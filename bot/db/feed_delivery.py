"""SQL for feeds whose channel refuses their posts, until it takes them again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.timeutil import to_db
from bot.db.connection import Database
from bot.db.rows import from_rows

BLOCK = """
INSERT INTO feed_delivery_blocks (feed_id, reason, since) VALUES (?, ?, ?)
ON CONFLICT (feed_id) DO UPDATE SET reason = excluded.reason
"""
UNBLOCK = "DELETE FROM feed_delivery_blocks WHERE feed_id = ? RETURNING notified"
# Tries made while the channel refused don't count towards giving up on a post.
RESET_ATTEMPTS = """
UPDATE feed_outbox SET attempts = 0
WHERE feed_id = ? AND thread_done_at IS NULL AND gave_up_at IS NULL
"""
SELECT_ALL = "SELECT feed_id, reason, since, notified FROM feed_delivery_blocks ORDER BY feed_id"
SET_NOTIFIED = "UPDATE feed_delivery_blocks SET notified = 1 WHERE feed_id = ?"


@dataclass(frozen=True, slots=True)
class DeliveryBlock:
    """A feed that can't deliver, why, since when, and whether moderators were told."""

    feed_id: int
    reason: str
    since: datetime
    notified: bool


class FeedDeliveryRepo:
    """Reads and writes which feeds are not delivering."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def block(self, feed_id: int, reason: str, now: datetime) -> None:
        """Record that the feed's channel refused a post (keeping when it started)."""
        await self._db.execute(BLOCK, (feed_id, reason[:300], to_db(now)))

    async def unblock(self, feed_id: int) -> bool | None:
        """Forget the block; return whether moderators had been told (None: wasn't blocked)."""
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(UNBLOCK, (feed_id,))
            await tx.execute(RESET_ATTEMPTS, (feed_id,))
        return None if row is None else bool(row["notified"])

    async def all(self) -> dict[int, DeliveryBlock]:
        """Return every current block by feed id."""
        rows = await self._db.fetch_all(SELECT_ALL, ())
        return {block.feed_id: block for block in from_rows(DeliveryBlock, rows)}

    async def set_notified(self, feed_id: int) -> None:
        """Remember that moderators were told about this block."""
        await self._db.execute(SET_NOTIFIED, (feed_id,))
