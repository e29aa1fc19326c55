"""SQL for buddy pairing: who opted in, whom they avoid, rounds and their groups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.timeutil import from_db, to_db
from bot.db.connection import Database
from bot.db.rows import from_rows

# --- buddies ------------------------------------------------------------------------------
UPSERT_BUDDY = """
INSERT INTO buddy_members (guild_id, user_id, joined_at) VALUES (?, ?, ?)
ON CONFLICT (guild_id, user_id) DO UPDATE SET paused_until = NULL
"""
SELECT_BUDDY = (
    "SELECT joined_at, paused_until FROM buddy_members WHERE guild_id = ? AND user_id = ?"
)
DELETE_BUDDY = "DELETE FROM buddy_members WHERE guild_id = ? AND user_id = ?"
PAUSE_BUDDY = "UPDATE buddy_members SET paused_until = ? WHERE guild_id = ? AND user_id = ?"
INSERT_AVOID = "INSERT OR IGNORE INTO buddy_avoid (guild_id, user_id, avoid_id) VALUES (?, ?, ?)"
DELETE_AVOID = "DELETE FROM buddy_avoid WHERE guild_id = ? AND user_id = ? AND avoid_id = ?"
SELECT_OWN_AVOIDS = "SELECT avoid_id FROM buddy_avoid WHERE guild_id = ? AND user_id = ?"
SELECT_AVOID_PAIRS = "SELECT user_id, avoid_id FROM buddy_avoid WHERE guild_id = ?"
SELECT_BUDDY_GUILDS = (
    "SELECT guild_id, MIN(joined_at) AS first_joined FROM buddy_members GROUP BY 1"
)
# Eligible: opted in, not paused, consent standing.
SELECT_ELIGIBLE = """
SELECT b.user_id FROM buddy_members AS b
JOIN checkin_members AS m ON m.guild_id = b.guild_id AND m.user_id = b.user_id
WHERE b.guild_id = ? AND m.withdrawn_at IS NULL AND (b.paused_until IS NULL OR b.paused_until <= ?)
"""
# "Low capacity": the member's latest recent check-in said energy 1.
SELECT_LOW_CAPACITY = """
SELECT c.user_id FROM checkins AS c
JOIN buddy_members AS b ON b.guild_id = c.guild_id AND b.user_id = c.user_id
WHERE c.guild_id = ? AND c.created_at >= ? AND c.energy = 1
  AND c.created_at = (SELECT MAX(created_at) FROM checkins AS l
                      WHERE l.guild_id = c.guild_id AND l.user_id = c.user_id)
"""
SELECT_LAST_ROUND = "SELECT MAX(due_at) FROM buddy_rounds WHERE guild_id = ?"
INSERT_ROUND = "INSERT INTO buddy_rounds (guild_id, due_at, created_at) VALUES (?, ?, ?)"
INSERT_GROUP_MEMBER = "INSERT INTO buddy_groups (round_id, group_no, user_id) VALUES (?, ?, ?)"
SELECT_RECENT_ROUNDS = """
SELECT g.round_id, g.group_no, g.user_id FROM buddy_groups AS g
WHERE g.round_id IN (SELECT id FROM buddy_rounds WHERE guild_id = ? ORDER BY due_at DESC LIMIT ?)
ORDER BY g.round_id DESC, g.group_no
"""
SELECT_UNNOTIFIED = """
SELECT r.id AS round_id, r.guild_id, g.group_no, g.user_id, g.notified_at IS NOT NULL AS notified
FROM buddy_groups AS g
JOIN buddy_rounds AS r ON r.id = g.round_id
WHERE g.round_id IN (SELECT round_id FROM buddy_groups WHERE notified_at IS NULL)
ORDER BY r.id, g.group_no, g.user_id
"""
SET_NOTIFIED = "UPDATE buddy_groups SET notified_at = ? WHERE round_id = ? AND user_id = ?"


@dataclass(frozen=True, slots=True)
class GroupMember:
    """One member's place in a buddy round, and whether they have been told."""

    round_id: int
    guild_id: int
    group_no: int
    user_id: int
    notified: bool


class BuddyQueries:
    """Buddy opt-ins, avoid choices and rounds; mixed into CheckinRepo."""

    db: Database

    # buddies ---------------------------------------------------------------------------
    async def join_buddies(self, guild_id: int, user_id: int, now: datetime) -> None:
        """Opt the member in (and end any pause)."""
        await self.db.execute(UPSERT_BUDDY, (guild_id, user_id, to_db(now)))

    async def buddy(self, guild_id: int, user_id: int) -> tuple[datetime, datetime | None] | None:
        """Return (joined, paused until) for an opted-in member."""
        row = await self.db.fetch_one(SELECT_BUDDY, (guild_id, user_id))
        if row is None:
            return None
        paused = row["paused_until"]
        return from_db(row["joined_at"]), None if paused is None else from_db(paused)

    async def leave_buddies(self, guild_id: int, user_id: int) -> bool:
        """Opt the member out."""
        return bool(await self.db.execute(DELETE_BUDDY, (guild_id, user_id)))

    async def pause_buddies(self, guild_id: int, user_id: int, until: datetime) -> bool:
        """Skip the member's rounds until `until`."""
        return bool(await self.db.execute(PAUSE_BUDDY, (to_db(until), guild_id, user_id)))

    async def set_avoid(self, guild_id: int, user_id: int, avoid_id: int, avoid: bool) -> None:
        """Add or remove one confidential "never pair me with" choice."""
        sql = INSERT_AVOID if avoid else DELETE_AVOID
        await self.db.execute(sql, (guild_id, user_id, avoid_id))

    async def own_avoids(self, guild_id: int, user_id: int) -> list[int]:
        """Return whom this member asked never to be paired with."""
        rows = await self.db.fetch_all(SELECT_OWN_AVOIDS, (guild_id, user_id))
        return [r["avoid_id"] for r in rows]

    async def avoid_pairs(self, guild_id: int) -> list[tuple[int, int]]:
        """Return every avoid choice in the server, for the pairing only."""
        rows = await self.db.fetch_all(SELECT_AVOID_PAIRS, (guild_id,))
        return [(r["user_id"], r["avoid_id"]) for r in rows]

    async def buddy_guilds(self) -> list[tuple[int, datetime]]:
        """Return each server with buddies and when its first member joined."""
        rows = await self.db.fetch_all(SELECT_BUDDY_GUILDS)
        return [(r["guild_id"], from_db(r["first_joined"])) for r in rows]

    async def eligible_buddies(self, guild_id: int, now: datetime) -> list[int]:
        """Return members opted in, not paused and with consent standing."""
        rows = await self.db.fetch_all(SELECT_ELIGIBLE, (guild_id, to_db(now)))
        return [r["user_id"] for r in rows]

    async def low_capacity(self, guild_id: int, since: datetime) -> set[int]:
        """Return buddies whose latest check-in since `since` said their energy was 1."""
        rows = await self.db.fetch_all(SELECT_LOW_CAPACITY, (guild_id, to_db(since)))
        return {r["user_id"] for r in rows}

    async def last_round_due(self, guild_id: int) -> datetime | None:
        """Return when the server's latest round was due."""
        value = await self.db.fetch_value(SELECT_LAST_ROUND, (guild_id,))
        return None if value is None else from_db(value)

    async def recent_rounds(self, guild_id: int, rounds: int) -> list[list[list[int]]]:
        """Return the last `rounds` rounds' groups, most recent first."""
        rows = await self.db.fetch_all(SELECT_RECENT_ROUNDS, (guild_id, rounds))
        found: dict[int, dict[int, list[int]]] = {}
        for r in rows:
            found.setdefault(r["round_id"], {}).setdefault(r["group_no"], []).append(r["user_id"])
        return [list(groups.values()) for groups in found.values()]

    async def save_round(
        self, guild_id: int, due: datetime, groups: list[tuple[int, ...]], now: datetime
    ) -> int:
        """Store a round and its groups in one transaction; return the round id."""
        async with self.db.transaction() as tx:
            round_id = await tx.insert(INSERT_ROUND, (guild_id, to_db(due), to_db(now)))
            await tx.executemany(
                INSERT_GROUP_MEMBER,
                [(round_id, number, member) for number, g in enumerate(groups) for member in g],
            )
        return round_id

    async def rounds_to_notify(self) -> list[GroupMember]:
        """Return every member of rounds whose introductions are not all sent."""
        rows = await self.db.fetch_all(SELECT_UNNOTIFIED)
        return from_rows(GroupMember, rows)

    async def mark_notified(self, round_id: int, user_id: int, now: datetime) -> None:
        """Record that a member's introduction went out."""
        await self.db.execute(SET_NOTIFIED, (to_db(now), round_id, user_id))
