"""Small key/value facts the bot keeps about itself."""

from __future__ import annotations

from bot.db.connection import Database

GET = "SELECT value FROM meta WHERE key = ?"
SET = """
INSERT INTO meta (key, value) VALUES (?, ?)
ON CONFLICT (key) DO UPDATE SET value = excluded.value
"""


class MetaStore:
    """Read and write named values."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, key: str) -> str | None:
        """Return the value stored under `key`, or None."""
        value = await self._db.fetch_value(GET, (key,))
        return None if value is None else str(value)

    async def set(self, key: str, value: str) -> None:
        """Store `value` under `key`."""
        await self._db.execute(SET, (key, value))
