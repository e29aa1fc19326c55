"""Answers shared under a member's name in a prompt's thread: theirs to delete and export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core.errors import UserFacingError
from bot.core.timeutil import Clock, to_db
from bot.db.connection import Database
from bot.db.prompt_shares import PromptShare, PromptSharesRepo

NOT_YOURS = "Only the person who shared this can delete it."
GONE = "That share has already been deleted."


@dataclass(frozen=True, slots=True)
class ShareErasure:
    """Discord posts (channel, message) the caller should delete after an erase."""

    request_posts: tuple[tuple[int, int], ...]


class PromptShares:
    """Records each share so its author can delete it and `/mydata` can see it."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.repo = PromptSharesRepo(db)
        self._clock = clock

    async def begin(
        self, guild_id: int, user_id: int, channel_id: int, prompt_id: int | None, body: str
    ) -> int:
        """Record a share about to be posted; return the id its Delete button carries."""
        now = self._clock.now()
        return await self.repo.add(guild_id, user_id, channel_id, prompt_id, body, now)

    async def posted(self, share_id: int, message_id: int) -> None:
        """Note the message that holds the share."""
        await self.repo.set_message(share_id, message_id)

    async def abandon(self, share_id: int) -> None:
        """Forget a share that could not be posted."""
        await self.repo.delete(share_id)

    async def mine(self, guild_id: int, user_id: int) -> list[PromptShare]:
        """The member's own shares here, newest first."""
        return await self.repo.of_member(guild_id, user_id)

    async def owned(self, guild_id: int | None, share_id: int, user_id: int) -> PromptShare:
        """Return a share if `user_id` wrote it in this server; refuse anyone else."""
        share = await self.repo.get(share_id)
        if share is None or share.message_id is None:
            raise UserFacingError(GONE)
        if share.guild_id != guild_id or share.user_id != user_id:
            raise UserFacingError(NOT_YOURS)
        return share

    async def forget(self, share: PromptShare) -> None:
        """Forget a share once its post is gone."""
        await self.repo.delete(share.id)

    async def export_member(self, guild_id: int, user_id: int) -> dict[str, Any]:
        """Every share of the member in this server, with where it was posted."""
        return {
            "shared_in_threads": [
                {
                    "words": s.body,
                    "thread_id": str(s.channel_id),
                    "message_id": str(s.message_id),
                    "prompt_id": s.prompt_id,
                    "shared_at": to_db(s.created_at),
                }
                for s in await self.repo.of_member(guild_id, user_id)
            ]
        }

    async def erase_member(self, guild_id: int, user_id: int) -> ShareErasure:
        """Forget every share; return their posts so the caller deletes them from Discord."""
        shares = await self.repo.of_member(guild_id, user_id)
        await self.repo.erase_member(guild_id, user_id)
        return ShareErasure(
            tuple((s.channel_id, s.message_id) for s in shares if s.message_id is not None)
        )
