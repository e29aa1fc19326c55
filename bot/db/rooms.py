"""Storage for "before and after the room": meetings, peer offers and monthly counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.timeutil import from_db, to_db
from bot.db.connection import Database, Transaction
from bot.db.room_records import INSERT_DEBRIEF, RecordQueries
from bot.db.rows import from_row, from_rows

CONSENT = "SELECT consented_at FROM room_members WHERE guild_id = ? AND user_id = ?"
AGREE = """
INSERT INTO room_members (guild_id, user_id, consented_at) VALUES (?, ?, ?)
ON CONFLICT (guild_id, user_id) DO NOTHING
"""
MEETING_COLUMNS = """
id, guild_id, user_id, what, starts_at, ends_at, zone, carry, share_keep, question, remind_at,
reminded, peer_id, peer_words, peer_told, debrief_offered, created_at
"""
INSERT_MEETING = """
INSERT INTO room_meetings (guild_id, user_id, what, starts_at, ends_at, zone, carry, share_keep,
    question, remind_at, peer_id, peer_words, created_at)
VALUES (:guild_id, :user_id, :what, :starts_at, :ends_at, :zone, :carry, :share_keep,
    :question, :remind_at, :peer_id, :peer_words, :created_at)
"""
UPCOMING = f"""
SELECT {MEETING_COLUMNS} FROM room_meetings
WHERE guild_id = ? AND user_id = ? AND debrief_offered = 0 ORDER BY starts_at LIMIT ?
"""
ONE_MEETING = f"SELECT {MEETING_COLUMNS} FROM room_meetings WHERE id = ?"
DUE_REMINDERS = f"""
SELECT {MEETING_COLUMNS} FROM room_meetings
WHERE reminded = 0 AND remind_at IS NOT NULL AND remind_at <= ? ORDER BY remind_at LIMIT ?
"""
CLAIM_REMINDER = "UPDATE room_meetings SET reminded = 1 WHERE id = ? AND reminded = 0"
DUE_ENDINGS = f"""
SELECT {MEETING_COLUMNS} FROM room_meetings
WHERE debrief_offered = 0 AND ends_at <= ? ORDER BY ends_at LIMIT ?
"""
CLAIM_ENDING = "UPDATE room_meetings SET debrief_offered = 1 WHERE id = ? AND debrief_offered = 0"
DELETE_MEETING = "DELETE FROM room_meetings WHERE id = ? AND guild_id = ? AND user_id = ?"
DELETE_OFFERED = "DELETE FROM room_meetings WHERE id = ? AND debrief_offered = 1"
MEMBER_MEETINGS = f"""
SELECT {MEETING_COLUMNS} FROM room_meetings WHERE guild_id = ? AND user_id = ? ORDER BY starts_at
"""

TOOK_PART = """
INSERT INTO room_month_members (guild_id, month, user_id) VALUES (?, ?, ?)
ON CONFLICT DO NOTHING
"""
ENSURE_COUNTS = (
    "INSERT INTO room_month_counts (guild_id, month) VALUES (?, ?) ON CONFLICT DO NOTHING"
)
COUNT_PREPARED = (
    "UPDATE room_month_counts SET prepared = prepared + 1 WHERE guild_id = ? AND month = ?"
)
# The column name comes from a fixed set of five, never from input.
COUNT_DEBRIEF = (
    "UPDATE room_month_counts SET debriefed = debriefed + 1, weight_{n} = weight_{n} + 1 "
    "WHERE guild_id = ? AND month = ?"
)
MONTH_FIGURES = """
SELECT c.month, c.prepared, c.debriefed, c.weight_1, c.weight_2, c.weight_3, c.weight_4,
    c.weight_5, (SELECT count(*) FROM room_month_members m
                 WHERE m.guild_id = c.guild_id AND m.month = c.month) AS members
FROM room_month_counts c WHERE c.guild_id = ? AND c.month = ?
"""
FROZEN = """
SELECT month, members, shown, prepared, debriefed, weights FROM room_month_frozen
WHERE guild_id = ? AND month = ?
"""
FREEZE = """
INSERT INTO room_month_frozen (guild_id, month, members, shown, prepared, debriefed, weights,
    frozen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
"""
ERASE = (
    "DELETE FROM room_members WHERE guild_id = ? AND user_id = ?",
    "DELETE FROM room_meetings WHERE guild_id = ? AND user_id = ?",
    "DELETE FROM room_debriefs WHERE guild_id = ? AND user_id = ?",
    "DELETE FROM room_impacts WHERE guild_id = ? AND user_id = ?",
    "DELETE FROM room_shares WHERE guild_id = ? AND user_id = ?",
    "DELETE FROM room_month_members WHERE guild_id = ? AND user_id = ?",
    "DELETE FROM room_peer_offers WHERE guild_id = ?1 AND (user_id = ?2 OR peer_id = ?2)",
)
INSERT_OFFER = """
INSERT INTO room_peer_offers (token, guild_id, user_id, peer_id, expires_at) VALUES (?, ?, ?, ?, ?)
"""
TAKE_OFFER = """
DELETE FROM room_peer_offers WHERE token = ? AND peer_id = ? AND expires_at > ?
RETURNING guild_id, user_id
"""
PRUNE_OFFERS = "DELETE FROM room_peer_offers WHERE expires_at <= ?"
SET_PEER = """
UPDATE room_meetings SET peer_id = ?, peer_words = ?
WHERE id = ? AND guild_id = ? AND user_id = ? AND debrief_offered = 0
"""
PEER_TOLD = "UPDATE room_meetings SET peer_told = 1 WHERE id = ? AND peer_told = 0"


@dataclass(frozen=True, slots=True)
class Meeting:
    """A meeting a member prepared for."""

    id: int
    guild_id: int
    user_id: int
    what: str
    starts_at: datetime
    ends_at: datetime
    zone: str
    carry: str | None
    share_keep: str | None
    question: str | None
    remind_at: datetime | None
    reminded: bool
    peer_id: int | None
    peer_words: str | None
    peer_told: bool
    debrief_offered: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class MonthFigures:
    """One month's counts for a server, with how many members took part."""

    month: str
    members: int
    prepared: int
    debriefed: int
    weights: tuple[int, int, int, int, int]
    shown: bool = True


class RoomRepo(RecordQueries):
    """Every query the rooms feature runs."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def consented_at(self, guild_id: int, user_id: int) -> datetime | None:
        """Return when the member agreed, or None."""
        value = await self.db.fetch_value(CONSENT, (guild_id, user_id))
        return None if value is None else from_db(value)

    async def agree(self, guild_id: int, user_id: int, now: datetime) -> None:
        """Record the member's consent (once)."""
        await self.db.execute(AGREE, (guild_id, user_id, to_db(now)))

    async def add_meeting(self, values: dict[str, Any], month: str) -> int:
        """Store a meeting and count it in its month; return its id."""
        async with self.db.transaction() as tx:
            meeting_id = await tx.insert(INSERT_MEETING, values)
            await self._took_part(tx, values["guild_id"], month, values["user_id"])
            await tx.execute(COUNT_PREPARED, (values["guild_id"], month))
        return meeting_id

    async def _took_part(self, tx: Transaction, guild_id: int, month: str, user_id: int) -> None:
        await tx.execute(TOOK_PART, (guild_id, month, user_id))
        await tx.execute(ENSURE_COUNTS, (guild_id, month))

    async def upcoming(self, guild_id: int, user_id: int, limit: int = 25) -> list[Meeting]:
        """The member's meetings whose debrief has not been offered yet, soonest first."""
        rows = await self.db.fetch_all(UPCOMING, (guild_id, user_id, limit))
        return from_rows(Meeting, rows)

    async def meeting(self, meeting_id: int) -> Meeting | None:
        """Return one meeting by id (callers check whose it is)."""
        row = await self.db.fetch_one(ONE_MEETING, (meeting_id,))
        return None if row is None else from_row(Meeting, row)

    async def member_meetings(self, guild_id: int, user_id: int) -> list[Meeting]:
        """Every stored meeting of the member."""
        rows = await self.db.fetch_all(MEMBER_MEETINGS, (guild_id, user_id))
        return from_rows(Meeting, rows)

    async def cancel(self, meeting_id: int, guild_id: int, user_id: int) -> bool:
        """Delete one of the member's meetings; False if it wasn't theirs or is gone."""
        return bool(await self.db.execute(DELETE_MEETING, (meeting_id, guild_id, user_id)))

    async def due_reminders(self, now: datetime, limit: int = 100) -> list[Meeting]:
        """Meetings whose reminder time has come and which were not reminded yet."""
        rows = await self.db.fetch_all(DUE_REMINDERS, (to_db(now), limit))
        return from_rows(Meeting, rows)

    async def claim_reminder(self, meeting_id: int) -> bool:
        """Mark a reminder as sent; True only for the one caller that claimed it."""
        return bool(await self.db.execute(CLAIM_REMINDER, (meeting_id,)))

    async def due_endings(self, now: datetime, limit: int = 100) -> list[Meeting]:
        """Meetings that have ended and whose debrief was not offered yet."""
        rows = await self.db.fetch_all(DUE_ENDINGS, (to_db(now), limit))
        return from_rows(Meeting, rows)

    async def claim_ending(self, meeting_id: int) -> bool:
        """Mark a meeting's end as handled; True only for the one caller that claimed it."""
        return bool(await self.db.execute(CLAIM_ENDING, (meeting_id,)))

    async def forget_meeting(self, meeting_id: int) -> None:
        """Delete a meeting whose end was handled."""
        await self.db.execute(DELETE_OFFERED, (meeting_id,))

    async def set_peer(
        self, meeting_id: int, guild_id: int, user_id: int, peer_id: int, words: str
    ) -> bool:
        """Name the member's peer alongside and the words they agreed to share."""
        params = (peer_id, words, meeting_id, guild_id, user_id)
        return bool(await self.db.execute(SET_PEER, params))

    async def claim_peer(self, meeting_id: int) -> bool:
        """Mark the peer as told; True only once."""
        return bool(await self.db.execute(PEER_TOLD, (meeting_id,)))

    async def add_debrief(
        self, guild_id: int, user_id: int, weight: int, words: tuple[str | None, ...], now: datetime
    ) -> int:
        """Store a debrief and count it (with its weight) in its month; return its id."""
        month = f"{now:%Y-%m}"
        async with self.db.transaction() as tx:
            debrief_id = await tx.insert(
                INSERT_DEBRIEF, (guild_id, user_id, weight, *words, to_db(now))
            )
            await self._took_part(tx, guild_id, month, user_id)
            await tx.execute(COUNT_DEBRIEF.format(n=int(weight)), (guild_id, month))
        return debrief_id

    async def month(self, guild_id: int, month: str) -> MonthFigures | None:
        """Live figures for one month (never shown to moderators unfrozen)."""
        row = await self.db.fetch_one(MONTH_FIGURES, (guild_id, month))
        if row is None:
            return None
        weights = (
            row["weight_1"],
            row["weight_2"],
            row["weight_3"],
            row["weight_4"],
            row["weight_5"],
        )
        # The weights are five columns in one field, so this class is built by keyword.
        return MonthFigures(
            month=month,
            members=row["members"],
            prepared=row["prepared"],
            debriefed=row["debriefed"],
            weights=weights,
        )

    async def frozen(self, guild_id: int, month: str) -> MonthFigures | None:
        """A completed month as first shown, if it was."""
        row = await self.db.fetch_one(FROZEN, (guild_id, month))
        if row is None:
            return None
        weights = tuple(int(part) for part in row["weights"].split(","))
        return MonthFigures(
            month=row["month"],
            members=row["members"],
            prepared=row["prepared"],
            debriefed=row["debriefed"],
            weights=(weights[0], weights[1], weights[2], weights[3], weights[4]),
            shown=bool(row["shown"]),
        )

    async def freeze(self, guild_id: int, figures: MonthFigures, now: datetime) -> None:
        """Keep a completed month's figures as first computed, forever."""
        weights = ",".join(str(n) for n in figures.weights)
        params = (
            guild_id,
            figures.month,
            figures.members,
            int(figures.shown),
            figures.prepared,
            figures.debriefed,
            weights,
            to_db(now),
        )
        await self.db.execute(FREEZE, params)

    async def add_offer(
        self, token: str, guild_id: int, user_id: int, peer_id: int, expires: datetime
    ) -> None:
        """Remember a peer's offer button until it is answered or expires."""
        await self.db.execute(INSERT_OFFER, (token, guild_id, user_id, peer_id, to_db(expires)))

    async def take_offer(self, token: str, peer_id: int, now: datetime) -> tuple[int, int] | None:
        """Use up an offer (only its peer can); return (guild, member) or None."""
        async with self.db.transaction() as tx:
            row = await tx.fetch_one(TAKE_OFFER, (token, peer_id, to_db(now)))
        return None if row is None else (row["guild_id"], row["user_id"])

    async def prune_offers(self, now: datetime) -> None:
        """Forget offers nobody answered in time."""
        await self.db.execute(PRUNE_OFFERS, (to_db(now),))

    async def erase_member(self, guild_id: int, user_id: int) -> None:
        """Delete every row that names the member (monthly counts name nobody)."""
        async with self.db.transaction() as tx:
            for statement in ERASE:
                await tx.execute(statement, (guild_id, user_id))
