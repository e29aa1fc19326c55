"""Who has DMs held because Alongside couldn't reach them, per server, kept in memory.

Every command a member uses ends with a check: were their check-in DMs or DM prompts held
while they were away or unreachable? Almost nobody's are, so the answer is kept here and a
command costs no database read. The set for a server is read once, on its first question,
and every write that holds someone's DMs adds them first (before its own write), so a hold
is never missed; a stale entry (a hold lifted elsewhere) costs one read, never a wrong answer.
A restart starts empty and reads the database again.
"""

from __future__ import annotations

import asyncio

from bot.db.connection import Database

# Prompt pauses for a member who couldn't be reached ('left', 'no_mutual_server', as in
# bot/checkins/reach.py; spelled out here so this core module imports no feature package).
SELECT_AWAY = """
SELECT user_id FROM checkin_members WHERE guild_id = ?1 AND dm_paused IS NOT NULL
UNION
SELECT user_id FROM prompt_subscriptions
WHERE guild_id = ?1 AND pause_reason IN ('left', 'no_mutual_server')
"""


class AwayMembers:
    """Members of each server whose DMs may be held: everyone else needs no database read."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._away: dict[int, set[int]] = {}
        self._loaded: set[int] = set()
        self._loading: dict[int, asyncio.Lock] = {}

    def hold(self, guild_id: int, user_id: int) -> None:
        """Note that the member's DMs are about to be held (call before writing the hold)."""
        self._away.setdefault(guild_id, set()).add(user_id)

    def forget(self, guild_id: int, user_id: int) -> None:
        """Drop the member (call before lifting their holds: a hold made meanwhile re-adds)."""
        self._away.get(guild_id, set()).discard(user_id)

    async def may_be_away(self, guild_id: int, user_id: int) -> bool:
        """Say whether the member may have DMs held here (False: certainly not)."""
        if guild_id not in self._loaded:
            await self._load(guild_id)
        return user_id in self._away.get(guild_id, ())

    async def _load(self, guild_id: int) -> None:
        lock = self._loading.setdefault(guild_id, asyncio.Lock())
        async with lock:
            if guild_id in self._loaded:
                return
            rows = await self._db.fetch_all(SELECT_AWAY, (guild_id,))
            # Holds noted while reading stay: the union never drops one.
            self._away.setdefault(guild_id, set()).update(int(row[0]) for row in rows)
            self._loaded.add(guild_id)
