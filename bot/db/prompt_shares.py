"""SQL for answers members shared under their own name in a prompt's thread."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.timeutil import to_db
from bot.db.connection import Database
from bot.db.rows import from_row, from_rows

SHARE_COLUMNS = "id, guild_id, user_id, channel_id, message_id, prompt_id, body, created_at"
INSERT_SHARE = """
INSERT INTO prompt_shares (guild_id, user_id, channel_id, prompt_id, body, created_at)
VALUES (?, ?, ?, ?, ?, ?)
"""
SET_MESSAGE = "UPDATE prompt_shares SET message_id = ? WHERE id = ?"
SELECT_SHARE = f"SELECT {SHARE_COLUMNS} FROM prompt_shares WHERE id = ?"
SELECT_MEMBER_SHARES = f"""
SELECT {SHARE_COLUMNS} FROM prompt_shares
WHERE guild_id = ? AND user_id = ? AND message_id IS NOT NULL ORDER BY id DESC
"""
DELETE_SHARE = "DELETE FROM prompt_shares WHERE id = ?"
DELETE_MEMBER_SHARES = "DELETE FROM prompt_shares WHERE guild_id = ? AND user_id = ?"


@dataclass(frozen=True, slots=True)
class PromptShare:
    """One answer posted in a prompt's thread, under its author's name."""

    id: int
    guild_id: int
    user_id: int
    channel_id: int
    message_id: int | None
    prompt_id: int | None
    body: str
    created_at: datetime


class PromptSharesRepo:
    """Every statement about shared answers."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self,
        guild_id: int,
        user_id: int,
        channel_id: int,
        prompt_id: int | None,
        body: str,
        now: datetime,
    ) -> int:
        """Record a share before it is posted; return its id."""
        return await self.db.insert(
            INSERT_SHARE, (guild_id, user_id, channel_id, prompt_id, body, to_db(now))
        )

    async def set_message(self, share_id: int, message_id: int) -> None:
        """Remember which Discord message holds the share."""
        await self.db.execute(SET_MESSAGE, (message_id, share_id))

    async def get(self, share_id: int) -> PromptShare | None:
        """Return one share by id."""
        row = await self.db.fetch_one(SELECT_SHARE, (share_id,))
        return None if row is None else from_row(PromptShare, row)

    async def of_member(self, guild_id: int, user_id: int) -> list[PromptShare]:
        """Return a member's posted shares in a server, newest first."""
        rows = await self.db.fetch_all(SELECT_MEMBER_SHARES, (guild_id, user_id))
        return from_rows(PromptShare, rows)

    async def delete(self, share_id: int) -> None:
        """Forget one share."""
        await self.db.execute(DELETE_SHARE, (share_id,))

    async def erase_member(self, guild_id: int, user_id: int) -> None:
        """Forget every share of a member in a server."""
        await self.db.execute(DELETE_MEMBER_SHARES, (guild_id, user_id))
