"""SQL for reflective prompts: library, schedules, subscriptions, rotation, journal, outbox."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.db.connection import Database, Transaction
from bot.db.rows import convert, from_row, from_rows
from bot.timeutil import from_db, to_db

PROMPT_COLUMNS = (
    "p.id, p.guild_id, p.key, p.theme, p.text, p.model, p.heavy, p.content_note, p.grounding"
)
SELECT_LIBRARY = f"""
SELECT {PROMPT_COLUMNS}, r.prompt_id IS NOT NULL AS retired
FROM prompts p LEFT JOIN prompt_retirements r ON r.prompt_id = p.id AND r.guild_id = ?
WHERE (p.guild_id = 0 AND p.withdrawn = 0) OR p.guild_id = ?
ORDER BY p.theme, p.guild_id, p.id
"""
SELECT_PROMPT = f"SELECT {PROMPT_COLUMNS}, 0 AS retired FROM prompts p WHERE p.id = ?"
UPSERT_SHIPPED = """
INSERT INTO prompts (guild_id, key, theme, text, model, heavy, content_note, grounding, withdrawn,
    created_at, updated_at)
VALUES (0, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)
ON CONFLICT (guild_id, key) DO UPDATE SET
    theme = excluded.theme, text = excluded.text, model = excluded.model,
    heavy = excluded.heavy, content_note = excluded.content_note,
    grounding = excluded.grounding, withdrawn = 0, updated_at = excluded.updated_at
WHERE prompts.theme IS NOT excluded.theme OR prompts.text IS NOT excluded.text
    OR prompts.model IS NOT excluded.model OR prompts.heavy IS NOT excluded.heavy
    OR prompts.content_note IS NOT excluded.content_note
    OR prompts.grounding IS NOT excluded.grounding OR prompts.withdrawn = 1
"""
SELECT_SHIPPED_KEYS = "SELECT key FROM prompts WHERE guild_id = 0 AND withdrawn = 0"
WITHDRAW_SHIPPED = "UPDATE prompts SET withdrawn = 1, updated_at = ? WHERE guild_id = 0 AND key = ?"
INSERT_PROMPT = """
INSERT INTO prompts (guild_id, key, theme, text, model, heavy, content_note, grounding,
    created_at, updated_at)
VALUES (?, NULL, ?, ?, ?, ?, ?, ?, ?, ?)
"""
RETIRE = """
INSERT INTO prompt_retirements (guild_id, prompt_id, retired_by, retired_at) VALUES (?, ?, ?, ?)
ON CONFLICT (guild_id, prompt_id) DO NOTHING
"""
RESTORE = "DELETE FROM prompt_retirements WHERE guild_id = ? AND prompt_id = ?"

SCHEDULE_COLUMNS = (
    "id, guild_id, channel_id, cadence, weekday, at_time, timezone, anchor, theme, thread, "
    "next_due, warned_cycle, created_by"
)
INSERT_SCHEDULE = """
INSERT INTO prompt_schedules (guild_id, channel_id, cadence, weekday, at_time, timezone, anchor,
    theme, thread, next_due, created_by, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
SELECT_SCHEDULES = f"SELECT {SCHEDULE_COLUMNS} FROM prompt_schedules WHERE guild_id = ? ORDER BY id"
SELECT_SCHEDULE = f"SELECT {SCHEDULE_COLUMNS} FROM prompt_schedules WHERE guild_id = ? AND id = ?"
SELECT_DUE_SCHEDULES = (
    f"SELECT {SCHEDULE_COLUMNS} FROM prompt_schedules WHERE next_due <= ? ORDER BY next_due, id"
)
DELETE_SCHEDULE = "DELETE FROM prompt_schedules WHERE guild_id = ? AND id = ?"
ADVANCE_SCHEDULE = "UPDATE prompt_schedules SET next_due = ? WHERE id = ?"
SET_WARNED = "UPDATE prompt_schedules SET warned_cycle = ? WHERE id = ?"

SUBSCRIPTION_COLUMNS = (
    "id, guild_id, user_id, cadence, weekday, at_time, timezone, anchor, themes, next_due, "
    "paused_until, pause_reason, dm_channel_id"
)
UPSERT_SUBSCRIPTION = """
INSERT INTO prompt_subscriptions (guild_id, user_id, cadence, weekday, at_time, timezone, anchor,
    next_due, dm_channel_id, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (guild_id, user_id) DO UPDATE SET
    cadence = excluded.cadence, weekday = excluded.weekday, at_time = excluded.at_time,
    timezone = excluded.timezone, anchor = excluded.anchor, next_due = excluded.next_due,
    paused_until = NULL, pause_reason = NULL,
    dm_channel_id = coalesce(excluded.dm_channel_id, prompt_subscriptions.dm_channel_id)
"""
SELECT_SUBSCRIPTION = (
    f"SELECT {SUBSCRIPTION_COLUMNS} FROM prompt_subscriptions WHERE guild_id = ? AND user_id = ?"
)
SELECT_DUE_SUBSCRIPTIONS = f"""
SELECT {SUBSCRIPTION_COLUMNS} FROM prompt_subscriptions WHERE next_due <= ?
ORDER BY next_due, id LIMIT ?
"""
ADVANCE_SUBSCRIPTION = "UPDATE prompt_subscriptions SET next_due = ? WHERE id = ?"
SET_THEMES = "UPDATE prompt_subscriptions SET themes = ? WHERE guild_id = ? AND user_id = ?"
SET_PAUSE = """
UPDATE prompt_subscriptions SET paused_until = ?, pause_reason = ?
WHERE guild_id = ? AND user_id = ?
"""
SET_DM_CHANNEL = """
UPDATE prompt_subscriptions SET dm_channel_id = ? WHERE guild_id = ? AND user_id = ?
"""
DELETE_SUBSCRIPTION = "DELETE FROM prompt_subscriptions WHERE guild_id = ? AND user_id = ?"

SELECT_CYCLE = """
SELECT cycle, prompt_id FROM prompt_history
WHERE scope = ? AND cycle = (SELECT MAX(cycle) FROM prompt_history WHERE scope = ?)
ORDER BY id
"""
INSERT_HISTORY = """
INSERT INTO prompt_history (scope, cycle, prompt_id, sent_at) VALUES (?, ?, ?, ?)
"""
PRUNE_HISTORY = "DELETE FROM prompt_history WHERE scope = ? AND cycle < ?"
SELECT_HISTORY = "SELECT cycle, prompt_id, sent_at FROM prompt_history WHERE scope = ? ORDER BY id"
DELETE_HISTORY = "DELETE FROM prompt_history WHERE scope = ?"

JOURNAL_COLUMNS = "j.id, j.guild_id, j.user_id, j.prompt_id, j.text, j.created_at, p.text AS prompt"
INSERT_JOURNAL = """
INSERT INTO prompt_journal (guild_id, user_id, prompt_id, text, created_at) VALUES (?, ?, ?, ?, ?)
"""
SELECT_JOURNAL_PAGE = f"""
SELECT {JOURNAL_COLUMNS} FROM prompt_journal j LEFT JOIN prompts p ON p.id = j.prompt_id
WHERE j.guild_id = ? AND j.user_id = ? ORDER BY j.id DESC LIMIT ? OFFSET ?
"""
COUNT_JOURNAL = "SELECT COUNT(*) FROM prompt_journal WHERE guild_id = ? AND user_id = ?"
DELETE_JOURNAL_ENTRY = "DELETE FROM prompt_journal WHERE guild_id = ? AND user_id = ? AND id = ?"
DELETE_JOURNAL = "DELETE FROM prompt_journal WHERE guild_id = ? AND user_id = ?"

SUGGESTION_COLUMNS = (
    "id, guild_id, author_id, theme, text, content_note, status, reason, prompt_id, created_at"
)
INSERT_SUGGESTION = """
INSERT INTO prompt_suggestions (guild_id, author_id, theme, text, content_note, created_at)
VALUES (?, ?, ?, ?, ?, ?)
"""
SELECT_SUGGESTION = (
    f"SELECT {SUGGESTION_COLUMNS} FROM prompt_suggestions WHERE guild_id = ? AND id = ?"
)
SELECT_SUGGESTIONS_BY = (
    f"SELECT {SUGGESTION_COLUMNS} FROM prompt_suggestions "
    "WHERE guild_id = ? AND author_id = ? ORDER BY id"
)
DECIDE_SUGGESTION = """
UPDATE prompt_suggestions SET status = ?, reason = ?, prompt_id = ?, decided_at = ?
WHERE guild_id = ? AND id = ? AND status = 'pending'
"""
DELETE_SUGGESTIONS_BY = "DELETE FROM prompt_suggestions WHERE guild_id = ? AND author_id = ?"

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
class Prompt:
    """One prompt of the library, as seen from one server."""

    id: int
    guild_id: int
    key: str | None
    theme: str
    text: str
    model: str | None
    heavy: bool
    content_note: str | None
    grounding: str | None
    retired: bool = False

    @property
    def code(self) -> str:
        """The name moderators use: the shipped id, or local-<n> for a server's own."""
        return self.key or f"local-{self.id}"


@dataclass(frozen=True, slots=True)
class Schedule:
    """A channel that gets a prompt on a wall-clock schedule."""

    id: int
    guild_id: int
    channel_id: int
    cadence: str
    weekday: int
    at_time: str
    timezone: str
    anchor: date
    theme: str | None
    thread: bool
    next_due: datetime
    warned_cycle: int
    created_by: int


def _themes(text: str) -> tuple[str, ...]:
    return tuple(theme for theme in text.split(",") if theme)


@dataclass(frozen=True, slots=True)
class Subscription:
    """One member's prompts by direct message."""

    id: int
    guild_id: int
    user_id: int
    cadence: str
    weekday: int
    at_time: str
    timezone: str
    anchor: date
    themes: tuple[str, ...] = field(metadata=convert(_themes))
    next_due: datetime
    paused_until: datetime | None
    pause_reason: str | None
    dm_channel_id: int | None


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """A private journal entry, with the prompt it answers (if any)."""

    id: int
    guild_id: int
    user_id: int
    prompt_id: int | None
    text: str
    created_at: datetime
    prompt: str | None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A prompt a member proposed."""

    id: int
    guild_id: int
    author_id: int
    theme: str
    text: str
    content_note: str | None
    status: str
    reason: str | None
    prompt_id: int | None
    created_at: datetime


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


class PromptsRepo:
    """Reads and writes for the prompts feature; rows become dataclasses here."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # ----- library ---------------------------------------------------------------------------

    async def upsert_shipped(
        self,
        tx: Transaction,
        rows: Sequence[tuple[str, str, str, str | None, bool, str | None, str | None]],
        now: datetime,
    ) -> int:
        """Insert or update shipped prompts by key; withdraw keys the file no longer has."""
        changed = 0
        stamp = to_db(now)
        for key, theme, text, model, heavy, note, grounding in rows:
            changed += await tx.execute(
                UPSERT_SHIPPED,
                (key, theme, text, model, int(heavy), note, grounding, stamp, stamp),
            )
        wanted = {row[0] for row in rows}
        for row in await tx.fetch_all(SELECT_SHIPPED_KEYS):
            if row["key"] not in wanted:
                changed += await tx.execute(WITHDRAW_SHIPPED, (stamp, row["key"]))
        return changed

    async def library(self, guild_id: int) -> list[Prompt]:
        """Every prompt this server can see, with whether it retired each."""
        return from_rows(Prompt, await self.db.fetch_all(SELECT_LIBRARY, (guild_id, guild_id)))

    async def prompt(self, prompt_id: int) -> Prompt | None:
        """One prompt by id, whoever owns it."""
        row = await self.db.fetch_one(SELECT_PROMPT, (prompt_id,))
        return from_row(Prompt, row) if row else None

    async def add_prompt(
        self,
        tx: Transaction,
        guild_id: int,
        theme: str,
        text: str,
        heavy: bool,
        content_note: str | None,
        grounding: str | None,
        now: datetime,
    ) -> int:
        """Add a server's own prompt; return its id."""
        stamp = to_db(now)
        return await tx.insert(
            INSERT_PROMPT,
            (guild_id, theme, text, None, int(heavy), content_note, grounding, stamp, stamp),
        )

    async def retire(self, guild_id: int, prompt_id: int, actor_id: int, now: datetime) -> bool:
        """Stop using a prompt in one server; False if it already was."""
        return await self.db.execute(RETIRE, (guild_id, prompt_id, actor_id, to_db(now))) == 1

    async def restore(self, guild_id: int, prompt_id: int) -> bool:
        """Use a retired prompt again; False if it was not retired."""
        return await self.db.execute(RESTORE, (guild_id, prompt_id)) == 1

    # ----- schedules -------------------------------------------------------------------------

    async def add_schedule(
        self,
        guild_id: int,
        channel_id: int,
        cadence: str,
        weekday: int,
        at_time: str,
        timezone: str,
        anchor: date,
        theme: str | None,
        thread: bool,
        next_due: datetime,
        created_by: int,
        now: datetime,
    ) -> int:
        """Store a channel schedule; return its id."""
        return await self.db.insert(
            INSERT_SCHEDULE,
            (
                guild_id,
                channel_id,
                cadence,
                weekday,
                at_time,
                timezone,
                anchor.isoformat(),
                theme,
                int(thread),
                to_db(next_due),
                created_by,
                to_db(now),
            ),
        )

    async def schedules(self, guild_id: int) -> list[Schedule]:
        """Every schedule of a server."""
        return from_rows(Schedule, await self.db.fetch_all(SELECT_SCHEDULES, (guild_id,)))

    async def schedule(self, guild_id: int, schedule_id: int) -> Schedule | None:
        """One schedule of a server."""
        row = await self.db.fetch_one(SELECT_SCHEDULE, (guild_id, schedule_id))
        return from_row(Schedule, row) if row else None

    async def due_schedules(self, now: datetime) -> list[Schedule]:
        """Schedules whose next occurrence has come."""
        return from_rows(Schedule, await self.db.fetch_all(SELECT_DUE_SCHEDULES, (to_db(now),)))

    async def delete_schedule(self, guild_id: int, schedule_id: int) -> bool:
        """Remove a schedule; False if there was none."""
        return await self.db.execute(DELETE_SCHEDULE, (guild_id, schedule_id)) == 1

    async def advance_schedule(self, tx: Transaction, schedule_id: int, next_due: datetime) -> None:
        """Move a schedule to its next occurrence."""
        await tx.execute(ADVANCE_SCHEDULE, (to_db(next_due), schedule_id))

    async def set_warned(self, tx: Transaction, schedule_id: int, cycle: int) -> None:
        """Remember that moderators were warned about this cycle."""
        await tx.execute(SET_WARNED, (cycle, schedule_id))

    # ----- subscriptions ---------------------------------------------------------------------

    async def save_subscription(
        self,
        guild_id: int,
        user_id: int,
        cadence: str,
        weekday: int,
        at_time: str,
        timezone: str,
        anchor: date,
        next_due: datetime,
        dm_channel_id: int | None,
        now: datetime,
    ) -> Subscription:
        """Create or replace a member's subscription (clearing any pause); return it."""
        async with self.db.transaction() as tx:
            await tx.execute(
                UPSERT_SUBSCRIPTION,
                (
                    guild_id,
                    user_id,
                    cadence,
                    weekday,
                    at_time,
                    timezone,
                    anchor.isoformat(),
                    to_db(next_due),
                    dm_channel_id,
                    to_db(now),
                ),
            )
            row = await tx.fetch_one(SELECT_SUBSCRIPTION, (guild_id, user_id))
        assert row is not None
        return from_row(Subscription, row)

    async def subscription(self, guild_id: int, user_id: int) -> Subscription | None:
        """A member's subscription in a server, if any."""
        row = await self.db.fetch_one(SELECT_SUBSCRIPTION, (guild_id, user_id))
        return from_row(Subscription, row) if row else None

    async def due_subscriptions(self, now: datetime, limit: int) -> list[Subscription]:
        """Subscriptions whose next occurrence has come, oldest first."""
        rows = await self.db.fetch_all(SELECT_DUE_SUBSCRIPTIONS, (to_db(now), limit))
        return from_rows(Subscription, rows)

    async def advance_subscription(
        self, tx: Transaction, subscription_id: int, next_due: datetime
    ) -> None:
        """Move a subscription to its next occurrence."""
        await tx.execute(ADVANCE_SUBSCRIPTION, (to_db(next_due), subscription_id))

    async def set_themes(self, guild_id: int, user_id: int, themes: Sequence[str]) -> bool:
        """Choose the themes a member's prompts come from (none: every theme)."""
        return await self.db.execute(SET_THEMES, (",".join(themes), guild_id, user_id)) == 1

    async def set_pause(
        self,
        guild_id: int,
        user_id: int,
        until: datetime | None,
        reason: str | None,
        tx: Transaction | None = None,
    ) -> bool:
        """Pause (or, with reason None, resume) a member's subscription."""
        params = (to_db(until) if until else None, reason, guild_id, user_id)
        if tx is not None:
            return await tx.execute(SET_PAUSE, params) == 1
        return await self.db.execute(SET_PAUSE, params) == 1

    async def set_dm_channel(self, guild_id: int, user_id: int, channel_id: int | None) -> None:
        """Remember (or forget) the DM channel a member's prompts go to."""
        await self.db.execute(SET_DM_CHANNEL, (channel_id, guild_id, user_id))

    async def delete_subscription(self, guild_id: int, user_id: int) -> bool:
        """End a member's subscription; False if there was none."""
        return await self.db.execute(DELETE_SUBSCRIPTION, (guild_id, user_id)) == 1

    # ----- rotation --------------------------------------------------------------------------

    async def cycle(self, tx: Transaction, scope: str) -> tuple[int, list[int]]:
        """The scope's current cycle number and the prompts it has had in it, oldest first."""
        rows = await tx.fetch_all(SELECT_CYCLE, (scope, scope))
        if not rows:
            return 0, []
        return rows[0]["cycle"], [row["prompt_id"] for row in rows]

    async def record_pick(
        self,
        tx: Transaction,
        scope: str,
        cycle: int,
        prompt_id: int,
        now: datetime,
        *,
        prune: bool = False,
    ) -> None:
        """Note that the scope had this prompt; a new cycle forgets the ones before it."""
        if prune:
            await tx.execute(PRUNE_HISTORY, (scope, cycle))
        await tx.execute(INSERT_HISTORY, (scope, cycle, prompt_id, to_db(now)))

    async def erase_member_history(self, scope: str) -> None:
        """Forget a scope's rotation."""
        await self.db.execute(DELETE_HISTORY, (scope,))

    async def history(self, scope: str) -> list[tuple[int, int, datetime]]:
        """A scope's remembered picks: (cycle, prompt id, when)."""
        rows = await self.db.fetch_all(SELECT_HISTORY, (scope,))
        return [(r["cycle"], r["prompt_id"], from_db(r["sent_at"])) for r in rows]

    # ----- journal ---------------------------------------------------------------------------

    async def add_journal(
        self, guild_id: int, user_id: int, prompt_id: int | None, text: str, now: datetime
    ) -> int:
        """Save a journal entry; return its id."""
        params = (guild_id, user_id, prompt_id, text, to_db(now))
        return await self.db.insert(INSERT_JOURNAL, params)

    async def journal_page(
        self, guild_id: int, user_id: int, limit: int, offset: int
    ) -> list[JournalEntry]:
        """One page of a member's own entries, newest first."""
        rows = await self.db.fetch_all(SELECT_JOURNAL_PAGE, (guild_id, user_id, limit, offset))
        return from_rows(JournalEntry, rows)

    async def journal_count(self, guild_id: int, user_id: int) -> int:
        """How many entries a member has."""
        return int(await self.db.fetch_value(COUNT_JOURNAL, (guild_id, user_id)) or 0)

    async def delete_journal_entry(self, guild_id: int, user_id: int, entry_id: int) -> bool:
        """Delete one of a member's own entries; False if it is not theirs or gone."""
        return await self.db.execute(DELETE_JOURNAL_ENTRY, (guild_id, user_id, entry_id)) == 1

    # ----- suggestions -----------------------------------------------------------------------

    async def add_suggestion(
        self,
        guild_id: int,
        author_id: int,
        theme: str,
        text: str,
        content_note: str | None,
        now: datetime,
    ) -> Suggestion:
        """Store a suggestion; return it."""
        new_id = await self.db.insert(
            INSERT_SUGGESTION, (guild_id, author_id, theme, text, content_note, to_db(now))
        )
        found = await self.suggestion(guild_id, new_id)
        assert found is not None
        return found

    async def suggestion(
        self, guild_id: int, suggestion_id: int, tx: Transaction | None = None
    ) -> Suggestion | None:
        """One suggestion of a server."""
        reader = tx or self.db
        row = await reader.fetch_one(SELECT_SUGGESTION, (guild_id, suggestion_id))
        return from_row(Suggestion, row) if row else None

    async def suggestions_by(self, guild_id: int, author_id: int) -> list[Suggestion]:
        """Everything a member suggested in a server."""
        rows = await self.db.fetch_all(SELECT_SUGGESTIONS_BY, (guild_id, author_id))
        return from_rows(Suggestion, rows)

    async def decide_suggestion(
        self,
        tx: Transaction,
        guild_id: int,
        suggestion_id: int,
        status: str,
        reason: str | None,
        prompt_id: int | None,
        now: datetime,
    ) -> bool:
        """Record a decision; False if someone decided it first."""
        params = (status, reason, prompt_id, to_db(now), guild_id, suggestion_id)
        return await tx.execute(DECIDE_SUGGESTION, params) == 1

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

    async def all_journal(self, guild_id: int, user_id: int) -> list[JournalEntry]:
        """Every entry a member wrote, newest first."""
        count = await self.journal_count(guild_id, user_id)
        return await self.journal_page(guild_id, user_id, max(count, 1), 0)

    async def erase_member(self, guild_id: int, user_id: int, scopes: Sequence[str]) -> None:
        """Delete a member's journal, subscription, rotation history, suggestions and DM rows."""
        async with self.db.transaction() as tx:
            await tx.execute(DELETE_JOURNAL, (guild_id, user_id))
            await tx.execute(DELETE_SUBSCRIPTION, (guild_id, user_id))
            await tx.execute(DELETE_SUGGESTIONS_BY, (guild_id, user_id))
            await tx.execute(DELETE_MEMBER_DELIVERIES, (guild_id, user_id))
            for scope in scopes:
                await tx.execute(DELETE_HISTORY, (scope,))
