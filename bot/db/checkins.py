"""SQL for check-ins: consent, logs, reminders, and a member's data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.core.timeutil import from_db, to_db
from bot.db.checkin_buddies import DELETE_BUDDY, BuddyQueries
from bot.db.checkin_requests import (
    REQUEST_COLUMNS,
    WITHDRAW_OPEN_REQUESTS,
    RequestQueries,
    RequestRow,
)
from bot.db.connection import Database
from bot.db.rows import from_row, from_rows

# --- consent and availability -------------------------------------------------------------
SELECT_MEMBER = """
SELECT consented_at, withdrawn_at, available FROM checkin_members
WHERE guild_id = ? AND user_id = ?
"""
UPSERT_CONSENT = """
INSERT INTO checkin_members (guild_id, user_id, consented_at) VALUES (?, ?, ?)
ON CONFLICT (guild_id, user_id) DO UPDATE SET consented_at = excluded.consented_at,
    withdrawn_at = NULL
"""
WITHDRAW = """
UPDATE checkin_members SET withdrawn_at = ?, available = 0
WHERE guild_id = ? AND user_id = ? AND withdrawn_at IS NULL
"""
SET_AVAILABLE = """
UPDATE checkin_members SET available = ?
WHERE guild_id = ? AND user_id = ? AND withdrawn_at IS NULL
"""

# --- check-ins ----------------------------------------------------------------------------
INSERT_CHECKIN = """
INSERT INTO checkins (guild_id, user_id, created_at, week_start, load, energy, note, welcome_peer)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
"""
# Served by checkins_member: (guild_id, user_id, created_at).
SELECT_HISTORY = """
SELECT id, created_at, week_start, load, energy, note, welcome_peer FROM checkins
WHERE guild_id = ? AND user_id = ? AND created_at >= ? ORDER BY created_at
"""
SELECT_LATEST = """
SELECT id, created_at, week_start, load, energy, note, welcome_peer FROM checkins
WHERE guild_id = ? AND user_id = ? ORDER BY created_at DESC LIMIT 1
"""
# Only members whose consent stands are counted; nothing here leaves this module with an id.
SELECT_SUMMARY_ROWS = """
SELECT c.week_start, c.user_id, c.load, c.energy FROM checkins AS c
JOIN checkin_members AS m ON m.guild_id = c.guild_id AND m.user_id = c.user_id
WHERE c.guild_id = ? AND c.week_start >= ? AND c.week_start < ? AND m.withdrawn_at IS NULL
"""
DELETE_EXPIRED = "DELETE FROM checkins WHERE created_at < ?"
# Rounds (their groups go by cascade) and closed requests age out on the same schedule.
DELETE_OLD_ROUNDS = "DELETE FROM buddy_rounds WHERE due_at < ?"
DELETE_OLD_REQUESTS = (
    "DELETE FROM support_requests WHERE created_at < ? AND status != 'open' "
    "AND asker_told_at IS NOT NULL"
)

# --- reminders ----------------------------------------------------------------------------
UPSERT_REMINDER = """
INSERT INTO checkin_reminders (guild_id, user_id, cadence, weekday, at_time, zone, next_due_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (guild_id, user_id) DO UPDATE SET cadence = excluded.cadence,
    weekday = excluded.weekday, at_time = excluded.at_time, zone = excluded.zone,
    next_due_at = excluded.next_due_at, skip_until = NULL
"""
REMINDER_COLUMNS = "id, guild_id, user_id, cadence, weekday, at_time, zone, next_due_at, skip_until"
SELECT_REMINDER = (
    f"SELECT {REMINDER_COLUMNS} FROM checkin_reminders WHERE guild_id = ? AND user_id = ?"
)
SELECT_DUE_REMINDERS = (
    f"SELECT {REMINDER_COLUMNS} FROM checkin_reminders WHERE next_due_at <= ? "
    "ORDER BY next_due_at LIMIT ?"
)
SET_NEXT_DUE = "UPDATE checkin_reminders SET next_due_at = ? WHERE id = ? AND next_due_at = ?"
SET_SKIP = "UPDATE checkin_reminders SET skip_until = ? WHERE guild_id = ? AND user_id = ?"
DELETE_REMINDER = "DELETE FROM checkin_reminders WHERE guild_id = ? AND user_id = ?"

# --- a member's data, for export and erasure ----------------------------------------------
SELECT_MEMBER_CHECKINS = """
SELECT id, created_at, week_start, load, energy, note, welcome_peer FROM checkins
WHERE guild_id = ? AND user_id = ? ORDER BY created_at
"""
SELECT_MEMBER_ROUNDS = """
SELECT r.due_at, g.group_no, g.user_id FROM buddy_groups AS g
JOIN buddy_rounds AS r ON r.id = g.round_id
WHERE r.guild_id = ? AND g.round_id IN (
    SELECT round_id FROM buddy_groups AS mine WHERE mine.user_id = ?)
  AND g.group_no IN (
    SELECT group_no FROM buddy_groups AS mine WHERE mine.round_id = g.round_id AND mine.user_id = ?)
ORDER BY r.due_at, g.user_id
"""
SELECT_MEMBER_REQUESTS = (
    f"SELECT {REQUEST_COLUMNS} FROM support_requests WHERE guild_id = ? AND asker_id = ? "
    "ORDER BY id"
)
SELECT_MEMBER_POSTS = """
SELECT channel_id, message_id FROM support_requests
WHERE guild_id = ? AND asker_id = ? AND channel_id IS NOT NULL AND message_id IS NOT NULL
"""
COUNT_TAKEN_BY = "SELECT COUNT(*) FROM support_requests WHERE guild_id = ? AND taken_by = ?"
ERASE_STATEMENTS = (
    "DELETE FROM checkins WHERE guild_id = ? AND user_id = ?",
    "DELETE FROM checkin_members WHERE guild_id = ? AND user_id = ?",
    "DELETE FROM checkin_reminders WHERE guild_id = ? AND user_id = ?",
    "DELETE FROM buddy_members WHERE guild_id = ? AND user_id = ?",
    "DELETE FROM buddy_avoid WHERE guild_id = ? AND user_id = ?",
    "DELETE FROM buddy_groups WHERE user_id = ?2 AND round_id IN "
    "(SELECT id FROM buddy_rounds WHERE guild_id = ?1)",
    "DELETE FROM support_helpers WHERE guild_id = ? AND user_id = ?",
    "DELETE FROM support_alerts WHERE helper_id = ?2 AND request_id IN "
    "(SELECT id FROM support_requests WHERE guild_id = ?1)",
    "DELETE FROM support_requests WHERE guild_id = ? AND asker_id = ?",
    "UPDATE support_requests SET taken_by = NULL WHERE guild_id = ? AND taken_by = ?",
)


@dataclass(frozen=True, slots=True)
class MemberRow:
    """A member's consent and availability."""

    consented_at: datetime
    withdrawn_at: datetime | None
    available: bool

    @property
    def active(self) -> bool:
        """Say whether consent stands (given and not withdrawn)."""
        return self.withdrawn_at is None


@dataclass(frozen=True, slots=True)
class CheckinRow:
    """One stored check-in."""

    id: int
    created_at: datetime
    week_start: date
    load: int
    energy: int
    note: str | None
    welcome_peer: bool


@dataclass(frozen=True, slots=True)
class ReminderRow:
    """A member's reminder plan."""

    id: int
    guild_id: int
    user_id: int
    cadence: str
    weekday: int
    at_time: str
    zone: str
    next_due_at: datetime
    skip_until: datetime | None


class CheckinRepo(BuddyQueries, RequestQueries):
    """Every check-in query; rows become dataclasses here."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # consent ---------------------------------------------------------------------------
    async def member(self, guild_id: int, user_id: int) -> MemberRow | None:
        """Return the member's consent record, or None if they never agreed."""
        row = await self.db.fetch_one(SELECT_MEMBER, (guild_id, user_id))
        return None if row is None else from_row(MemberRow, row)

    async def agree(self, guild_id: int, user_id: int, now: datetime) -> None:
        """Record consent (again, after a withdrawal) at `now`."""
        await self.db.execute(UPSERT_CONSENT, (guild_id, user_id, to_db(now)))

    async def withdraw(
        self, guild_id: int, user_id: int, now: datetime
    ) -> list[tuple[int, int]] | None:
        """Withdraw consent and stop everything; return posts of requests it withdrew."""
        async with self.db.transaction() as tx:
            changed = await tx.execute(WITHDRAW, (to_db(now), guild_id, user_id))
            if not changed:
                return None
            await tx.execute(DELETE_REMINDER, (guild_id, user_id))
            await tx.execute(DELETE_BUDDY, (guild_id, user_id))
            rows = await tx.fetch_all(WITHDRAW_OPEN_REQUESTS, (to_db(now), guild_id, user_id))
        return [(r["channel_id"], r["message_id"]) for r in rows if r["message_id"] is not None]

    async def set_available(self, guild_id: int, user_id: int, available: bool) -> bool:
        """Mark a consenting member available or not; False if consent does not stand."""
        return bool(await self.db.execute(SET_AVAILABLE, (int(available), guild_id, user_id)))

    # check-ins -------------------------------------------------------------------------
    async def add_checkin(
        self,
        guild_id: int,
        user_id: int,
        now: datetime,
        week_start: date,
        load: int,
        energy: int,
        note: str | None,
        welcome_peer: bool,
    ) -> int | None:
        """Store a check-in only if consent stands at this moment; return its id or None."""
        async with self.db.transaction() as tx:
            # Checked inside the write transaction so a withdrawal can never race a log.
            row = await tx.fetch_one(SELECT_MEMBER, (guild_id, user_id))
            if row is None or row["withdrawn_at"] is not None:
                return None
            return await tx.insert(
                INSERT_CHECKIN,
                (
                    guild_id,
                    user_id,
                    to_db(now),
                    week_start.isoformat(),
                    load,
                    energy,
                    note,
                    int(welcome_peer),
                ),
            )

    async def history(self, guild_id: int, user_id: int, since: datetime) -> list[CheckinRow]:
        """Return one member's check-ins since `since`, oldest first."""
        rows = await self.db.fetch_all(SELECT_HISTORY, (guild_id, user_id, to_db(since)))
        return from_rows(CheckinRow, rows)

    async def latest(self, guild_id: int, user_id: int) -> CheckinRow | None:
        """Return the member's most recent check-in."""
        row = await self.db.fetch_one(SELECT_LATEST, (guild_id, user_id))
        return None if row is None else from_row(CheckinRow, row)

    async def summary_rows(
        self, guild_id: int, first_week: date, end_week: date
    ) -> list[tuple[date, int, int, int]]:
        """Return (week, member, load, energy) for weeks in [first_week, end_week)."""
        rows = await self.db.fetch_all(
            SELECT_SUMMARY_ROWS, (guild_id, first_week.isoformat(), end_week.isoformat())
        )
        return [
            (date.fromisoformat(r["week_start"]), r["user_id"], r["load"], r["energy"])
            for r in rows
        ]

    async def delete_before(self, moment: datetime) -> int:
        """Delete check-ins, rounds and closed requests from before `moment`; count check-ins."""
        async with self.db.transaction() as tx:
            removed = await tx.execute(DELETE_EXPIRED, (to_db(moment),))
            await tx.execute(DELETE_OLD_ROUNDS, (to_db(moment),))
            await tx.execute(DELETE_OLD_REQUESTS, (to_db(moment),))
        return removed

    # reminders -------------------------------------------------------------------------
    async def save_reminder(
        self,
        guild_id: int,
        user_id: int,
        cadence: str,
        weekday: int,
        at_time: str,
        zone: str,
        next_due: datetime,
    ) -> None:
        """Create or replace the member's reminder plan."""
        await self.db.execute(
            UPSERT_REMINDER, (guild_id, user_id, cadence, weekday, at_time, zone, to_db(next_due))
        )

    async def reminder(self, guild_id: int, user_id: int) -> ReminderRow | None:
        """Return the member's reminder plan, if any."""
        row = await self.db.fetch_one(SELECT_REMINDER, (guild_id, user_id))
        return None if row is None else from_row(ReminderRow, row)

    async def delete_reminder(self, guild_id: int, user_id: int) -> bool:
        """Stop the member's reminders; say whether there were any."""
        return bool(await self.db.execute(DELETE_REMINDER, (guild_id, user_id)))

    async def due_reminders(self, now: datetime, limit: int) -> list[ReminderRow]:
        """Return reminder plans whose next time has come."""
        rows = await self.db.fetch_all(SELECT_DUE_REMINDERS, (to_db(now), limit))
        return from_rows(ReminderRow, rows)

    async def advance_reminder(self, reminder_id: int, was: datetime, nxt: datetime) -> None:
        """Move a plan's next time on, unless someone changed it meanwhile."""
        await self.db.execute(SET_NEXT_DUE, (to_db(nxt), reminder_id, to_db(was)))

    async def skip_until(self, guild_id: int, user_id: int, until: datetime) -> bool:
        """Hold the member's reminders until `until`."""
        return bool(await self.db.execute(SET_SKIP, (to_db(until), guild_id, user_id)))

    # export and erasure ----------------------------------------------------------------
    async def member_data(self, guild_id: int, user_id: int) -> dict[str, Any]:
        """Return every row about the member, as plain values."""
        db = self.db
        checkins = await db.fetch_all(SELECT_MEMBER_CHECKINS, (guild_id, user_id))
        rounds = await db.fetch_all(SELECT_MEMBER_ROUNDS, (guild_id, user_id, user_id))
        requests = await db.fetch_all(SELECT_MEMBER_REQUESTS, (guild_id, user_id))
        return {
            "member": await self.member(guild_id, user_id),
            "checkins": from_rows(CheckinRow, checkins),
            "reminder": await self.reminder(guild_id, user_id),
            "buddy": await self.buddy(guild_id, user_id),
            "avoids": await self.own_avoids(guild_id, user_id),
            "rounds": [(from_db(r["due_at"]), r["user_id"]) for r in rounds],
            "requests": from_rows(RequestRow, requests),
            "taken": int(await db.fetch_value(COUNT_TAKEN_BY, (guild_id, user_id)) or 0),
        }

    async def erase(self, guild_id: int, user_id: int) -> tuple[int, list[tuple[int, int]]]:
        """Delete every row about the member; return rows changed and their request posts."""
        changed = 0
        async with self.db.transaction() as tx:
            rows = await tx.fetch_all(SELECT_MEMBER_POSTS, (guild_id, user_id))
            for statement in ERASE_STATEMENTS:
                changed += await tx.execute(statement, (guild_id, user_id))
        # secure_delete zeroes the freed pages; folding the WAL back removes the old copies.
        await self.db.checkpoint()
        return changed, [(r["channel_id"], r["message_id"]) for r in rows]
