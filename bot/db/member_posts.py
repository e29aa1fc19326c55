"""Where Alongside's own messages that name a member were posted (ids only, never words)."""

from __future__ import annotations

from datetime import datetime

from bot.core.timeutil import to_db
from bot.db.connection import Database

REMEMBER = """
INSERT INTO member_posts (guild_id, user_id, kind, channel_id, message_id, created_at)
VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, user_id, channel_id, message_id) DO NOTHING
"""
OF_MEMBER = """
SELECT kind, channel_id, message_id, created_at FROM member_posts
WHERE guild_id = ? AND user_id = ? ORDER BY id
"""
FORGET_MEMBER = "DELETE FROM member_posts WHERE guild_id = ? AND user_id = ?"


class MemberPosts:
    """Remembers bot messages that name a member, so erasing the member removes them."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def remember(
        self,
        guild_id: int,
        user_id: int,
        kind: str,
        channel_id: int,
        message_id: int,
        now: datetime,
    ) -> None:
        """Record a message that names the member."""
        await self.db.execute(
            REMEMBER, (guild_id, user_id, kind, channel_id, message_id, to_db(now))
        )

    async def of_member(self, guild_id: int, user_id: int) -> list[tuple[str, int, int, str]]:
        """Return (kind, channel id, message id, posted at) of each message naming the member."""
        rows = await self.db.fetch_all(OF_MEMBER, (guild_id, user_id))
        return [
            (str(r["kind"]), int(r["channel_id"]), int(r["message_id"]), str(r["created_at"]))
            for r in rows
        ]

    async def forget_member(self, guild_id: int, user_id: int) -> None:
        """Forget every record of messages naming the member (after deleting them)."""
        await self.db.execute(FORGET_MEMBER, (guild_id, user_id))
