# Over 400 lines: polling, the outbox and delivery blocks share one per-feed state machine.
# Issue #17 splits it.
"""The feeds service: add and look after feeds, poll the due ones, post each new piece once."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import metadata

from bot.config import Settings
from bot.db import Database
from bot.db.feed_delivery import FeedDeliveryRepo
from bot.db.feeds import FeedRow, FeedsRepo, NewFeed, OutboxEntry
from bot.errors import UserFacingError
from bot.feeds.delivery import tell_moderators
from bot.feeds.fetch import FeedFetcher, FetchError, FetchPolicy, FetchResult, user_agent
from bot.feeds.models import (
    CONTENT_NOTE_MODES,
    AddedFeed,
    FeedItem,
    ParsedFeed,
    PollReport,
    Post,
    Preview,
)
from bot.feeds.netguard import AddressGuard
from bot.feeds.outbox import Outbox, Poster
from bot.feeds.parse import FeedParseError
from bot.feeds.questions import QuestionSource, reflective_question
from bot.feeds.select import (
    clean_feed_url,
    make_nonce,
    oldest_first,
    passes_filters,
)
from bot.feeds.settings import CHANGED_IDS_CAP, FAILURE_NOTICE_AFTER, MAX_POSTS_PER_POLL
from bot.feeds.text import escape_markdown, escape_within
from bot.feeds.topics import TopicMatcher, content_note
from bot.feeds.worker import ParserPool
from bot.guild_settings import GuildSettings
from bot.text import clip
from bot.timeutil import Clock

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class FeedLimits:
    """Numbers the service works within; tests and the benchmark may change them."""

    default_interval: int = 15
    min_interval: int = 5
    max_interval: int = 24 * 60
    max_backfill: int = 10
    max_feeds_per_server: int = 50
    jitter_fraction: float = 0.1
    max_backoff: timedelta = timedelta(hours=12)
    parse_timeout: float = 10.0
    parse_workers: int = 2
    parse_memory_mib: int = 768
    due_batch: int = 500
    outbox_batch: int = 50
    max_send_attempts: int = 5
    keep_seen: timedelta = timedelta(days=180)
    keep_outbox: timedelta = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class FeedHealth:
    """A feed as `/mod feeds list` shows it."""

    feed: FeedRow
    status: str  # "ok", "paused", "retrying" or "failing"
    not_delivering: str = ""  # why the feed's channel refuses its posts, if it does


def _sentence(reason: str) -> str:
    reason = reason.strip()
    return reason if reason.endswith((".", "!", "?")) else reason + "."


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
        self._topics = topics
        self._questions = questions
        self._rng = rng or random.Random()
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
            self._outbox_entry(channel_id, clean, title, content_note_mode, mention_role_id, item)
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
            next_poll_at=self._next_poll(now, interval),
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
        post = self._build_post(title, "auto", None, items[-1]) if items else None
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
        entry = self._outbox_entry(
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
                f"{_sentence(row.last_error or 'Discord refused the message')}"
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
                    return await self._poll_safely(feed, poster)

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

    async def _poll_safely(self, feed: FeedRow, poster: Poster) -> tuple[str, int]:
        try:
            return await self._poll(feed, poster)
        except Exception:
            # One feed's bug must not stop the others; the feed shows the failure in `list`.
            log.exception("Polling feed %s failed unexpectedly", feed.id)
            await self._record_failure(
                feed, "something went wrong inside Alongside (it has been logged)", None, poster
            )
            return "failed", 0

    async def _poll(self, feed: FeedRow, poster: Poster) -> tuple[str, int]:
        now = self._clock.now()
        try:
            result = await self.fetcher.fetch(
                feed.url, etag=feed.etag, last_modified=feed.last_modified, now=now
            )
            body_hash = None if result.not_modified else hashlib.sha256(result.body).hexdigest()
            parsed = None
            if body_hash is not None and body_hash != feed.body_hash:
                parsed = await self._parser.parse(result.body, result.url, result.content_type)
        except FetchError as error:
            await self._record_failure(feed, error.reason, error.retry_after, poster)
            return "failed", 0
        except FeedParseError as error:
            await self._record_failure(feed, error.reason, None, poster)
            return "failed", 0
        next_poll = self._next_poll(now, feed.interval_minutes)
        if parsed is None:
            # 304, or a server without validators sending the very same bytes again.
            await self.repo.record_not_modified(
                feed.id,
                etag=result.etag,
                last_modified=result.last_modified,
                next_poll_at=next_poll,
                now=now,
            )
            await self._announce_recovery(feed, poster)
            return "not_modified", 0
        queued = await self._record_items(feed, result, parsed, body_hash, next_poll, now)
        await self._announce_recovery(feed, poster)
        return "ok", queued

    async def _record_items(
        self,
        feed: FeedRow,
        result: FetchResult,
        parsed: ParsedFeed,
        body_hash: str | None,
        next_poll: datetime,
        now: datetime,
    ) -> int:
        items = oldest_first(parsed.items)
        all_keys = [key for item in items for key in item.keys]
        seen = await self.repo.seen_among(feed.id, all_keys)
        fresh = [item for item in items if not any(key in seen for key in item.keys)]
        wanted = [i for i in fresh if passes_filters(i, feed.include_words, feed.exclude_words)]
        limit = int(await self._settings.get(feed.guild_id, MAX_POSTS_PER_POLL))
        if fresh and len(fresh) == len(items) and await self.repo.has_seen_anything(feed.id):
            # Every piece looks new at once: the feed changed its ids (http → https, a new
            # platform), not its content. Post only the newest few rather than the archive.
            cap = int(await self._settings.get(feed.guild_id, CHANGED_IDS_CAP))
            if len(items) > cap:
                log.info(
                    "Feed %s: all %d ids changed; posting at most %d", feed.id, len(items), cap
                )
                limit = min(limit, cap)
        chosen = wanted[-limit:] if limit > 0 else []
        title = parsed.title or feed.title
        outbox = [
            self._outbox_entry(
                feed.channel_id,
                feed.url,
                title,
                feed.content_note,
                feed.mention_role_id,
                item,
            )
            for item in chosen
        ]
        await self.repo.record_success(
            feed,
            title=title,
            etag=result.etag,
            last_modified=result.last_modified,
            body_hash=body_hash,
            next_poll_at=next_poll,
            new_item_at=now if fresh else None,
            seen_keys=all_keys,
            outbox=outbox,
            now=now,
        )
        return len(outbox)

    def _next_poll(self, now: datetime, interval_minutes: int) -> datetime:
        jitter = 1 + self._rng.uniform(0, self.limits.jitter_fraction)
        return now + timedelta(minutes=interval_minutes * jitter)

    def backoff(self, interval_minutes: int, failures: int, retry_after: float | None) -> timedelta:
        """How long to wait after `failures` failures in a row (doubling, capped, jittered)."""
        doublings: int = min(max(failures - 1, 0), 10)
        base = timedelta(minutes=interval_minutes * 2**doublings)
        delay = min(base, self.limits.max_backoff)
        if retry_after is not None:
            delay = max(delay, timedelta(seconds=retry_after))
        return delay * (1 + self._rng.uniform(0, self.limits.jitter_fraction))

    async def _record_failure(
        self, feed: FeedRow, reason: str, retry_after: float | None, poster: Poster
    ) -> None:
        now = self._clock.now()
        failures = feed.consecutive_failures + 1
        delay = self.backoff(feed.interval_minutes, failures, retry_after)
        failures = await self.repo.record_failure(
            feed.id, reason=reason, next_poll_at=now + delay, now=now
        )
        log.info("Feed %s failed (%d in a row): %s", feed.id, failures, reason)
        threshold = int(await self._settings.get(feed.guild_id, FAILURE_NOTICE_AFTER))
        if failures < threshold or feed.failure_notified:
            return
        channel = await self._settings.get(feed.guild_id, "mod_channel")
        if channel is None:
            return  # told once a moderator channel is set; `list` shows it as failing meanwhile
        text = (
            f"The feed **{escape_markdown(feed.title or feed.url)}** (#{feed.id}) hasn't worked "
            f"for {failures} tries in a row: {_sentence(reason)} Alongside keeps trying, less "
            f"often, and won't mention it again until it works. `/mod feeds test` shows what "
            f"the address gives; `/mod feeds pause` stops the tries."
        )
        if await poster.send_notice(int(channel), text):
            await self.repo.set_failure_notified(feed.id, True)

    async def _announce_recovery(self, feed: FeedRow, poster: Poster) -> None:
        if not feed.failure_notified:
            return
        channel = await self._settings.get(feed.guild_id, "mod_channel")
        if channel is not None:
            await poster.send_notice(
                int(channel),
                f"The feed **{escape_markdown(feed.title or feed.url)}** (#{feed.id}) is working "
                f"again. New pieces will appear in <#{feed.channel_id}>.",
            )

    # Posting ----------------------------------------------------------------------------------

    def _build_post(
        self, feed_title: str, mode: str, mention_role_id: int | None, item: FeedItem
    ) -> Post:
        note = content_note(mode, self._topics.labels(item.title, item.summary))
        summary = escape_markdown(item.summary)
        description = f"||{summary}||" if note and summary else summary
        return Post(
            feed_title=clip(feed_title, 200),
            title=escape_within(item.title, 256),
            url=item.link,
            author=item.author,
            published=item.published,
            description=description,
            image_url=item.image,
            content_note=note,
            mention_role_id=mention_role_id,
            thread_name=clip(item.title.replace("\n", " "), 100) or "Discussion",
            question=self._questions(item.key),
        )

    def _outbox_entry(
        self,
        channel_id: int,
        feed_url: str,
        feed_title: str,
        mode: str,
        mention_role_id: int | None,
        item: FeedItem,
        *,
        item_key: str | None = None,
    ) -> OutboxEntry:
        key = item_key or item.key
        post = self._build_post(feed_title, mode, mention_role_id, item)
        return OutboxEntry(key, make_nonce(channel_id, feed_url, key), post.to_json())

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
                f"Alongside couldn't read that feed: {_sentence(error.reason)} "
                "Check the address, or try again later."
            ) from None
        return result, parsed
