"""SQL for the prompt outbox: one row per post or DM, sent once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.timeutil import to_db
from bot.db.connection import Database, Transaction
from bot.db.rows import from_row, from_rows

DELIVERY_COLUMNS = (
    "d.id, d.guild_id, d.kind, d.source, d.target, d.due_at, d.prompt_id, d.body, d.thread, "
    "d.deliver_after, d.status, d.attempts, d.nonce, d.message_id, d.thread_id"
)
INSERT_DELIVERY = """
INSERT INTO prompt_deliveries (guild_id, kind, source, target, due_at, prompt_id, body, thread,
    deliver_after, next_attempt_at, nonce, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (source, due_at) DO NOTHING
"""
# The subscription is joined at send time: a member who unsubscribed or whose DMs turned out to
# be closed after the row was written is not sent it.
SELECT_PENDING = f"""
SELECT {DELIVERY_COLUMNS}, s.id AS sub_id, s.dm_channel_id, s.pause_reason, s.paused_until,
    s.timezone AS zone
FROM prompt_deliveries d
LEFT JOIN prompt_subscriptions s
    ON d.kind = 'dm' AND s.guild_id = d.guild_id AND s.user_id = d.target
WHERE d.status = 'pending' AND d.next_attempt_at <= ?
ORDER BY d.deliver_after, d.id LIMIT ?
"""
SELECT_DELIVERY = f"""
SELECT {DELIVERY_COLUMNS}, s.id AS sub_id, s.dm_channel_id, s.pause_reason, s.paused_until,
    s.timezone AS zone
FROM prompt_deliveries d
LEFT JOIN prompt_subscriptions s
    ON d.kind = 'dm' AND s.guild_id = d.guild_id AND s.user_id = d.target
WHERE d.id = ?
"""
SET_DELIVERY_MESSAGE = "UPDATE prompt_deliveries SET message_id = ? WHERE id = ?"
FINISH_DELIVERY = """
UPDATE prompt_deliveries SET status = ?, message_id = coalesce(?, message_id),
    thread_id = coalesce(?, thread_id), last_error = ?, finished_at = ?
WHERE id = ? AND status = 'pending'
"""
RETRY_DELIVERY = """
UPDATE prompt_deliveries SET attempts = ?, next_attempt_at = ?, deliver_after = ?, last_error = ?
WHERE id = ? AND status = 'pending'
"""
SELECT_MEMBER_DELIVERIES = f"""
SELECT {DELIVERY_COLUMNS}, NULL AS sub_id, NULL AS dm_channel_id, NULL AS pause_reason,
    NULL AS paused_until, NULL AS zone
FROM prompt_deliveries d WHERE d.guild_id = ? AND d.kind = 'dm' AND d.target = ? ORDER BY d.id
"""
DELETE_MEMBER_DELIVERIES = (
    "DELETE FROM prompt_deliveries WHERE guild_id = ? AND kind = 'dm' AND target = ?"
)
PRUNE_DM_DELIVERIES = """
DELETE FROM prompt_deliveries WHERE kind = 'dm' AND status != 'pending' AND finished_at < ?
"""
SELECT_DELIVERY_BY_SOURCE = f"""
SELECT {DELIVERY_COLUMNS}, NULL AS sub_id, NULL AS dm_channel_id, NULL AS pause_reason,
    NULL AS paused_until, NULL AS zone
FROM prompt_deliveries d WHERE d.source = ?
"""
SELECT_CHANNEL_DELIVERY = f"""
SELECT {DELIVERY_COLUMNS}, NULL AS sub_id, NULL AS dm_channel_id, NULL AS pause_reason,
    NULL AS paused_until, NULL AS zone
FROM prompt_deliveries d WHERE d.guild_id = ? AND d.kind = 'channel' AND d.thread_id = ?
"""
COUNT_PENDING = "SELECT COUNT(*) FROM prompt_deliveries WHERE status = 'pending'"


@dataclass(frozen=True, slots=True)
class NewDelivery:
    """An outbox row to write."""

    guild_id: int
    kind: str
    source: str
    target: int
    due_at: datetime
    prompt_id: int | None
    deliver_after: datetime
    nonce: str
    thread: bool = False
    body: str | None = None


@dataclass(frozen=True, slots=True)
class Delivery:
    """An outbox row, with its subscription's state for DMs."""

    id: int
    guild_id: int
    kind: str
    source: str
    target: int
    due_at: datetime
    prompt_id: int | None
    body: str | None
    thread: bool
    deliver_after: datetime
    status: str
    attempts: int
    nonce: str
    message_id: int | None
    thread_id: int | None
    sub_id: int | None
    dm_channel_id: int | None
    pause_reason: str | None
    paused_until: datetime | None
    zone: str | None


class DeliveryQueries:
    """The prompt outbox; mixed into PromptsRepo."""

    db: Database

    # ----- outbox ----------------------------------------------------------------------------

    async def add_delivery(self, tx: Transaction, new: NewDelivery, now: datetime) -> bool:
        """Write an outbox row; False if this occurrence already has one."""
        after = to_db(new.deliver_after)
        changed = await tx.execute(
            INSERT_DELIVERY,
            (
                new.guild_id,
                new.kind,
                new.source,
                new.target,
                to_db(new.due_at),
                new.prompt_id,
                new.body,
                int(new.thread),
                after,
                after,
                new.nonce,
                to_db(now),
            ),
        )
        return changed == 1

    async def pending(self, now: datetime, limit: int) -> list[Delivery]:
        """Rows ready to send (or retry), oldest first."""
        rows = await self.db.fetch_all(SELECT_PENDING, (to_db(now), limit))
        return from_rows(Delivery, rows)

    async def delivery(self, delivery_id: int) -> Delivery | None:
        """One outbox row."""
        row = await self.db.fetch_one(SELECT_DELIVERY, (delivery_id,))
        return from_row(Delivery, row) if row else None

    async def delivery_by_source(self, source: str) -> Delivery | None:
        """The (first) outbox row of a source."""
        row = await self.db.fetch_one(SELECT_DELIVERY_BY_SOURCE, (source,))
        return from_row(Delivery, row) if row else None

    async def delivery_by_thread(self, guild_id: int, thread_id: int) -> Delivery | None:
        """The channel post that started a thread."""
        row = await self.db.fetch_one(SELECT_CHANNEL_DELIVERY, (guild_id, thread_id))
        return from_row(Delivery, row) if row else None

    async def set_delivery_message(self, delivery_id: int, message_id: int) -> None:
        """Remember a channel post's message before its thread is started."""
        await self.db.execute(SET_DELIVERY_MESSAGE, (message_id, delivery_id))

    async def finish(
        self,
        tx: Transaction,
        delivery_id: int,
        status: str,
        now: datetime,
        *,
        message_id: int | None = None,
        thread_id: int | None = None,
        error: str | None = None,
    ) -> bool:
        """Mark a row sent, failed or skipped; False if it was already finished."""
        params = (status, message_id, thread_id, error, to_db(now), delivery_id)
        return await tx.execute(FINISH_DELIVERY, params) == 1

    async def retry_later(
        self,
        delivery_id: int,
        attempts: int,
        next_attempt_at: datetime,
        deliver_after: datetime,
        error: str,
    ) -> None:
        """Leave a row pending for a later attempt."""
        await self.db.execute(
            RETRY_DELIVERY,
            (attempts, to_db(next_attempt_at), to_db(deliver_after), error[:300], delivery_id),
        )

    async def pending_count(self) -> int:
        """How many rows wait to be sent."""
        return int(await self.db.fetch_value(COUNT_PENDING) or 0)

    async def prune_dm_deliveries(self, before: datetime) -> int:
        """Forget finished DM rows (which name a member) finished before `before`."""
        return await self.db.execute(PRUNE_DM_DELIVERIES, (to_db(before),))

    # ----- one member's data -----------------------------------------------------------------

    async def member_deliveries(self, guild_id: int, user_id: int) -> list[Delivery]:
        """Every DM row addressed to a member."""
        rows = await self.db.fetch_all(SELECT_MEMBER_DELIVERIES, (guild_id, user_id))
        return from_rows(Delivery, rows)
