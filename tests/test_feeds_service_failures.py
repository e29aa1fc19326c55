"""The feeds service when feeds fail: clear reasons, backing off, telling moderators once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.app.services import Services
from bot.core.errors import UserFacingError
from bot.core.timeutil import ManualClock
from bot.feeds.limits import FeedLimits
from bot.feeds.service import FeedsService
from tests.feedbuild import BILLION_LAUGHS, HTML_PAGE, MALFORMED, items, rss2
from tests.feedserver import FeedServer
from tests.feedsupport import GUILD, MOD_CHANNEL, RecordingPoster, add, make_feeds, next_poll


@pytest.fixture
async def server() -> AsyncIterator[FeedServer]:
    async with FeedServer.running() as running:
        yield running


@pytest.fixture
async def feeds(services: Services) -> AsyncIterator[FeedsService]:
    service = make_feeds(services)
    yield service
    await service.close()


@pytest.fixture
def poster() -> RecordingPoster:
    return RecordingPoster()


def hostile(server: FeedServer, case: str) -> str:
    path = f"/{case}"
    if case == "error-500":
        server.serve(path, b"oops", status=500, content_type="text/plain")
    elif case == "no-answer":
        server.serve(path, rss2("Blog", items(1)), delay=5)
    elif case == "slow-drip":
        server.slow_drip(path)
    elif case == "six-mib":
        server.huge(path)
    elif case == "six-mib-declared":
        server.huge(path, declare_length=True)
    elif case == "gzip-bomb":
        server.gzip_bomb(path)
    elif case == "billion-laughs":
        server.serve(path, BILLION_LAUGHS)
    elif case == "malformed":
        server.serve(path, MALFORMED)
    elif case == "html-page":
        server.serve(path, HTML_PAGE, content_type="text/html")
    return path


HOSTILE = {
    "error-500": "the site answered with an error (HTTP 500)",
    "no-answer": "the site didn't finish answering within 1 seconds",
    "slow-drip": "the site didn't finish answering within 1 seconds",
    "six-mib": "the feed is larger than 5 MiB",
    "six-mib-declared": "the feed is larger than 5 MiB",
    "gzip-bomb": "the feed unpacks to more than 5 MiB",
    "billion-laughs": "the feed declares XML entities",
    "malformed": "the feed's XML is broken",
    "html-page": "that address is a web page, not a feed. The page points to a feed at "
    "https://blog.example/feed.xml",
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
async def test_each_bad_feed_ends_in_a_clear_failure_and_the_loop_stays_free(
    services: Services, server: FeedServer, poster: RecordingPoster, clock: ManualClock, case: str
) -> None:
    feeds = make_feeds(services, total_timeout=1.0)
    try:
        server.serve("/feed", rss2("Blog", items(2)))
        feed_id = await add(feeds, server, "/feed")
        server.routes["/feed"] = server.routes[hostile(server, case)]

        clock.advance(minutes=17)
        polling = asyncio.create_task(feeds.run_due(poster))
        # While the feed is being fetched and read, the event loop keeps serving other work.
        beats = 0
        while not polling.done():
            await asyncio.sleep(0.01)
            beats += 1
            assert await feeds.health(GUILD)
        report = await polling

        assert report.failed == 1
        [health] = await feeds.health(GUILD)
        assert health.status == "retrying"
        assert health.feed.consecutive_failures == 1
        assert health.feed.last_error.startswith(HOSTILE[case])
        assert health.feed.next_poll_at > clock.now() + timedelta(minutes=15)
        assert poster.sends == []
        with pytest.raises(UserFacingError, match="couldn't read that feed"):
            await feeds.post_latest(GUILD, feed_id, poster)
    finally:
        await feeds.close()


async def test_a_slow_parse_is_cut_off(
    services: Services, server: FeedServer, poster: RecordingPoster, clock: ManualClock
) -> None:
    feeds = make_feeds(services, limits=FeedLimits(parse_timeout=0.01))
    try:
        server.serve("/big", rss2("Blog", items(3000)))
        with pytest.raises(UserFacingError, match=r"reading the feed took longer than 0\.01"):
            await feeds.preview(server.url("/big"))
    finally:
        await feeds.close()


async def test_failures_back_off_exponentially_with_jitter(
    feeds: FeedsService, server: FeedServer, poster: RecordingPoster, clock: ManualClock
) -> None:
    server.serve("/feed", rss2("Blog", items(1)))
    await add(feeds, server, "/feed")
    server.serve("/feed", b"", status=500)
    waits = []
    for _ in range(4):
        [before] = await feeds.health(GUILD)
        clock.set(before.feed.next_poll_at)
        await feeds.run_due(poster)
        [after] = await feeds.health(GUILD)
        waits.append((after.feed.next_poll_at - clock.now()) / timedelta(minutes=1))
    for number, wait in enumerate(waits):
        base = 15 * 2**number
        assert base <= wait <= base * 1.1


async def test_retry_after_is_honoured(
    feeds: FeedsService, server: FeedServer, poster: RecordingPoster, clock: ManualClock
) -> None:
    server.serve("/feed", rss2("Blog", items(1)))
    await add(feeds, server, "/feed")
    server.serve("/feed", b"busy", status=429, headers={"Retry-After": "7200"})
    await next_poll(feeds, clock, poster)
    [health] = await feeds.health(GUILD)
    assert "asked Alongside to wait (HTTP 429)" in health.feed.last_error
    assert health.feed.next_poll_at >= clock.now() + timedelta(hours=2)


async def test_moderators_hear_once_when_a_feed_keeps_failing_and_once_when_it_recovers(
    feeds: FeedsService,
    server: FeedServer,
    poster: RecordingPoster,
    clock: ManualClock,
    services: Services,
) -> None:
    await services.settings.set_many(GUILD, {"mod_channel": MOD_CHANNEL})
    server.serve("/feed", rss2("Blog", items(1)))
    await add(feeds, server, "/feed")
    server.serve("/feed", b"", status=500)

    async def poll_when_due() -> None:
        [health] = await feeds.health(GUILD)
        clock.set(health.feed.next_poll_at)
        await feeds.run_due(poster)

    for _ in range(4):
        await poll_when_due()
    assert poster.notices == []
    [health] = await feeds.health(GUILD)
    assert health.status == "retrying"

    for _ in range(3):
        await poll_when_due()
    [health] = await feeds.health(GUILD)
    assert health.status == "failing"
    assert health.feed.consecutive_failures == 7
    [(channel, text)] = poster.notices
    assert channel == MOD_CHANNEL
    assert "hasn't worked for 5 tries in a row" in text
    assert "HTTP 500" in text

    server.serve("/feed", rss2("Blog", items(1)))
    await poll_when_due()
    await poll_when_due()
    assert len(poster.notices) == 2
    assert "is working again" in poster.notices[1][1]
    [health] = await feeds.health(GUILD)
    assert health.status == "ok"
