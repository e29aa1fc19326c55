"""Where each glossary review message was posted (channel and message ids only)."""

from __future__ import annotations

from bot.db.connection import Database

REMEMBER = """
INSERT INTO glossary_review_posts (guild_id, kind, item_id, channel_id, message_id)
VALUES (?, ?, ?, ?, ?)
ON CONFLICT (guild_id, kind, item_id)
DO UPDATE SET channel_id = excluded.channel_id, message_id = excluded.message_id
"""
FIND = """
SELECT channel_id, message_id FROM glossary_review_posts
WHERE guild_id = ? AND kind = ? AND item_id = ?
"""
FORGET = "DELETE FROM glossary_review_posts WHERE guild_id = ? AND kind = ? AND item_id = ?"


class ReviewPosts:
    """Remembers the review message of each suggestion (s) or perspective (p)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def remember(
        self, guild_id: int, kind: str, item_id: int, channel_id: int, message_id: int
    ) -> None:
        """Record where an item's review message was posted."""
        await self.db.execute(REMEMBER, (guild_id, kind, item_id, channel_id, message_id))

    async def find(self, guild_id: int, kind: str, item_id: int) -> tuple[int, int] | None:
        """Return (channel id, message id) of an item's review message, if it was posted."""
        row = await self.db.fetch_one(FIND, (guild_id, kind, item_id))
        return (int(row["channel_id"]), int(row["message_id"])) if row else None

    async def forget(self, guild_id: int, kind: str, item_id: int) -> None:
        """Drop the record once the message is marked decided."""
        await self.db.execute(FORGET, (guild_id, kind, item_id))
