"""SQL for support requests: a member asking for a peer to check in."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from bot.core.timeutil import to_db
from bot.db.connection import Database
from bot.db.rows import from_row, from_rows

# --- support requests ---------------------------------------------------------------------
REQUEST_COLUMNS = (
    "id, guild_id, asker_id, created_at, expires_at, status, channel_id, message_id, "
    "taken_by, taken_at, asker_told_at"
)
INSERT_REQUEST = """
INSERT INTO support_requests (guild_id, asker_id, created_at, expires_at, channel_id)
VALUES (?, ?, ?, ?, ?)
"""
SELECT_REQUEST = f"SELECT {REQUEST_COLUMNS} FROM support_requests WHERE id = ?"
SELECT_OPEN_REQUEST = (
    f"SELECT {REQUEST_COLUMNS} FROM support_requests "
    "WHERE guild_id = ? AND asker_id = ? AND status = 'open'"
)
SET_REQUEST_MESSAGE = "UPDATE support_requests SET message_id = ? WHERE id = ?"
TAKE_REQUEST = """
UPDATE support_requests SET status = 'taken', taken_by = ?, taken_at = ?
WHERE id = ? AND status = 'open'
"""
EXPIRE_REQUESTS = (
    "UPDATE support_requests SET status = 'expired' WHERE status = 'open' AND expires_at <= ?"
)
SELECT_UNTOLD = (
    f"SELECT {REQUEST_COLUMNS} FROM support_requests "
    "WHERE asker_told_at IS NULL AND status IN ('taken', 'expired') ORDER BY id"
)
SET_TOLD = "UPDATE support_requests SET asker_told_at = ? WHERE id = ?"
WITHDRAW_OPEN_REQUESTS = """
UPDATE support_requests SET status = 'withdrawn', asker_told_at = ?
WHERE guild_id = ? AND asker_id = ? AND status = 'open'
RETURNING channel_id, message_id
"""


@dataclass(frozen=True, slots=True)
class RequestRow:
    """One request for a peer to check in."""

    id: int
    guild_id: int
    asker_id: int
    created_at: datetime
    expires_at: datetime
    status: str
    channel_id: int | None
    message_id: int | None
    taken_by: int | None
    taken_at: datetime | None
    asker_told_at: datetime | None


class RequestQueries:
    """Support requests; mixed into CheckinRepo."""

    db: Database

    # support requests ------------------------------------------------------------------
    async def open_request(self, guild_id: int, asker_id: int) -> RequestRow | None:
        """Return the member's open request, if any."""
        row = await self.db.fetch_one(SELECT_OPEN_REQUEST, (guild_id, asker_id))
        return None if row is None else from_row(RequestRow, row)

    async def add_request(
        self, guild_id: int, asker_id: int, now: datetime, expires: datetime, channel_id: int
    ) -> RequestRow | None:
        """Create an open request; None if the member already has one open."""
        try:
            request_id = await self.db.insert(
                INSERT_REQUEST, (guild_id, asker_id, to_db(now), to_db(expires), channel_id)
            )
        except sqlite3.IntegrityError:
            return None
        return await self.request(request_id)

    async def request(self, request_id: int) -> RequestRow | None:
        """Return one request."""
        row = await self.db.fetch_one(SELECT_REQUEST, (request_id,))
        return None if row is None else from_row(RequestRow, row)

    async def set_request_message(self, request_id: int, message_id: int) -> None:
        """Remember which message shows the request."""
        await self.db.execute(SET_REQUEST_MESSAGE, (message_id, request_id))

    async def take_request(self, request_id: int, helper_id: int, now: datetime) -> bool:
        """Mark an open request taken; False if it was no longer open."""
        return bool(await self.db.execute(TAKE_REQUEST, (helper_id, to_db(now), request_id)))

    async def expire_requests(self, now: datetime) -> int:
        """Close open requests whose time ran out."""
        return await self.db.execute(EXPIRE_REQUESTS, (to_db(now),))

    async def withdraw_requests(
        self, guild_id: int, asker_id: int, now: datetime
    ) -> list[tuple[int, int]]:
        """Withdraw the member's open request; return the posts that showed it."""
        async with self.db.transaction() as tx:
            rows = await tx.fetch_all(WITHDRAW_OPEN_REQUESTS, (to_db(now), guild_id, asker_id))
        return [(r["channel_id"], r["message_id"]) for r in rows if r["message_id"] is not None]

    async def untold_requests(self) -> list[RequestRow]:
        """Return closed requests whose asker has not been told the outcome."""
        return from_rows(RequestRow, await self.db.fetch_all(SELECT_UNTOLD))

    async def mark_told(self, request_id: int, now: datetime) -> None:
        """Record that the asker was told."""
        await self.db.execute(SET_TOLD, (to_db(now), request_id))
