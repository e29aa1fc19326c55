"""SQL for per-server settings: only values a moderator changed are stored."""

from __future__ import annotations

import json
from typing import Any

from bot.core.timeutil import to_db, utcnow
from bot.db.connection import Database

SELECT_GUILD = "SELECT key, value FROM guild_settings WHERE guild_id = ?"
UPSERT = """
INSERT INTO guild_settings (guild_id, key, value, updated_at) VALUES (?, ?, ?, ?)
ON CONFLICT (guild_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
"""
DELETE = "DELETE FROM guild_settings WHERE guild_id = ? AND key = ?"


class GuildSettingsRepo:
    """Read and write stored setting values as JSON."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def load(self, guild_id: int) -> dict[str, Any]:
        """Return every stored value for a server."""
        rows = await self._db.fetch_all(SELECT_GUILD, (guild_id,))
        return {row["key"]: json.loads(row["value"]) for row in rows}

    async def save_many(self, guild_id: int, values: dict[str, Any]) -> None:
        """Store several values at once (None removes a value, restoring its default)."""
        now = to_db(utcnow())
        async with self._db.transaction() as tx:
            for key, value in values.items():
                if value is None:
                    await tx.execute(DELETE, (guild_id, key))
                else:
                    await tx.execute(UPSERT, (guild_id, key, json.dumps(value), now))
