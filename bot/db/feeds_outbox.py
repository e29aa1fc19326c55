"""SQL for the feed post outbox: each queued post, its tries and its outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.timeutil import to_db
from bot.db.connection import Database
from bot.db.rows import from_row, from_rows

OUTBOX_COLUMNS = """
id, feed_id, guild_id, channel_id, item_key, nonce, payload, created_at, attempted_at,
attempts, message_id, sent_at, thread_done_at, gave_up_at, last_error
"""
SELECT_OPEN_OUTBOX = f"""
SELECT {OUTBOX_COLUMNS} FROM feed_outbox
WHERE thread_done_at IS NULL AND gave_up_at IS NULL ORDER BY id LIMIT ?
"""
SELECT_OUTBOX_BY_NONCE = f"SELECT {OUTBOX_COLUMNS} FROM feed_outbox WHERE nonce = ?"
SELECT_FEED_OUTBOX = f"SELECT {OUTBOX_COLUMNS} FROM feed_outbox WHERE feed_id = ? ORDER BY id"
MARK_ATTEMPT = """
UPDATE feed_outbox SET attempted_at = ?, attempts = attempts + 1
WHERE id = ? AND message_id IS NULL
"""
RECORD_SENT = """
UPDATE feed_outbox SET message_id = ?, sent_at = ?, last_error = ''
WHERE id = ? AND message_id IS NULL
"""
RECORD_THREAD = "UPDATE feed_outbox SET thread_done_at = ?, last_error = ? WHERE id = ?"
RECORD_POST_ERROR = "UPDATE feed_outbox SET last_error = ? WHERE id = ?"
GIVE_UP = "UPDATE feed_outbox SET gave_up_at = ?, last_error = ? WHERE id = ?"


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """A post in the outbox, sent or not."""

    id: int
    feed_id: int
    guild_id: int
    channel_id: int
    item_key: str
    nonce: str
    payload: str
    created_at: datetime
    attempted_at: datetime | None
    attempts: int
    message_id: int | None
    sent_at: datetime | None
    thread_done_at: datetime | None
    gave_up_at: datetime | None
    last_error: str


class OutboxQueries:
    """Reading and updating queued posts; mixed into FeedsRepo."""

    _db: Database

    async def outbox_by_nonce(self, nonce: str) -> OutboxRow | None:
        """Return the outbox row with this nonce, if any."""
        row = await self._db.fetch_one(SELECT_OUTBOX_BY_NONCE, (nonce,))
        return None if row is None else from_row(OutboxRow, row)

    async def open_outbox(self, limit: int) -> list[OutboxRow]:
        """Return posts not yet finished (unsent, or sent without their thread), oldest first."""
        rows = await self._db.fetch_all(SELECT_OPEN_OUTBOX, (limit,))
        return from_rows(OutboxRow, rows)

    async def outbox_for_feed(self, feed_id: int) -> list[OutboxRow]:
        """Return every outbox row of one feed (for tests and diagnostics)."""
        rows = await self._db.fetch_all(SELECT_FEED_OUTBOX, (feed_id,))
        return from_rows(OutboxRow, rows)

    async def mark_attempt(self, outbox_id: int, now: datetime) -> None:
        """Record that a send is about to start, before the request leaves."""
        await self._db.execute(MARK_ATTEMPT, (to_db(now), outbox_id))

    async def record_sent(self, outbox_id: int, message_id: int, now: datetime) -> None:
        """Record the message Discord made for this post."""
        await self._db.execute(RECORD_SENT, (message_id, to_db(now), outbox_id))

    async def record_thread(self, outbox_id: int, now: datetime, error: str = "") -> None:
        """Record that the discussion thread step is finished (with any error)."""
        await self._db.execute(RECORD_THREAD, (to_db(now), error[:300], outbox_id))

    async def record_post_error(self, outbox_id: int, error: str) -> None:
        """Remember why the last send failed; it will be tried again."""
        await self._db.execute(RECORD_POST_ERROR, (error[:300], outbox_id))

    async def give_up(self, outbox_id: int, error: str, now: datetime) -> None:
        """Stop trying to send a post that cannot be delivered."""
        await self._db.execute(GIVE_UP, (to_db(now), error[:300], outbox_id))
