"""SQL for Unsaid's author tags and blocks, known only by opaque ids."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.connection import Database
from bot.db.rows import from_row

SELECT_TAG = "SELECT key_id, tag_salt AS salt, author_tag AS tag FROM unsaid_items WHERE id = ?"

SELECT_BLOCK_TAGS = """
SELECT public_id, blocked_on, key_id, tag_salt AS salt, author_tag AS tag FROM unsaid_blocks
WHERE guild_id = ? ORDER BY id
"""
SELECT_BLOCK_BY_TAG = "SELECT public_id FROM unsaid_blocks WHERE author_tag = ?"
INSERT_BLOCK = """
INSERT INTO unsaid_blocks (guild_id, public_id, key_id, tag_salt, author_tag, blocked_on)
VALUES (?, ?, ?, ?, ?, ?)
"""
DELETE_BLOCK = "DELETE FROM unsaid_blocks WHERE guild_id = ? AND public_id = ?"


@dataclass(frozen=True, slots=True)
class AuthorTag:
    """The salted keyed tag of one submission's or one block's author."""

    key_id: int
    salt: bytes
    tag: bytes


@dataclass(frozen=True, slots=True)
class Block:
    """One block, known to moderators only by its opaque id."""

    public_id: str
    blocked_on: str
    author: AuthorTag


class BlockQueries:
    """Author tags and blocks; mixed into UnsaidRepo."""

    _db: Database

    async def author_of(self, item_id: int) -> AuthorTag | None:
        """Return an item's author tag while it is kept."""
        row = await self._db.fetch_one(SELECT_TAG, (item_id,))
        if row is None or row["tag"] is None:
            return None
        return from_row(AuthorTag, row)

    async def blocks(self, guild_id: int) -> list[Block]:
        """Return a server's blocks, oldest first."""
        rows = await self._db.fetch_all(SELECT_BLOCK_TAGS, (guild_id,))
        return [
            Block(
                public_id=row["public_id"],
                blocked_on=row["blocked_on"],
                author=from_row(AuthorTag, row, ignore=("public_id", "blocked_on")),
            )
            for row in rows
        ]

    async def block_with_tag(self, tag: bytes) -> str | None:
        """Return the id of the block made from this exact tag, if any."""
        value = await self._db.fetch_value(SELECT_BLOCK_BY_TAG, (tag,))
        return None if value is None else str(value)

    async def add_block(self, guild_id: int, public_id: str, author: AuthorTag, day: str) -> None:
        """Store a block."""
        await self._db.execute(
            INSERT_BLOCK, (guild_id, public_id, author.key_id, author.salt, author.tag, day)
        )

    async def remove_block(self, guild_id: int, public_id: str) -> bool:
        """Delete a block; False if there was none with that id."""
        return await self._db.execute(DELETE_BLOCK, (guild_id, public_id)) == 1
