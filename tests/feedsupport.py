"""Stand in for Discord when the feeds service posts, and wire a service for the tests."""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.app.services import Services
from bot.core.timeutil import ManualClock
from bot.feeds.fetch import FeedFetcher, FetchPolicy, user_agent
from bot.feeds.limits import FeedLimits
from bot.feeds.models import Post
from bot.feeds.netguard import AddressGuard, Lookup, system_lookup
from bot.feeds.outbox import PostError
from bot.feeds.service import FeedsService
from bot.feeds.topics import TopicMatcher
from tests.feedserver import FeedServer

GUILD = 111_111_111_111_111_111
CHANNEL = 222_222_222_222_222_222
MOD_CHANNEL = 333_333_333_333_333_333
MODERATOR = 444_444_444_444_444_444


@dataclass
class RecordingPoster:
    """Stands in for Discord in service tests, recording every request the service makes.

    With `honour_nonces`, a second send with a nonce already used returns the first message, as
    Discord does for `enforce_nonce` within its window; otherwise every send makes a message.
    """

    honour_nonces: bool = False
    history_visible: bool = True
    fail_with: PostError | None = None
    sends: list[tuple[int, Post, str]] = field(default_factory=list)
    messages: dict[int, tuple[int, Post, str]] = field(default_factory=dict)
    threads: list[tuple[int, int, Post]] = field(default_factory=list)
    notices: list[tuple[int, str]] = field(default_factory=list)
    _next_id: int = 1000

    @property
    def titles(self) -> list[str]:
        """Titles of the messages in the channel, in the order they appeared."""
        return [post.title for _, post, _ in self.messages.values()]

    async def send_post(self, channel_id: int, post: Post, nonce: str) -> int:
        self.sends.append((channel_id, post, nonce))
        if self.fail_with is not None:
            raise self.fail_with
        if self.honour_nonces:
            for message_id, (_, _, used) in self.messages.items():
                if used == nonce:
                    return message_id
        self._next_id += 1
        self.messages[self._next_id] = (channel_id, post, nonce)
        return self._next_id

    async def find_post(self, channel_id: int, post: Post) -> int | None:
        if not self.history_visible:
            return None
        for message_id, (channel, sent, _) in self.messages.items():
            if channel == channel_id and sent.title == post.title and sent.url == post.url:
                return message_id
        return None

    async def open_thread(self, channel_id: int, message_id: int, post: Post) -> None:
        self.threads.append((channel_id, message_id, post))

    async def send_notice(self, channel_id: int, text: str) -> bool:
        self.notices.append((channel_id, text))
        return True


def make_feeds(
    services: Services,
    *,
    allow_private: bool = True,
    trusted: Sequence[str] = (),
    lookup: Lookup | None = None,
    total_timeout: float = 2.0,
    concurrency: int = 8,
    limits: FeedLimits | None = None,
    seed: int = 7,
) -> FeedsService:
    """A feeds service on the test database, with short timeouts and a seeded jitter."""
    policy = FetchPolicy(
        user_agent=user_agent("test", services.config.contact_url),
        allow_private_hosts=allow_private,
        connect_timeout=1.0,
        total_timeout=total_timeout,
        concurrency=concurrency,
    )
    guard = AddressGuard(
        allow_private=allow_private, trusted=[ipaddress.ip_address(t) for t in trusted]
    )
    return FeedsService(
        db=services.db,
        clock=services.clock,
        settings=services.settings,
        fetcher=FeedFetcher(policy, guard, lookup or system_lookup),
        topics=TopicMatcher.from_data(services.config.data_dir),
        rng=random.Random(seed),
        limits=limits,
    )


async def add(feeds: FeedsService, server: FeedServer, path: str, **options: object) -> int:
    """Add the feed at `path` as a moderator would, into the test channel."""
    added = await feeds.add(
        guild_id=GUILD, actor_id=MODERATOR, url=server.url(path), channel_id=CHANNEL, **options
    )  # type: ignore[arg-type]
    return added.feed_id


async def next_poll(feeds: FeedsService, clock: ManualClock, poster: RecordingPoster) -> None:
    """Move past every feed's interval (15 min plus at most 10% jitter) and run the tick."""
    clock.advance(minutes=17)
    await feeds.run_due(poster)
