"""SQL for telling available members about support requests by DM."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from bot.core.timeutil import from_db, parse_time, to_db
from bot.db.connection import Database
from bot.db.rows import from_row, from_rows

SELECT_CANDIDATES = """
SELECT m.user_id, h.quiet_start, h.quiet_end, h.zone, h.last_alerted_at
FROM checkin_members AS m
LEFT JOIN support_helpers AS h ON h.guild_id = m.guild_id AND h.user_id = m.user_id
WHERE m.guild_id = ?1 AND m.available = 1 AND m.withdrawn_at IS NULL AND m.user_id != ?2
  AND m.user_id NOT IN (SELECT avoid_id FROM buddy_avoid WHERE guild_id = ?1 AND user_id = ?2)
  AND m.user_id NOT IN (SELECT user_id FROM buddy_avoid WHERE guild_id = ?1 AND avoid_id = ?2)
"""
SET_QUIET = """
INSERT INTO support_helpers (guild_id, user_id, quiet_start, quiet_end, zone)
VALUES (?, ?, ?, ?, ?)
ON CONFLICT (guild_id, user_id) DO UPDATE SET quiet_start = excluded.quiet_start,
    quiet_end = excluded.quiet_end, zone = excluded.zone
"""
SELECT_HELPER = "SELECT * FROM support_helpers WHERE guild_id = ? AND user_id = ?"
SET_ALERTED = """
INSERT INTO support_helpers (guild_id, user_id, last_alerted_at) VALUES (?, ?, ?)
ON CONFLICT (guild_id, user_id) DO UPDATE SET last_alerted_at = excluded.last_alerted_at
"""
INSERT_ALERT = """
INSERT OR REPLACE INTO support_alerts (request_id, helper_id, channel_id, message_id)
VALUES (?, ?, ?, ?)
"""
SELECT_ALERT = "SELECT 1 FROM support_alerts WHERE request_id = ? AND helper_id = ?"
ALERT_COLUMNS = "a.request_id, a.helper_id, a.channel_id, a.message_id"
SELECT_ALERTS_OF = f"SELECT {ALERT_COLUMNS} FROM support_alerts AS a WHERE a.request_id = ?"
SELECT_SETTLED = f"""
SELECT {ALERT_COLUMNS}, r.status FROM support_alerts AS a
JOIN support_requests AS r ON r.id = a.request_id
WHERE r.status != 'open'
"""
DELETE_ALERT = "DELETE FROM support_alerts WHERE request_id = ? AND helper_id = ?"


@dataclass(frozen=True, slots=True)
class QuietHours:
    """Local hours in which a member doesn't want request DMs (may span midnight)."""

    start: time
    end: time
    zone: str


@dataclass(frozen=True, slots=True)
class Candidate:
    """An available member who might be told of a request."""

    user_id: int
    quiet: QuietHours | None
    last_alerted_at: datetime | None


@dataclass(frozen=True, slots=True)
class AlertRow:
    """One DM sent about one request."""

    request_id: int
    helper_id: int
    channel_id: int
    message_id: int


def _quiet(start: str | None, end: str | None, zone: str | None) -> QuietHours | None:
    if start is None or end is None or zone is None:
        return None
    return QuietHours(parse_time(start), parse_time(end), zone)


class AlertRepo:
    """Every query about request DMs."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def candidates(self, guild_id: int, asker_id: int) -> list[Candidate]:
        """Return available members with consent, never the asker nor anyone avoiding either way."""
        rows = await self.db.fetch_all(SELECT_CANDIDATES, (guild_id, asker_id))
        # Quiet hours are three columns in one field, so this class is built by keyword.
        return [
            Candidate(
                user_id=r["user_id"],
                quiet=_quiet(r["quiet_start"], r["quiet_end"], r["zone"]),
                last_alerted_at=None
                if r["last_alerted_at"] is None
                else from_db(r["last_alerted_at"]),
            )
            for r in rows
        ]

    async def set_quiet(self, guild_id: int, user_id: int, quiet: QuietHours | None) -> None:
        """Set (or clear, with None) a member's quiet hours."""
        values = (
            (None, None, None)
            if quiet is None
            else (f"{quiet.start:%H:%M}", f"{quiet.end:%H:%M}", quiet.zone)
        )
        await self.db.execute(SET_QUIET, (guild_id, user_id, *values))

    async def quiet(self, guild_id: int, user_id: int) -> QuietHours | None:
        """Return a member's quiet hours, if set."""
        row = await self.db.fetch_one(SELECT_HELPER, (guild_id, user_id))
        return None if row is None else _quiet(row["quiet_start"], row["quiet_end"], row["zone"])

    async def record(self, guild_id: int, alert: AlertRow, now: datetime) -> None:
        """Remember a delivered DM and when its recipient was last told of a request."""
        async with self.db.transaction() as tx:
            await tx.execute(
                INSERT_ALERT,
                (alert.request_id, alert.helper_id, alert.channel_id, alert.message_id),
            )
            await tx.execute(SET_ALERTED, (guild_id, alert.helper_id, to_db(now)))

    async def was_alerted(self, request_id: int, helper_id: int) -> bool:
        """Say whether this member was sent a DM about this request."""
        return await self.db.fetch_one(SELECT_ALERT, (request_id, helper_id)) is not None

    async def alerts_of(self, request_id: int) -> list[AlertRow]:
        """Return the DMs sent about one request."""
        return from_rows(AlertRow, await self.db.fetch_all(SELECT_ALERTS_OF, (request_id,)))

    async def settled(self) -> list[tuple[AlertRow, str]]:
        """Return DMs about requests no longer open, with the request's status."""
        rows = await self.db.fetch_all(SELECT_SETTLED)
        return [(from_row(AlertRow, r, ignore=("status",)), r["status"]) for r in rows]

    async def forget(self, alert: AlertRow) -> None:
        """Drop one DM's row once it has been updated."""
        await self.db.execute(DELETE_ALERT, (alert.request_id, alert.helper_id))
