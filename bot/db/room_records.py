"""SQL for a member's private room records: debriefs, impact log, shares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.timeutil import to_db
from bot.db.connection import Database
from bot.db.rows import from_row, from_rows

INSERT_DEBRIEF = """
INSERT INTO room_debriefs (guild_id, user_id, weight, said, held_back, carry, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
"""
ONE_DEBRIEF = """
SELECT id, guild_id, user_id, weight, said, held_back, carry, created_at FROM room_debriefs
WHERE id = ? AND guild_id = ? AND user_id = ?
"""
MEMBER_DEBRIEFS = """
SELECT id, guild_id, user_id, weight, said, held_back, carry, created_at FROM room_debriefs
WHERE guild_id = ? AND user_id = ? ORDER BY created_at
"""
DELETE_DEBRIEF = "DELETE FROM room_debriefs WHERE id = ? AND guild_id = ? AND user_id = ?"
INSERT_IMPACT = """
INSERT INTO room_impacts (guild_id, user_id, kind, body, happened, created_at)
VALUES (?, ?, ?, ?, ?, ?)
"""
IMPACT_COLUMNS = "id, guild_id, user_id, kind, body, happened, created_at, updated_at"
MEMBER_IMPACTS = f"""
SELECT {IMPACT_COLUMNS} FROM room_impacts WHERE guild_id = ? AND user_id = ?
ORDER BY happened DESC, id DESC
"""
ONE_IMPACT = (
    f"SELECT {IMPACT_COLUMNS} FROM room_impacts WHERE id = ? AND guild_id = ? AND user_id = ?"
)
UPDATE_IMPACT = """
UPDATE room_impacts SET kind = ?, body = ?, updated_at = ?
WHERE id = ? AND guild_id = ? AND user_id = ?
"""
DELETE_IMPACT = "DELETE FROM room_impacts WHERE id = ? AND guild_id = ? AND user_id = ?"
INSERT_SHARE = """
INSERT INTO room_shares (guild_id, user_id, channel_id, message_id) VALUES (?, ?, ?, ?)
"""
MEMBER_SHARES = """
SELECT channel_id, message_id FROM room_shares WHERE guild_id = ? AND user_id = ?
"""


@dataclass(frozen=True, slots=True)
class Debrief:
    """A debrief written but not yet placed."""

    id: int
    guild_id: int
    user_id: int
    weight: int
    said: str | None
    held_back: str | None
    carry: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Impact:
    """One moment of influence in the member's private log."""

    id: int
    guild_id: int
    user_id: int
    kind: str
    body: str
    happened: str
    created_at: datetime
    updated_at: datetime | None


class RecordQueries:
    """Debriefs, impacts and shared debriefs; mixed into RoomRepo."""

    db: Database

    async def debrief(self, debrief_id: int, guild_id: int, user_id: int) -> Debrief | None:
        """Return one of the member's unplaced debriefs."""
        row = await self.db.fetch_one(ONE_DEBRIEF, (debrief_id, guild_id, user_id))
        return None if row is None else from_row(Debrief, row)

    async def member_debriefs(self, guild_id: int, user_id: int) -> list[Debrief]:
        """Every unplaced debrief of the member."""
        rows = await self.db.fetch_all(MEMBER_DEBRIEFS, (guild_id, user_id))
        return from_rows(Debrief, rows)

    async def delete_debrief(self, debrief_id: int, guild_id: int, user_id: int) -> bool:
        """Remove a debrief's words once placed; False if already gone."""
        return bool(await self.db.execute(DELETE_DEBRIEF, (debrief_id, guild_id, user_id)))

    async def add_impact(
        self, guild_id: int, user_id: int, kind: str, body: str, happened: str, now: datetime
    ) -> int:
        """Add a moment to the member's impact log."""
        return await self.db.insert(
            INSERT_IMPACT, (guild_id, user_id, kind, body, happened, to_db(now))
        )

    async def impacts(self, guild_id: int, user_id: int) -> list[Impact]:
        """The member's impact log, newest first."""
        rows = await self.db.fetch_all(MEMBER_IMPACTS, (guild_id, user_id))
        return from_rows(Impact, rows)

    async def impact(self, impact_id: int, guild_id: int, user_id: int) -> Impact | None:
        """One of the member's own impact entries."""
        row = await self.db.fetch_one(ONE_IMPACT, (impact_id, guild_id, user_id))
        return None if row is None else from_row(Impact, row)

    async def update_impact(
        self, impact_id: int, guild_id: int, user_id: int, kind: str, body: str, now: datetime
    ) -> bool:
        """Change one of the member's own entries."""
        params = (kind, body, to_db(now), impact_id, guild_id, user_id)
        return bool(await self.db.execute(UPDATE_IMPACT, params))

    async def delete_impact(self, impact_id: int, guild_id: int, user_id: int) -> bool:
        """Delete one of the member's own entries."""
        return bool(await self.db.execute(DELETE_IMPACT, (impact_id, guild_id, user_id)))

    async def add_share(
        self, guild_id: int, user_id: int, channel_id: int, message_id: int
    ) -> None:
        """Remember a debrief the member shared in a thread, so erasure can delete it."""
        await self.db.execute(INSERT_SHARE, (guild_id, user_id, channel_id, message_id))

    async def shares(self, guild_id: int, user_id: int) -> list[tuple[int, int]]:
        """The member's shared debrief messages as (channel, message)."""
        rows = await self.db.fetch_all(MEMBER_SHARES, (guild_id, user_id))
        return [(row["channel_id"], row["message_id"]) for row in rows]
