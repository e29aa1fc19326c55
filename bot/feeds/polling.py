"""Poll one feed: fetch, parse, queue new pieces; back off and tell moderators on failure."""

from __future__ import annotations

import hashlib
import logging
import random
from datetime import datetime, timedelta

from bot.core.timeutil import Clock
from bot.db.feeds import FeedRow, FeedsRepo
from bot.feeds.compose import PostComposer, as_sentence
from bot.feeds.fetch import FeedFetcher, FetchError, FetchResult
from bot.feeds.limits import FeedLimits
from bot.feeds.models import ParsedFeed
from bot.feeds.outbox import Poster
from bot.feeds.parse import FeedParseError
from bot.feeds.select import oldest_first, passes_filters
from bot.feeds.settings import CHANGED_IDS_CAP, FAILURE_NOTICE_AFTER, MAX_POSTS_PER_POLL
from bot.feeds.text import escape_markdown
from bot.feeds.worker import ParserPool
from bot.settings.registry import GuildSettings

log = logging.getLogger(__name__)


class FeedPoller:
    """Check one feed at a time and record what it gave, or how it failed."""

    def __init__(
        self,
        *,
        repo: FeedsRepo,
        fetcher: FeedFetcher,
        parser: ParserPool,
        composer: PostComposer,
        clock: Clock,
        settings: GuildSettings,
        rng: random.Random,
        limits: FeedLimits,
    ) -> None:
        self.repo = repo
        self.fetcher = fetcher
        self.limits = limits
        self._parser = parser
        self._composer = composer
        self._clock = clock
        self._settings = settings
        self._rng = rng

    async def poll_safely(self, feed: FeedRow, poster: Poster) -> tuple[str, int]:
        """Poll the feed; an unexpected error counts as one failure of this feed only."""
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
        next_poll = self.next_poll(now, feed.interval_minutes)
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
            self._composer.outbox_entry(
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

    def next_poll(self, now: datetime, interval_minutes: int) -> datetime:
        """When to check a feed next: its interval, plus a little jitter."""
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
            f"for {failures} tries in a row: {as_sentence(reason)} Alongside keeps trying, less "
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
