"""SQL for blog feeds: feed configuration and health, seen items, and queueing posts."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.timeutil import to_db
from bot.db.connection import Database, Transaction
from bot.db.feeds_outbox import OutboxQueries
from bot.db.rows import from_row, from_rows

FEED_COLUMNS = """
id, guild_id, channel_id, url, title, interval_minutes, mention_role_id, content_note,
include_words, exclude_words, paused, etag, last_modified, body_hash, next_poll_at,
last_fetch_at, last_success_at, last_new_item_at, consecutive_failures, last_error,
failure_notified, added_by, created_at
"""
INSERT_FEED = """
INSERT INTO feeds (guild_id, channel_id, url, title, interval_minutes, mention_role_id,
    content_note, include_words, exclude_words, etag, last_modified, body_hash, next_poll_at,
    last_fetch_at, last_success_at, added_by, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
SELECT_FEED = f"SELECT {FEED_COLUMNS} FROM feeds WHERE id = ?"
SELECT_GUILD_FEEDS = f"SELECT {FEED_COLUMNS} FROM feeds WHERE guild_id = ? ORDER BY id"
SELECT_DUE = f"""
SELECT {FEED_COLUMNS} FROM feeds WHERE paused = 0 AND next_poll_at <= ?
ORDER BY next_poll_at LIMIT ?
"""
COUNT_GUILD_FEEDS = "SELECT COUNT(*) FROM feeds WHERE guild_id = ?"
FIND_DUPLICATE = "SELECT id FROM feeds WHERE guild_id = ? AND channel_id = ? AND url = ?"
DELETE_FEED = "DELETE FROM feeds WHERE guild_id = ? AND id = ?"
SET_PAUSED = "UPDATE feeds SET paused = ?, next_poll_at = ? WHERE guild_id = ? AND id = ?"
SET_FILTERS = "UPDATE feeds SET include_words = ?, exclude_words = ? WHERE guild_id = ? AND id = ?"
RECORD_SUCCESS = """
UPDATE feeds SET title = ?, etag = ?, last_modified = ?, body_hash = ?, next_poll_at = ?,
    last_fetch_at = ?, last_success_at = ?, last_new_item_at = COALESCE(?, last_new_item_at),
    consecutive_failures = 0, last_error = '', failure_notified = 0
WHERE id = ?
"""
RECORD_NOT_MODIFIED = """
UPDATE feeds SET next_poll_at = ?, last_fetch_at = ?, last_success_at = ?,
    etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified),
    consecutive_failures = 0, last_error = '', failure_notified = 0
WHERE id = ?
"""
RECORD_FAILURE = """
UPDATE feeds SET next_poll_at = ?, last_fetch_at = ?, last_error = ?,
    consecutive_failures = consecutive_failures + 1
WHERE id = ?
RETURNING consecutive_failures
"""
SET_NOTIFIED = "UPDATE feeds SET failure_notified = ? WHERE id = ?"

UPSERT_SEEN = """
INSERT INTO feed_seen (feed_id, item_key, last_seen_at) VALUES (?, ?, ?)
ON CONFLICT (feed_id, item_key) DO UPDATE SET last_seen_at = excluded.last_seen_at
"""
COUNT_SEEN = "SELECT COUNT(*) FROM feed_seen WHERE feed_id = ?"
PRUNE_SEEN = "DELETE FROM feed_seen WHERE last_seen_at < ?"

INSERT_OUTBOX = """
INSERT INTO feed_outbox (feed_id, guild_id, channel_id, item_key, nonce, payload, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT DO NOTHING
"""

PRUNE_OUTBOX = """
DELETE FROM feed_outbox
WHERE (thread_done_at IS NOT NULL AND thread_done_at < ?)
   OR (gave_up_at IS NOT NULL AND gave_up_at < ?)
"""

# SQLite allows 32,766 parameters; keep IN lists well below that.
IN_CHUNK = 500


def _db_when(value: datetime | None) -> str | None:
    return to_db(value) if value else None


@dataclass(frozen=True, slots=True)
class FeedRow:
    """One feed as stored: what moderators configured and how its polling is going."""

    id: int
    guild_id: int
    channel_id: int
    url: str
    title: str
    interval_minutes: int
    mention_role_id: int | None
    content_note: str
    include_words: tuple[str, ...]
    exclude_words: tuple[str, ...]
    paused: bool
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    next_poll_at: datetime
    last_fetch_at: datetime | None
    last_success_at: datetime | None
    last_new_item_at: datetime | None
    consecutive_failures: int
    last_error: str
    failure_notified: bool
    added_by: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NewFeed:
    """What is stored when a moderator adds a feed (after its first successful fetch)."""

    guild_id: int
    channel_id: int
    url: str
    title: str
    interval_minutes: int
    mention_role_id: int | None
    content_note: str
    include_words: tuple[str, ...]
    exclude_words: tuple[str, ...]
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    next_poll_at: datetime
    added_by: int


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """A post to write to the outbox: nonce and payload are fixed before anything is sent."""

    item_key: str
    nonce: str
    payload: str


class FeedsRepo(OutboxQueries):
    """All reads and writes for feeds; each poll's outcome is one transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    # Feeds -----------------------------------------------------------------------------------

    async def get(self, feed_id: int) -> FeedRow | None:
        """Return one feed, or None."""
        row = await self._db.fetch_one(SELECT_FEED, (feed_id,))
        return None if row is None else from_row(FeedRow, row)

    async def for_guild(self, guild_id: int) -> list[FeedRow]:
        """Return a server's feeds in the order they were added."""
        rows = await self._db.fetch_all(SELECT_GUILD_FEEDS, (guild_id,))
        return from_rows(FeedRow, rows)

    async def count_for_guild(self, guild_id: int) -> int:
        """Return how many feeds a server has."""
        return int(await self._db.fetch_value(COUNT_GUILD_FEEDS, (guild_id,)) or 0)

    async def find_duplicate(self, guild_id: int, channel_id: int, url: str) -> int | None:
        """Return the id of the same feed already posting to the same channel, if any."""
        value = await self._db.fetch_value(FIND_DUPLICATE, (guild_id, channel_id, url))
        return None if value is None else int(value)

    async def due(self, now: datetime, limit: int) -> list[FeedRow]:
        """Return unpaused feeds whose next poll is due, most overdue first."""
        rows = await self._db.fetch_all(SELECT_DUE, (to_db(now), limit))
        return from_rows(FeedRow, rows)

    async def create(
        self,
        feed: NewFeed,
        seen_keys: Iterable[str],
        outbox: Sequence[OutboxEntry],
        now: datetime,
    ) -> int:
        """Store a new feed, everything it already shows, and any backfill posts, atomically."""
        async with self._db.transaction() as tx:
            feed_id = await tx.insert(
                INSERT_FEED,
                (
                    feed.guild_id,
                    feed.channel_id,
                    feed.url,
                    feed.title,
                    feed.interval_minutes,
                    feed.mention_role_id,
                    feed.content_note,
                    json.dumps(list(feed.include_words)),
                    json.dumps(list(feed.exclude_words)),
                    feed.etag,
                    feed.last_modified,
                    feed.body_hash,
                    to_db(feed.next_poll_at),
                    to_db(now),
                    to_db(now),
                    feed.added_by,
                    to_db(now),
                ),
            )
            await tx.executemany(UPSERT_SEEN, [(feed_id, key, to_db(now)) for key in seen_keys])
            await self._queue(tx, feed_id, feed.guild_id, feed.channel_id, outbox, now)
        return feed_id

    async def delete(self, guild_id: int, feed_id: int) -> bool:
        """Remove a feed with its seen items and unsent posts; say whether it existed."""
        return await self._db.execute(DELETE_FEED, (guild_id, feed_id)) == 1

    async def set_paused(
        self, guild_id: int, feed_id: int, paused: bool, next_poll_at: datetime
    ) -> bool:
        """Pause or resume a feed; say whether it existed."""
        changed = await self._db.execute(
            SET_PAUSED, (int(paused), to_db(next_poll_at), guild_id, feed_id)
        )
        return changed == 1

    async def set_filters(
        self, guild_id: int, feed_id: int, include: Sequence[str], exclude: Sequence[str]
    ) -> bool:
        """Replace a feed's keyword filters; say whether it existed."""
        changed = await self._db.execute(
            SET_FILTERS, (json.dumps(list(include)), json.dumps(list(exclude)), guild_id, feed_id)
        )
        return changed == 1

    # Polling ---------------------------------------------------------------------------------

    async def seen_among(self, feed_id: int, keys: Sequence[str]) -> set[str]:
        """Return which of `keys` this feed has shown before."""
        found: set[str] = set()
        unique = list(dict.fromkeys(keys))
        for start in range(0, len(unique), IN_CHUNK):
            chunk = unique[start : start + IN_CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = await self._db.fetch_all(
                f"SELECT item_key FROM feed_seen WHERE feed_id = ? AND item_key IN ({marks})",
                (feed_id, *chunk),
            )
            found.update(row[0] for row in rows)
        return found

    async def has_seen_anything(self, feed_id: int) -> bool:
        """Say whether the feed has shown any item before."""
        return bool(await self._db.fetch_value(COUNT_SEEN, (feed_id,)))

    async def record_success(
        self,
        feed: FeedRow,
        *,
        title: str,
        etag: str | None,
        last_modified: str | None,
        body_hash: str | None,
        next_poll_at: datetime,
        new_item_at: datetime | None,
        seen_keys: Iterable[str],
        outbox: Sequence[OutboxEntry],
        now: datetime,
    ) -> None:
        """Record a fetched feed, the items it showed and the posts to make, atomically."""
        async with self._db.transaction() as tx:
            await tx.execute(
                RECORD_SUCCESS,
                (
                    title,
                    etag,
                    last_modified,
                    body_hash,
                    to_db(next_poll_at),
                    to_db(now),
                    to_db(now),
                    _db_when(new_item_at),
                    feed.id,
                ),
            )
            await tx.executemany(UPSERT_SEEN, [(feed.id, key, to_db(now)) for key in seen_keys])
            await self._queue(tx, feed.id, feed.guild_id, feed.channel_id, outbox, now)

    async def record_not_modified(
        self,
        feed_id: int,
        *,
        etag: str | None,
        last_modified: str | None,
        next_poll_at: datetime,
        now: datetime,
    ) -> None:
        """Record a poll that found nothing changed (304, or the same bytes as last time)."""
        await self._db.execute(
            RECORD_NOT_MODIFIED,
            (to_db(next_poll_at), to_db(now), to_db(now), etag, last_modified, feed_id),
        )

    async def record_failure(
        self, feed_id: int, *, reason: str, next_poll_at: datetime, now: datetime
    ) -> int:
        """Record a failed poll; return how many have failed in a row."""
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                RECORD_FAILURE, (to_db(next_poll_at), to_db(now), reason[:300], feed_id)
            )
        return int(row[0]) if row is not None else 0

    async def set_failure_notified(self, feed_id: int, notified: bool) -> None:
        """Remember whether moderators were told this feed is failing."""
        await self._db.execute(SET_NOTIFIED, (int(notified), feed_id))

    # Outbox ----------------------------------------------------------------------------------

    async def queue(self, feed: FeedRow, outbox: Sequence[OutboxEntry], now: datetime) -> None:
        """Write posts to the outbox outside a poll (e.g. `post-latest`)."""
        async with self._db.transaction() as tx:
            await self._queue(tx, feed.id, feed.guild_id, feed.channel_id, outbox, now)

    @staticmethod
    async def _queue(
        tx: Transaction,
        feed_id: int,
        guild_id: int,
        channel_id: int,
        outbox: Sequence[OutboxEntry],
        now: datetime,
    ) -> None:
        await tx.executemany(
            INSERT_OUTBOX,
            [
                (feed_id, guild_id, channel_id, e.item_key, e.nonce, e.payload, to_db(now))
                for e in outbox
            ],
        )

    async def prune(self, seen_before: datetime, outbox_before: datetime) -> None:
        """Forget items not seen for a long time and long-finished posts."""
        async with self._db.transaction() as tx:
            await tx.execute(PRUNE_SEEN, (to_db(seen_before),))
            await tx.execute(PRUNE_OUTBOX, (to_db(outbox_before), to_db(outbox_before)))
