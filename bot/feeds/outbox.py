"""The outbox: a post is written down before it is sent, so it is sent exactly once.

Each row carries a nonce derived from the item and where it goes. The send passes that nonce
(discord.py then sets `enforce_nonce`), and the message id is recorded afterwards. A row with an
attempt but no message id was interrupted: its post is looked for in the channel first (Discord
forgets nonces after a few minutes, the channel does not), and only re-sent — with the same
nonce — if it is not there.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from bot.core.timeutil import Clock
from bot.db.feed_delivery import FeedDeliveryRepo
from bot.db.feeds import FeedsRepo
from bot.db.feeds_outbox import OutboxRow
from bot.feeds.models import Post

log = logging.getLogger(__name__)


class PostError(Exception):
    """Posting to Discord failed.

    `permanent` when retrying this post cannot help; `blocked` when the channel refuses the
    feed's posts (a lost permission, a deleted channel): the post waits, with the feed's later
    ones, until a moderator puts it right.
    """

    def __init__(self, reason: str, *, permanent: bool = False, blocked: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.blocked = blocked


class Poster(Protocol):
    """The Discord side of posting, implemented by the cog (services never import discord)."""

    async def send_post(self, channel_id: int, post: Post, nonce: str) -> int:
        """Send the post with this nonce (enforced); return the message id."""
        ...

    async def find_post(self, channel_id: int, post: Post) -> int | None:
        """Return the id of this post if the bot already sent it to the channel, else None."""
        ...

    async def open_thread(self, channel_id: int, message_id: int, post: Post) -> None:
        """Open the discussion thread under the message and ask the post's question."""
        ...

    async def send_notice(self, channel_id: int, text: str) -> bool:
        """Tell moderators something in their channel; say whether it was delivered."""
        ...


class Outbox:
    """Delivers outbox rows through a Poster, one delivery pass at a time."""

    def __init__(
        self,
        repo: FeedsRepo,
        clock: Clock,
        blocks: FeedDeliveryRepo,
        *,
        batch: int = 50,
        max_attempts: int = 5,
    ) -> None:
        self.repo = repo
        self.blocks = blocks
        self._clock = clock
        self._batch = batch
        self._max_attempts = max_attempts
        self._deliver_lock = asyncio.Lock()
        self.recovered: list[int] = []  # feeds delivering again, for the service to announce

    async def deliver(self, poster: Poster) -> int:
        """Send queued posts oldest first, resuming any a stop interrupted; return how many."""
        sent = 0
        async with self._deliver_lock:
            blocked = await self.blocks.all()
            waiting: set[int] = set()  # feeds whose channel refused a post in this pass
            for row in await self.repo.open_outbox(self._batch):
                if row.feed_id in waiting:
                    continue  # later posts wait behind the refused one, to keep the order
                try:
                    sent += await self._deliver_one(row, poster)
                except PostError as error:
                    waiting.add(row.feed_id)
                    log.info("Feed %s can't deliver for now: %s", row.feed_id, error.reason)
                    await self.repo.record_post_error(row.id, error.reason)
                    await self.blocks.block(row.feed_id, error.reason, self._clock.now())
                    continue
                except Exception:
                    log.exception("Delivering feed post %s failed unexpectedly", row.id)
                    await self.repo.record_post_error(row.id, "unexpected error (logged)")
                    continue
                if row.feed_id in blocked:
                    blocked.pop(row.feed_id)
                    if await self.blocks.unblock(row.feed_id):
                        self.recovered.append(row.feed_id)  # moderators were told: say so
        return sent

    async def _deliver_one(self, row: OutboxRow, poster: Poster) -> int:
        post = Post.from_json(row.payload)
        message_id = row.message_id
        newly_sent = 0
        if message_id is None and row.attempted_at is not None:
            # An earlier attempt may have reached Discord just before the bot stopped. Discord
            # deduplicates the same nonce only for a few minutes, so look for the post first.
            try:
                message_id = await poster.find_post(row.channel_id, post)
            except PostError as error:
                log.info("Could not look for feed post %s: %s", row.id, error.reason)
            if message_id is not None:
                await self.repo.record_sent(row.id, message_id, self._clock.now())
        if message_id is None:
            await self.repo.mark_attempt(row.id, self._clock.now())
            try:
                message_id = await poster.send_post(row.channel_id, post, row.nonce)
            except PostError as error:
                if error.blocked:
                    raise
                if error.permanent or row.attempts + 1 >= self._max_attempts:
                    log.warning("Giving up on feed post %s: %s", row.id, error.reason)
                    await self.repo.give_up(row.id, error.reason, self._clock.now())
                else:
                    await self.repo.record_post_error(row.id, error.reason)
                return 0
            await self.repo.record_sent(row.id, message_id, self._clock.now())
            newly_sent = 1
        error_text = ""
        try:
            await poster.open_thread(row.channel_id, message_id, post)
        except PostError as error:
            if error.blocked:
                raise  # sent, but the thread waits too: the row stays open with its message
            error_text = f"thread: {error.reason}"
            log.info("Could not open a thread for feed post %s: %s", row.id, error.reason)
        await self.repo.record_thread(row.id, self._clock.now(), error_text)
        return newly_sent
