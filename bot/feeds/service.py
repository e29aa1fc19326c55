"""The feeds service: add and look after feeds, poll the due ones, post each new piece once."""

from __future__ import annotations

import asyncio
import hashlib
import random
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import metadata

from bot.core.config import Settings
from bot.core.errors import UserFacingError
from bot.core.text import clip
from bot.core.timeutil import Clock
from bot.db import Database
from bot.db.feed_delivery import FeedDeliveryRepo
from bot.db.feeds import FeedRow, FeedsRepo, NewFeed
from bot.feeds.compose import PostComposer, as_sentence
from bot.feeds.delivery import tell_moderators
from bot.feeds.fetch import FeedFetcher, FetchError, FetchPolicy, FetchResult, user_agent
from bot.feeds.limits import FeedLimits
from bot.feeds.models import CONTENT_NOTE_MODES, AddedFeed, ParsedFeed, PollReport, Post, Preview
from bot.feeds.netguard import AddressGuard
from bot.feeds.outbox import Outbox, Poster
from bot.feeds.parse import FeedParseError
from bot.feeds.polling import FeedPoller
from bot.feeds.questions import QuestionSource, reflective_question
from bot.feeds.select import clean_feed_url, oldest_first, passes_filters
from bot.feeds.settings import FAILURE_NOTICE_AFTER
from bot.feeds.topics import TopicMatcher
from bot.feeds.worker import ParserPool
from bot.settings.registry import GuildSettings


@dataclass(frozen=True, slots=True)
class FeedHealth:
    """A feed as `/mod feeds list` shows it."""

    feed: FeedRow
    status: str  # "ok", "paused", "retrying" or "failing"
    not_delivering: str = ""  # why the feed's channel refuses its posts, if it does


def _version() -> str:
    try:
        return metadata.version("alongside")
    except metadata.PackageNotFoundError:
        return "dev"


class FeedsService:
    """Everything about feeds that is not Discord: storage, fetching, parsing, choosing."""

    def __init__(
        self,
        *,
        db: Database,
        clock: Clock,
        settings: GuildSettings,
        fetcher: FeedFetcher,
        topics: TopicMatcher,
        questions: QuestionSource = reflective_question,
        rng: random.Random | None = None,
        limits: FeedLimits | None = None,
    ) -> None:
        self.repo = FeedsRepo(db)
        self.fetcher = fetcher
        self.limits = limits or FeedLimits()
        self._clock = clock
        self._settings = settings
        self._composer = PostComposer(topics, questions)
        self._parser = ParserPool(
            workers=self.limits.parse_workers,
            timeout=self.limits.parse_timeout,
            memory_mib=self.limits.parse_memory_mib,
        )
        self._poll_lock = asyncio.Lock()
        self.blocks = FeedDeliveryRepo(db)
        self.outbox = Outbox(
            self.repo,
            clock,
            self.blocks,
            batch=self.limits.outbox_batch,
            max_attempts=self.limits.max_send_attempts,
        )
        self._poller = FeedPoller(
            repo=self.repo,
            fetcher=fetcher,
            parser=self._parser,
            composer=self._composer,
            clock=clock,
            settings=settings,
            rng=rng or random.Random(),
            limits=self.limits,
        )
        self._last_prune: datetime | None = None

    @classmethod
    def create(
        cls,
        config: Settings,
        db: Database,
        clock: Clock,
        settings: GuildSettings,
        *,
        rng: random.Random | None = None,
    ) -> FeedsService:
        """Wire the service as production runs it."""
        policy = FetchPolicy(
            user_agent=user_agent(_version(), config.contact_url),
            allow_private_hosts=config.feeds_allow_private_hosts,
        )
        fetcher = FeedFetcher(policy, AddressGuard(allow_private=policy.allow_private_hosts))
        return cls(
            db=db,
            clock=clock,
            settings=settings,
            fetcher=fetcher,
            topics=TopicMatcher.from_data(config.data_dir),
            rng=rng,
        )

    @property
    def parser(self) -> ParserPool:
        """The pool of sandboxed parsing processes."""
        return self._parser

    async def close(self) -> None:
        """Close network connections and the parser pool."""
        await self.fetcher.close()
        await self._parser.close()

    # Moderator actions ------------------------------------------------------------------------

    async def add(
        self,
        *,
        guild_id: int,
        actor_id: int,
        url: str,
        channel_id: int,
        interval_minutes: int | None = None,
        mention_role_id: int | None = None,
        content_note_mode: str = "auto",
        backfill: int = 0,
        include: Sequence[str] = (),
        exclude: Sequence[str] = (),
    ) -> AddedFeed:
        """Check and fetch the feed, remember what it already shows, and queue any backfill."""
        limits = self.limits
        interval = interval_minutes or limits.default_interval
        if not limits.min_interval <= interval <= limits.max_interval:
            raise UserFacingError(
                f"The interval needs to be from {limits.min_interval} to "
                f"{limits.max_interval} minutes."
            )
        if content_note_mode not in CONTENT_NOTE_MODES:
            raise UserFacingError("Content notes can be auto, always or never.")
        if not 0 <= backfill <= limits.max_backfill:
            raise UserFacingError(f"Backfill can be from 0 to {limits.max_backfill} pieces.")
        clean = clean_feed_url(url)
        if await self.repo.find_duplicate(guild_id, channel_id, clean) is not None:
            raise UserFacingError(
                "That feed already posts to that channel. `/mod feeds list` shows it."
            )
        if await self.repo.count_for_guild(guild_id) >= limits.max_feeds_per_server:
            raise UserFacingError(
                f"This server has {limits.max_feeds_per_server} feeds, the most Alongside "
                "looks after. Remove one with `/mod feeds remove` first."
            )
        result, parsed = await self._fetch_for_person(clean)
        now = self._clock.now()
        items = oldest_first(parsed.items)
        title = parsed.title or (clip(str(result.url), 200))
        chosen = (
            [i for i in items if passes_filters(i, include, exclude)][-backfill:]
            if backfill
            else []
        )
        outbox = [
            self._composer.outbox_entry(
                channel_id, clean, title, content_note_mode, mention_role_id, item
            )
            for item in chosen
        ]
        new_feed = NewFeed(
            guild_id=guild_id,
            channel_id=channel_id,
            url=clean,
            title=title,
            interval_minutes=interval,
            mention_role_id=mention_role_id,
            content_note=content_note_mode,
            include_words=tuple(include),
            exclude_words=tuple(exclude),
            etag=result.etag,
            last_modified=result.last_modified,
            body_hash=hashlib.sha256(result.body).hexdigest(),
            next_poll_at=self._poller.next_poll(now, interval),
            added_by=actor_id,
        )
        try:
            feed_id = await self.repo.create(
                new_feed, [key for item in items for key in item.keys], outbox, now
            )
        except sqlite3.IntegrityError:
            # Two moderators added the same feed at once; the first one won.
            raise UserFacingError(
                "That feed already posts to that channel. `/mod feeds list` shows it."
            ) from None
        return AddedFeed(feed_id, title, len(items), len(outbox))

    async def health(self, guild_id: int) -> list[FeedHealth]:
        """Return the server's feeds with their status."""
        threshold = int(await self._settings.get(guild_id, FAILURE_NOTICE_AFTER))
        found = []
        blocks = await self.blocks.all()
        for feed in await self.repo.for_guild(guild_id):
            if feed.paused:
                status = "paused"
            elif feed.consecutive_failures >= threshold:
                status = "failing"
            elif feed.consecutive_failures:
                status = "retrying"
            else:
                status = "ok"
            block = blocks.get(feed.id)
            found.append(FeedHealth(feed, status, block.reason if block else ""))
        return found

    async def owned(self, guild_id: int, feed_id: int) -> FeedRow:
        """Return the server's feed with this number, or explain that there is none."""
        feed = await self.repo.get(feed_id)
        if feed is None or feed.guild_id != guild_id:
            raise UserFacingError(
                f"There's no feed #{feed_id} in this server. `/mod feeds list` shows them."
            )
        return feed

    async def remove(self, guild_id: int, feed_id: int) -> FeedRow:
        """Remove a feed; its unsent posts go with it."""
        feed = await self.owned(guild_id, feed_id)
        await self.repo.delete(guild_id, feed_id)
        return feed

    async def set_paused(self, guild_id: int, feed_id: int, paused: bool) -> FeedRow:
        """Pause a feed, or resume it with a check at the next tick."""
        feed = await self.owned(guild_id, feed_id)
        await self.repo.set_paused(guild_id, feed_id, paused, self._clock.now())
        return feed

    async def set_filters(
        self, guild_id: int, feed_id: int, include: Sequence[str], exclude: Sequence[str]
    ) -> FeedRow:
        """Replace the feed's keyword filters."""
        await self.owned(guild_id, feed_id)
        await self.repo.set_filters(guild_id, feed_id, include, exclude)
        return await self.owned(guild_id, feed_id)

    async def preview(self, url: str) -> Preview:
        """Fetch a feed and show how its newest piece would look, posting nothing."""
        clean = clean_feed_url(url)
        result, parsed = await self._fetch_for_person(clean)
        items = oldest_first(parsed.items)
        title = parsed.title or clip(result.url, 200)
        post = self._composer.build_post(title, "auto", None, items[-1]) if items else None
        return Preview(clean, title, parsed.format, len(items), post)

    async def post_latest(self, guild_id: int, feed_id: int, poster: Poster) -> Post:
        """Post the feed's newest piece now (again, if it was posted before)."""
        feed = await self.owned(guild_id, feed_id)
        _, parsed = await self._fetch_for_person(feed.url)
        items = oldest_first(parsed.items)
        if not items:
            raise UserFacingError("That feed has no pieces in it yet, so there's nothing to post.")
        newest = items[-1]
        now = self._clock.now()
        item_key = f"latest:{now.isoformat()}:{newest.key}"
        entry = self._composer.outbox_entry(
            feed.channel_id,
            feed.url,
            feed.title,
            feed.content_note,
            feed.mention_role_id,
            newest,
            item_key=item_key,
        )
        await self.repo.queue(feed, [entry], now)
        await self.deliver(poster)
        row = await self.repo.outbox_by_nonce(entry.nonce)
        if row is not None and row.message_id is None:
            raise UserFacingError(
                f"Alongside couldn't post in <#{feed.channel_id}>: "
                f"{as_sentence(row.last_error or 'Discord refused the message')}"
            )
        return Post.from_json(entry.payload)

    # Polling ----------------------------------------------------------------------------------

    async def run_due(self, poster: Poster) -> PollReport:
        """Poll every due feed (a few at a time), then deliver what was queued."""
        async with self._poll_lock:
            now = self._clock.now()
            due = await self.repo.due(now, self.limits.due_batch)
            gate = asyncio.Semaphore(self.fetcher.policy.concurrency)

            async def one(feed: FeedRow) -> tuple[str, int]:
                async with gate:
                    return await self._poller.poll_safely(feed, poster)

            outcomes = await asyncio.gather(*(one(feed) for feed in due))
            sent = await self.deliver(poster)
            await self._maybe_prune(now)
        return PollReport(
            polled=len(outcomes),
            not_modified=sum(1 for kind, _ in outcomes if kind == "not_modified"),
            failed=sum(1 for kind, _ in outcomes if kind == "failed"),
            queued=sum(count for _, count in outcomes),
            sent=sent,
        )

    # Posting ----------------------------------------------------------------------------------

    async def deliver(self, poster: Poster) -> int:
        """Send queued posts oldest first, resuming any a stop interrupted; return how many."""
        sent = await self.outbox.deliver(poster)
        await tell_moderators(self.blocks, self.repo, self._settings, poster, self.outbox.recovered)
        return sent

    async def _maybe_prune(self, now: datetime) -> None:
        if self._last_prune is not None and now - self._last_prune < timedelta(days=1):
            return
        self._last_prune = now
        await self.repo.prune(now - self.limits.keep_seen, now - self.limits.keep_outbox)

    # Helpers ----------------------------------------------------------------------------------

    async def _fetch_for_person(self, url: str) -> tuple[FetchResult, ParsedFeed]:
        try:
            result = await self.fetcher.fetch(url, now=self._clock.now())
            parsed = await self._parser.parse(result.body, result.url, result.content_type)
        except (FetchError, FeedParseError) as error:
            raise UserFacingError(
                f"Alongside couldn't read that feed: {as_sentence(error.reason)} "
                "Check the address, or try again later."
            ) from None
        return result, parsed
