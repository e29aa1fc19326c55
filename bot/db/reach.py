"""SQL for members Alongside can't reach by DM: why check-in DMs are paused, and open requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.timeutil import to_db
from bot.db.connection import Database
from bot.db.rows import from_rows

PAUSE_DMS = """
UPDATE checkin_members SET dm_paused = ?1, dm_paused_at = COALESCE(dm_paused_at, ?2)
WHERE guild_id = ?3 AND user_id = ?4
"""
SELECT_PAUSE = "SELECT dm_paused FROM checkin_members WHERE guild_id = ? AND user_id = ?"
LIFT_PAUSE = """
UPDATE checkin_members SET dm_paused = NULL, dm_paused_at = NULL
WHERE guild_id = ? AND user_id = ? AND dm_paused IS NOT NULL
"""
SELECT_OPEN_REQUESTS = """
SELECT id, guild_id, asker_id, channel_id, message_id FROM support_requests
WHERE status = 'open' ORDER BY id
"""


@dataclass(frozen=True, slots=True)
class OpenRequest:
    """A support request still waiting for someone to take it."""

    id: int
    guild_id: int
    asker_id: int
    channel_id: int | None
    message_id: int | None


class ReachRepo:
    """Reads and writes the DM pause on a member's check-in record."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def pause(self, guild_id: int, user_id: int, reason: str, now: datetime) -> bool:
        """Hold check-in DMs for the member, with the reason; False if they never agreed."""
        return bool(await self.db.execute(PAUSE_DMS, (reason, to_db(now), guild_id, user_id)))

    async def paused(self, guild_id: int, user_id: int) -> str | None:
        """Return why check-in DMs to the member are held, if they are."""
        row = await self.db.fetch_one(SELECT_PAUSE, (guild_id, user_id))
        return None if row is None else row["dm_paused"]

    async def lift(self, guild_id: int, user_id: int) -> str | None:
        """Lift the pause; return the reason it had, or None if there was none."""
        # Runs after every command: for the many members with no pause, a read answers without
        # taking the write lock (a transaction per command was 6 % of /glossary define's CPU).
        if await self.db.fetch_value(SELECT_PAUSE, (guild_id, user_id)) is None:
            return None
        async with self.db.transaction() as tx:
            row = await tx.fetch_one(SELECT_PAUSE, (guild_id, user_id))
            reason = None if row is None else row["dm_paused"]
            if reason is not None:
                await tx.execute(LIFT_PAUSE, (guild_id, user_id))
        return reason

    async def open_requests(self) -> list[OpenRequest]:
        """Return every open support request."""
        rows = await self.db.fetch_all(SELECT_OPEN_REQUESTS)
        return from_rows(OpenRequest, rows)
