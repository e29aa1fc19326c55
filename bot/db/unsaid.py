"""SQL for Unsaid: submissions, replies and daily-limit slots (no user ids, ever)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.timeutil import to_db
from bot.db.connection import Database, Transaction
from bot.db.rows import from_row, from_rows
from bot.db.unsaid_blocks import BlockQueries

ITEM_COLUMNS = """
i.id, i.public_id, i.guild_id, i.parent_id, i.status, i.body, i.content_note, i.allow_replies,
i.needs_care, i.has_link, i.reviewed, i.shared_on, i.release_at, i.post_at, i.failures,
i.number, i.reason, i.review_channel_id, i.review_message_id, i.channel_id, i.message_id,
i.thread_id, i.answer_thread_id, i.author_tag IS NOT NULL AS has_tag,
p.number AS parent_number, p.channel_id AS parent_channel_id, p.thread_id AS parent_thread_id,
p.public_id AS parent_public_id
"""
SELECT_ITEMS = (
    f"SELECT {ITEM_COLUMNS} FROM unsaid_items i LEFT JOIN unsaid_items p ON p.id = i.parent_id"
)
SELECT_BY_ID = f"{SELECT_ITEMS} WHERE i.id = ?"
SELECT_BY_PUBLIC_ID = f"{SELECT_ITEMS} WHERE i.public_id = ?"
SELECT_BY_RECEIPT = f"{SELECT_ITEMS} WHERE i.receipt_hash = ?"
SELECT_REPLIES = f"{SELECT_ITEMS} WHERE i.parent_id = ? ORDER BY i.id"
SELECT_DUE_QUEUED = f"{SELECT_ITEMS} WHERE i.status = 'queued' AND i.release_at <= ?"
SELECT_DUE_SCHEDULED = f"{SELECT_ITEMS} WHERE i.status = 'scheduled' AND i.post_at <= ?"
COUNT_WAITING = """
SELECT
    COALESCE(SUM(status = 'queued'), 0) AS queued,
    COALESCE(SUM(status = 'in_review'), 0) AS in_review,
    COALESCE(SUM(status = 'scheduled'), 0) AS scheduled
FROM unsaid_items WHERE guild_id = ?
"""

INSERT_ITEM = """
INSERT INTO unsaid_items (
    public_id, guild_id, parent_id, receipt_hash, status, body, content_note, allow_replies,
    needs_care, has_link, shared_on, release_at, post_at, key_id, tag_salt, author_tag,
    tags_expire_on, answer_thread_id
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
SELECT_SLOTS = "SELECT slot FROM unsaid_limit_slots WHERE slot IN ({marks})"
INSERT_SLOT = "INSERT INTO unsaid_limit_slots (slot, day) VALUES (?, ?)"

MARK_IN_REVIEW = """
UPDATE unsaid_items SET status = 'in_review', reviewed = 1, release_at = NULL, failures = 0,
    review_channel_id = ?, review_message_id = ?
WHERE id = ? AND status = 'queued'
"""
REQUEUE = """
UPDATE unsaid_items SET release_at = ?, failures = failures + 1
WHERE id = ? AND status = 'queued' RETURNING failures
"""
APPROVE = """
UPDATE unsaid_items SET status = 'scheduled', post_at = ?, failures = 0,
    content_note = CASE WHEN ? THEN ? ELSE content_note END
WHERE id = ? AND status = 'in_review'
"""
REJECT = """
UPDATE unsaid_items SET status = 'rejected', reason = ?, body = NULL, content_note = NULL,
    post_at = NULL, release_at = NULL
WHERE id = ? AND status = 'in_review'
"""
BUMP_COUNTER = """
INSERT INTO unsaid_counters (guild_id, last_number) VALUES (?, 1)
ON CONFLICT (guild_id) DO UPDATE SET last_number = last_number + 1
RETURNING last_number
"""
SET_NUMBER = "UPDATE unsaid_items SET number = ? WHERE id = ? AND number IS NULL"
SELECT_NUMBER = "SELECT number FROM unsaid_items WHERE id = ?"
MARK_POSTED = """
UPDATE unsaid_items SET status = 'posted', body = NULL, content_note = NULL, post_at = NULL,
    failures = 0, channel_id = ?, message_id = ?, thread_id = ?
WHERE id = ? AND status = 'scheduled'
"""
POST_FAILED = """
UPDATE unsaid_items SET post_at = ?, failures = failures + 1
WHERE id = ? AND status = 'scheduled' RETURNING failures
"""
SET_REVIEW_MESSAGE = """
UPDATE unsaid_items SET review_channel_id = ?, review_message_id = ? WHERE id = ?
"""
DELETE_ITEM = "DELETE FROM unsaid_items WHERE id = ?"

DELETE_LAPSED_BLOCKS = "DELETE FROM unsaid_blocks WHERE key_id NOT IN ({marks})"

EXPIRE_TAGS = """
UPDATE unsaid_items SET key_id = NULL, tag_salt = NULL, author_tag = NULL, tags_expire_on = NULL
WHERE tags_expire_on IS NOT NULL AND tags_expire_on < ?
"""
DELETE_OLD_REJECTED = "DELETE FROM unsaid_items WHERE status = 'rejected' AND shared_on < ?"
DELETE_OLD_SLOTS = "DELETE FROM unsaid_limit_slots WHERE day < ?"
DELETE_TAGS_OF_LAPSED_KEYS = """
UPDATE unsaid_items SET key_id = NULL, tag_salt = NULL, author_tag = NULL, tags_expire_on = NULL
WHERE key_id IS NOT NULL AND key_id NOT IN ({marks})
"""


@dataclass(frozen=True, slots=True)
class UnsaidItem:
    """One submission or anonymous reply, as the bot needs it (never who wrote it)."""

    id: int
    public_id: str
    guild_id: int
    parent_id: int | None
    status: str
    body: str | None
    content_note: str | None
    allow_replies: bool
    needs_care: bool
    has_link: bool
    reviewed: bool
    shared_on: str
    release_at: datetime | None
    post_at: datetime | None
    failures: int
    number: int | None
    reason: str | None
    review_channel_id: int | None
    review_message_id: int | None
    channel_id: int | None
    message_id: int | None
    thread_id: int | None
    has_tag: bool
    parent_number: int | None
    parent_channel_id: int | None
    parent_thread_id: int | None
    parent_public_id: str | None
    answer_thread_id: int | None = None

    @property
    def is_reply(self) -> bool:
        """Say whether this is an anonymous reply to a post."""
        return self.parent_id is not None

    @property
    def is_answer(self) -> bool:
        """Say whether this answers a reflective prompt (posted in the prompt's thread)."""
        return self.answer_thread_id is not None


@dataclass(frozen=True, slots=True)
class NewItem:
    """What is stored when someone submits: words, flags, a day, and a salted keyed tag."""

    public_id: str
    guild_id: int
    parent_id: int | None
    receipt_hash: bytes
    status: str
    body: str
    content_note: str | None
    allow_replies: bool
    needs_care: bool
    has_link: bool
    shared_on: str
    release_at: datetime | None
    post_at: datetime | None
    key_id: int
    tag_salt: bytes
    author_tag: bytes
    tags_expire_on: str
    answer_thread_id: int | None = None


@dataclass(frozen=True, slots=True)
class Waiting:
    """How many submissions wait at each stage in one server."""

    queued: int
    in_review: int
    scheduled: int


def _optional_db_time(value: datetime | None) -> str | None:
    return None if value is None else to_db(value)


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" for _ in values) or "NULL"


async def _used_slots(tx: Transaction, slots: Sequence[bytes]) -> set[bytes]:
    if not slots:
        return set()
    rows = await tx.fetch_all(SELECT_SLOTS.format(marks=_marks(slots)), tuple(slots))
    return {bytes(row["slot"]) for row in rows}


class UnsaidRepo(BlockQueries):
    """Every statement Unsaid runs."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def create(
        self,
        item: NewItem,
        *,
        current_slots: Sequence[bytes],
        older_slots: Sequence[bytes],
        limit: int,
        day: str,
    ) -> int | None:
        """Use one daily slot and store the item, atomically; None when the limit is reached.

        `current_slots` are this person's slots 1..n under the current key; `older_slots` the
        same under the previous key, so a rotation during the day does not reset the count.
        """
        async with self._db.transaction() as tx:
            used = await _used_slots(tx, [*current_slots, *older_slots])
            if len(used) >= limit:
                return None
            free = next((s for s in current_slots[len(used) :] if s not in used), None)
            if free is None:
                return None
            await tx.execute(INSERT_SLOT, (free, day))
            return await tx.insert(
                INSERT_ITEM,
                (
                    item.public_id,
                    item.guild_id,
                    item.parent_id,
                    item.receipt_hash,
                    item.status,
                    item.body,
                    item.content_note,
                    int(item.allow_replies),
                    int(item.needs_care),
                    int(item.has_link),
                    item.shared_on,
                    _optional_db_time(item.release_at),
                    _optional_db_time(item.post_at),
                    item.key_id,
                    item.tag_salt,
                    item.author_tag,
                    item.tags_expire_on,
                    item.answer_thread_id,
                ),
            )

    async def count_slots(self, slots: Sequence[bytes]) -> int:
        """Return how many of these slots are used."""
        if not slots:
            return 0
        value = await self._db.fetch_value(
            f"SELECT COUNT(*) FROM ({SELECT_SLOTS.format(marks=_marks(slots))})", tuple(slots)
        )
        return int(value or 0)

    async def by_id(self, item_id: int) -> UnsaidItem | None:
        """Return one item by its row id."""
        row = await self._db.fetch_one(SELECT_BY_ID, (item_id,))
        return None if row is None else from_row(UnsaidItem, row)

    async def by_public_id(self, public_id: str) -> UnsaidItem | None:
        """Return one item by the random id its buttons carry."""
        row = await self._db.fetch_one(SELECT_BY_PUBLIC_ID, (public_id,))
        return None if row is None else from_row(UnsaidItem, row)

    async def by_receipt(self, digest: bytes) -> UnsaidItem | None:
        """Return the item whose receipt hashes to `digest`."""
        row = await self._db.fetch_one(SELECT_BY_RECEIPT, (digest,))
        return None if row is None else from_row(UnsaidItem, row)

    async def replies_of(self, item_id: int) -> list[UnsaidItem]:
        """Return every anonymous reply to one post."""
        return from_rows(UnsaidItem, await self._db.fetch_all(SELECT_REPLIES, (item_id,)))

    async def due_for_review(self, now: datetime) -> list[UnsaidItem]:
        """Return items whose review batch has come."""
        return from_rows(UnsaidItem, await self._db.fetch_all(SELECT_DUE_QUEUED, (to_db(now),)))

    async def due_for_posting(self, now: datetime) -> list[UnsaidItem]:
        """Return items whose posting time has come."""
        return from_rows(UnsaidItem, await self._db.fetch_all(SELECT_DUE_SCHEDULED, (to_db(now),)))

    async def waiting(self, guild_id: int) -> Waiting:
        """Count what waits at each stage in one server."""
        row = await self._db.fetch_one(COUNT_WAITING, (guild_id,))
        if row is None:
            return Waiting(queued=0, in_review=0, scheduled=0)
        return from_row(Waiting, row)

    async def mark_in_review(self, item_id: int, channel_id: int, message_id: int) -> bool:
        """Record the review message; False if the item left the queue meanwhile."""
        return await self._db.execute(MARK_IN_REVIEW, (channel_id, message_id, item_id)) == 1

    async def requeue(self, item_id: int, release_at: datetime) -> int:
        """Put an item back for a later batch; return how many times releasing it failed."""
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(REQUEUE, (to_db(release_at), item_id))
        return 0 if row is None else int(row[0])

    async def approve(self, item_id: int, now: datetime, note: str | None, set_note: bool) -> bool:
        """Schedule an item under review for posting now, optionally replacing its note."""
        changed = await self._db.execute(APPROVE, (to_db(now), int(set_note), note, item_id))
        return changed == 1

    async def reject(self, item_id: int, reason: str) -> bool:
        """Reject an item under review and erase its words."""
        return await self._db.execute(REJECT, (reason, item_id)) == 1

    async def number_for(self, item_id: int, guild_id: int) -> int:
        """Return the item's "Unsaid #N", giving it the server's next number the first time."""
        async with self._db.transaction() as tx:
            existing = await tx.fetch_one(SELECT_NUMBER, (item_id,))
            if existing is not None and existing[0] is not None:
                return int(existing[0])
            row = await tx.fetch_one(BUMP_COUNTER, (guild_id,))
            if row is None:
                raise RuntimeError("the Unsaid counter returned nothing")
            await tx.execute(SET_NUMBER, (row[0], item_id))
            return int(row[0])

    async def mark_posted(
        self, item_id: int, channel_id: int, message_id: int, thread_id: int | None
    ) -> bool:
        """Record where an item was posted and erase its words; False if it was withdrawn."""
        changed = await self._db.execute(MARK_POSTED, (channel_id, message_id, thread_id, item_id))
        return changed == 1

    async def post_failed(self, item_id: int, retry_at: datetime) -> int:
        """Keep an item scheduled for a later try; return how many tries have failed."""
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(POST_FAILED, (to_db(retry_at), item_id))
        return 0 if row is None else int(row[0])

    async def set_review_message(self, item_id: int, channel_id: int, message_id: int) -> None:
        """Remember the moderators' message about an item (a review or a notice)."""
        await self._db.execute(SET_REVIEW_MESSAGE, (channel_id, message_id, item_id))

    async def delete(self, item_ids: Sequence[int]) -> None:
        """Erase items (and, through the foreign key, their replies)."""
        async with self._db.transaction() as tx:
            await tx.executemany(DELETE_ITEM, [(item_id,) for item_id in item_ids])

    async def fold_wal(self) -> None:
        """Fold the WAL into the main file, so erased rows leave no copies behind in it."""
        await self._db.checkpoint()

    async def purge(
        self, *, today: str, oldest_kept_day: str, slots_before: str, key_ids: Sequence[int]
    ) -> int:
        """Erase what is no longer needed: old tags, old rejections, past slots, lapsed keys."""
        marks = _marks(key_ids)
        async with self._db.transaction() as tx:
            return (
                await tx.execute(EXPIRE_TAGS, (today,))
                + await tx.execute(DELETE_OLD_REJECTED, (oldest_kept_day,))
                + await tx.execute(DELETE_OLD_SLOTS, (slots_before,))
                + await tx.execute(DELETE_LAPSED_BLOCKS.format(marks=marks), tuple(key_ids))
                + await tx.execute(DELETE_TAGS_OF_LAPSED_KEYS.format(marks=marks), tuple(key_ids))
            )
