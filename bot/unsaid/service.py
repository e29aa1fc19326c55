"""Unsaid's rules: who may share, what is held, when things move, and what is forgotten."""

from __future__ import annotations

import asyncio
import random
from collections import defaultdict
from datetime import date, datetime, timedelta

from bot.core.errors import UserFacingError
from bot.core.safety import CrisisMatcher
from bot.core.timeutil import Clock
from bot.db.fold import fold_wal_soon
from bot.db.ledger import Occurrence, OccurrenceLedger
from bot.db.unsaid import NewItem, UnsaidItem, UnsaidRepo, Waiting
from bot.privacy.erasures import Erasures
from bot.settings.registry import GuildSettings
from bot.unsaid import anonymity, content, timing
from bot.unsaid.guesses import GuessGuard
from bot.unsaid.keys import KeyRing
from bot.unsaid.messages import BLOCKED, GONE, NOT_SET_UP, UNKNOWN_RECEIPT, limit_message
from bot.unsaid.models import (
    RETENTION_DAYS,
    BlockInfo,
    GuildConfig,
    ReviewBatch,
    Route,
    Submitted,
    Withdrawal,
)
from bot.unsaid.settings import MAX_DAILY_LIMIT

RETRY_POSTING_AFTER = timedelta(minutes=15)
REVIEW_KEY = "unsaid:review:"


class UnsaidService:
    """Anonymous submissions: no method stores, returns or logs who wrote anything.

    A person is passed in as (server id, user id) only to compute keyed tags, then dropped.
    """

    def __init__(
        self,
        repo: UnsaidRepo,
        settings: GuildSettings,
        keys: KeyRing,
        ledger: OccurrenceLedger,
        clock: Clock,
        matcher: CrisisMatcher,
        rng: random.Random | None = None,
        erasures: Erasures | None = None,
    ) -> None:
        self._repo = repo
        self._settings = settings
        self.keys = keys
        self._ledger = ledger
        self._clock = clock
        self._matcher = matcher
        self._rng = rng or random.SystemRandom()
        self.guesses = GuessGuard()
        self._erasures = erasures

    # ------------------------------------------------------------------ settings

    async def config(self, guild_id: int) -> GuildConfig:
        """Read this server's Unsaid settings."""
        return GuildConfig.from_values(await self._settings.all(guild_id))

    async def ready_config(self, guild_id: int) -> GuildConfig:
        """Return the settings, or explain that Unsaid isn't set up here."""
        config = await self.config(guild_id)
        if not config.ready:
            raise UserFacingError(NOT_SET_UP)
        return config

    async def waiting(self, guild_id: int) -> Waiting:
        """Count what waits for review or posting in one server."""
        return await self._repo.waiting(guild_id)

    # ------------------------------------------------------------------ sharing

    def is_crisis(self, *texts: str | None) -> bool:
        """Say whether any of the texts holds a crisis phrase."""
        return any(self._matcher.matches(text) for text in texts if text)

    async def is_blocked(self, guild_id: int, user_id: int) -> bool:
        """Test this person against every block in the server, with the key each was made under."""
        for block in await self._repo.blocks(guild_id):
            key = self.keys.find(block.author.key_id)
            if key is not None and anonymity.matches_author(
                key, block.author.salt, block.author.tag, guild_id, user_id
            ):
                return True
        return False

    async def check_allowed(self, guild_id: int, user_id: int, *, reply: bool = False) -> None:
        """Refuse kindly if this person is blocked or has used today's allowance."""
        config = await self.ready_config(guild_id)
        if await self.is_blocked(guild_id, user_id):
            raise UserFacingError(BLOCKED)
        day = timing.local_day(self._clock.now(), config.timezone)
        current, older = anonymity.day_slots(
            self.keys, "reply" if reply else "share", day, guild_id, user_id, MAX_DAILY_LIMIT
        )
        if await self._repo.count_slots([*current, *older]) >= config.daily_limit:
            raise UserFacingError(limit_message(config, reply=reply))

    async def reply_target(self, guild_id: int, public_id: str) -> UnsaidItem:
        """Return the post someone wants to reply to, or explain why they can't."""
        parent = await self._repo.by_public_id(public_id)
        if parent is None or parent.guild_id != guild_id or parent.status != "posted":
            raise UserFacingError("That post is no longer here, so it can't take replies.")
        if parent.is_reply or not parent.allow_replies or parent.thread_id is None:
            raise UserFacingError("The author of this post chose not to take anonymous replies.")
        return parent

    async def submit(
        self,
        guild_id: int,
        user_id: int,
        body: str,
        note: str | None,
        *,
        allow_replies: bool = True,
        reply_to: str | None = None,
        answer_to: int | None = None,
    ) -> Submitted:
        """Store a submission (or a reply) and decide its route; the person is never stored.

        `answer_to` is a prompt's thread: the words are posted there as an anonymous answer.
        """
        config = await self.ready_config(guild_id)
        parent = await self.reply_target(guild_id, reply_to) if reply_to else None
        words = content.check_body(body)
        content_note = content.check_note(note)
        if await self.is_blocked(guild_id, user_id):
            raise UserFacingError(BLOCKED)
        needs_care = self.is_crisis(words, content_note)
        has_link = content.has_link(words, content_note or "")
        now = self._clock.now()
        if config.review or needs_care or (has_link and config.hold_links):
            route = Route.REVIEW if config.review else Route.HELD
            status, release_at, post_at = (
                "queued",
                timing.next_batch(now, config.batch_minutes),
                None,
            )
        else:
            route = Route.TIMED
            delay = timing.random_delay(self._rng, config.delay_min, config.delay_max)
            status, release_at, post_at = "scheduled", None, now + delay
        day = timing.local_day(now, config.timezone)
        receipt = anonymity.new_receipt()
        digest = await asyncio.to_thread(anonymity.receipt_digest, receipt)
        salt = anonymity.new_salt()
        key = self.keys.current
        expires = (date.fromisoformat(day) + timedelta(days=RETENTION_DAYS)).isoformat()
        current, older = anonymity.day_slots(
            self.keys, "reply" if parent else "share", day, guild_id, user_id, MAX_DAILY_LIMIT
        )
        created = await self._repo.create(
            NewItem(
                public_id=anonymity.new_public_id(),
                guild_id=guild_id,
                parent_id=parent.id if parent else None,
                receipt_hash=digest,
                status=status,
                body=words,
                content_note=content_note,
                allow_replies=allow_replies and parent is None and answer_to is None,
                needs_care=needs_care,
                has_link=has_link,
                shared_on=day,
                release_at=release_at,
                post_at=post_at,
                key_id=key.key_id,
                tag_salt=salt,
                author_tag=anonymity.author_tag(key, salt, guild_id, user_id),
                tags_expire_on=expires,
                answer_thread_id=None if parent else answer_to,
            ),
            current_slots=current,
            older_slots=older,
            limit=config.daily_limit,
            day=day,
        )
        if created is None:
            raise UserFacingError(limit_message(config, reply=parent is not None))
        return Submitted(
            receipt,
            route,
            needs_care,
            has_link,
            parent is not None,
            config,
            is_answer=answer_to is not None and parent is None,
        )

    # ------------------------------------------------------------------ review batches

    async def review_batches(self) -> list[ReviewBatch]:
        """Claim every review batch that is due and return its submissions, shuffled."""
        now = self._clock.now()
        due = await self._repo.due_for_review(now)
        groups: dict[tuple[int, datetime], list[UnsaidItem]] = defaultdict(list)
        for item in due:
            if item.release_at is not None:
                groups[(item.guild_id, item.release_at)].append(item)
        interrupted = {
            (o.schedule_key, o.due_at) for o in await self._ledger.open_occurrences(REVIEW_KEY)
        }
        batches: list[ReviewBatch] = []
        for (guild_id, due_at), items in sorted(groups.items()):
            occurrence = Occurrence(f"{REVIEW_KEY}{guild_id}", due_at)
            claimed = await self._ledger.claim(occurrence, now)
            if claimed or (occurrence.schedule_key, due_at) in interrupted:
                batches.append(ReviewBatch(guild_id, occurrence, timing.shuffled(items, self._rng)))
            else:
                # A finished batch left these behind (a race with a failure): never lose them.
                config = await self.config(guild_id)
                for item in items:
                    await self._repo.requeue(item.id, timing.next_batch(now, config.batch_minutes))
        return batches

    async def finish_batch(self, batch: ReviewBatch) -> None:
        """Record that a review batch was handled."""
        await self._ledger.complete(batch.occurrence, self._clock.now())

    async def mark_in_review(self, item: UnsaidItem, channel_id: int, message_id: int) -> bool:
        """Record the review message; False if the item was withdrawn meanwhile."""
        return await self._repo.mark_in_review(item.id, channel_id, message_id)

    async def review_failed(self, item: UnsaidItem) -> int:
        """Keep an item for the next batch; return how many releases have failed."""
        config = await self.config(item.guild_id)
        when = timing.next_batch(self._clock.now(), config.batch_minutes)
        return await self._repo.requeue(item.id, when)

    # ------------------------------------------------------------------ decisions

    async def item(self, guild_id: int, public_id: str) -> UnsaidItem:
        """Return one item of this server by its random id, or explain that it is gone."""
        item = await self._repo.by_public_id(public_id)
        if item is None or item.guild_id != guild_id:
            raise UserFacingError(GONE)
        return item

    async def in_review(self, guild_id: int, public_id: str) -> UnsaidItem:
        """Return an item waiting for a moderator's decision, or explain why it isn't."""
        item = await self.item(guild_id, public_id)
        if item.status != "in_review":
            raise UserFacingError("Another moderator has already dealt with this one.")
        return item

    async def approve(
        self, guild_id: int, public_id: str, *, note: str | None = None, set_note: bool = False
    ) -> UnsaidItem:
        """Approve an item for posting now, optionally with a moderator's content note."""
        item = await self.in_review(guild_id, public_id)
        cleaned = content.check_note(note) if set_note else None
        if not await self._repo.approve(item.id, self._clock.now(), cleaned, set_note):
            raise UserFacingError("Another moderator has already dealt with this one.")
        return await self._fresh(item)

    async def reject(self, guild_id: int, public_id: str, reason: str | None) -> UnsaidItem:
        """Reject an item, erase its words and keep the reason for the author's receipt."""
        item = await self.in_review(guild_id, public_id)
        cleaned = content.clean(reason).replace("\n", " ")[: content.MAX_REASON]
        if not await self._repo.reject(item.id, cleaned):
            raise UserFacingError("Another moderator has already dealt with this one.")
        # secure_delete zeroed the words in the page; the WAL still holds the page as it was.
        await fold_wal_soon(self._repo.fold_wal)
        if self._erasures is not None:
            # A restored backup from before this rejection must not bring the words back.
            await self._erasures.record_unsaid([item.public_id])
            await self._erasures.mark_applied()
        return await self._fresh(item)

    async def block(self, guild_id: int, public_id: str) -> tuple[str, bool]:
        """Block the author of an item by copying its salted tag; return (block id, is new)."""
        item = await self.item(guild_id, public_id)
        author = await self._repo.author_of(item.id)
        if author is None or self.keys.find(author.key_id) is None:
            raise UserFacingError(
                f"This is more than {RETENTION_DAYS} days old, so Alongside has already "
                "forgotten everything that could recognise its author. It can't be blocked."
            )
        existing = await self._repo.block_with_tag(author.tag)
        if existing is not None:
            return existing, False
        block_id = anonymity.new_block_id()
        config = await self.config(guild_id)
        day = timing.local_day(self._clock.now(), config.timezone)
        await self._repo.add_block(guild_id, block_id, author, day)
        return block_id, True

    async def is_item_blocked(self, item: UnsaidItem) -> bool:
        """Say whether a block was already made from this item."""
        author = await self._repo.author_of(item.id)
        return author is not None and await self._repo.block_with_tag(author.tag) is not None

    async def blocks(self, guild_id: int) -> list[BlockInfo]:
        """List a server's blocks by opaque id; say which lapse at the next key rotation."""
        current = self.keys.current.key_id
        return [
            BlockInfo(b.public_id, b.blocked_on, b.author.key_id != current)
            for b in await self._repo.blocks(guild_id)
            if self.keys.find(b.author.key_id) is not None
        ]

    async def unblock(self, guild_id: int, block_id: str) -> None:
        """Remove a block, or explain that there is none with that id."""
        if not await self._repo.remove_block(guild_id, block_id.strip().upper()):
            raise UserFacingError(
                f"There is no block called “{block_id}”. `/mod unsaid blocks` lists them."
            )

    # ------------------------------------------------------------------ posting

    async def due_posts(self) -> list[UnsaidItem]:
        """Return items whose posting time has come (random delays, approvals, retries)."""
        return await self._repo.due_for_posting(self._clock.now())

    async def number_for(self, item: UnsaidItem) -> int:
        """Return the item's "Unsaid #N", numbering it on its first posting attempt."""
        return await self._repo.number_for(item.id, item.guild_id)

    async def mark_posted(
        self, item: UnsaidItem, channel_id: int, message_id: int, thread_id: int | None
    ) -> bool:
        """Record the post and erase the words; False if it was withdrawn meanwhile."""
        return await self._repo.mark_posted(item.id, channel_id, message_id, thread_id)

    async def post_failed(self, item: UnsaidItem) -> int:
        """Keep an item for another try later; return how many tries have failed."""
        return await self._repo.post_failed(item.id, self._clock.now() + RETRY_POSTING_AFTER)

    async def set_review_message(self, item: UnsaidItem, channel_id: int, message_id: int) -> None:
        """Remember the moderators' message about an item."""
        await self._repo.set_review_message(item.id, channel_id, message_id)

    async def fresh(self, item: UnsaidItem) -> UnsaidItem | None:
        """Return the item as stored now, or None if it is gone."""
        return await self._repo.by_id(item.id)

    async def _fresh(self, item: UnsaidItem) -> UnsaidItem:
        found = await self._repo.by_id(item.id)
        if found is None:
            raise UserFacingError(GONE)
        return found

    # ------------------------------------------------------------------ receipts

    async def by_receipt(self, receipt: str, member_id: int) -> UnsaidItem:
        """Find what a receipt code belongs to, or explain kindly; misses cool the asker down."""
        code = anonymity.normalise_receipt(receipt)
        if code is None:
            raise UserFacingError(UNKNOWN_RECEIPT)
        now = self._clock.now()
        self.guesses.check(member_id, now)  # before the scrypt, which is what costs
        digest = await asyncio.to_thread(anonymity.receipt_digest, code)
        item = await self._repo.by_receipt(digest)
        if item is None:
            self.guesses.missed(member_id, now)
            raise UserFacingError(UNKNOWN_RECEIPT)
        return item

    async def withdrawal(self, receipt: str, member_id: int) -> Withdrawal:
        """Gather what withdrawing this receipt's submission will remove."""
        item = await self.by_receipt(receipt, member_id)
        return Withdrawal(item, await self._repo.replies_of(item.id))

    async def forget(self, withdrawal: Withdrawal) -> None:
        """Erase a withdrawn submission, its replies, its words and its tags."""
        if self._erasures is not None:
            # Recorded first, outside the database, so that no restore can bring it back.
            gone = [withdrawal.item, *withdrawal.replies]
            await self._erasures.record_unsaid([item.public_id for item in gone])
        await self.erase_items([withdrawal.item.id])
        if self._erasures is not None:
            await self._erasures.mark_applied()

    async def erase_items(self, item_ids: list[int]) -> None:
        """Delete submissions (replies go with them) and leave no copy in the WAL."""
        await self._repo.delete(item_ids)
        # secure_delete zeroes the rows in place; the WAL still holds earlier page images.
        await self._repo.fold_wal()

    # ------------------------------------------------------------------ retention

    async def purge(self, now: datetime) -> int:
        """Erase tags, rejections, limit slots and blocks no longer needed; return rows changed.

        Registered as a daily retention step, which checkpoints the WAL afterwards.
        """
        today = now.date()
        # Slots are kept one extra day so that servers west of UTC keep their current day.
        return await self._repo.purge(
            today=today.isoformat(),
            oldest_kept_day=(today - timedelta(days=RETENTION_DAYS)).isoformat(),
            slots_before=(today - timedelta(days=1)).isoformat(),
            key_ids=self.keys.key_ids(),
        )
