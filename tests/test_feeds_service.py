"""The feeds service against a real SQLite file and a real feed server on loopback."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from bot.errors import UserFacingError
from bot.feeds.limits import FeedLimits
from bot.feeds.outbox import PostError
from bot.feeds.select import make_nonce
from bot.feeds.service import FeedsService
from bot.services import Services
from bot.timeutil import ManualClock
from tests.feedserver import (
    BILLION_LAUGHS,
    HTML_PAGE,
    MALFORMED,
    FeedServer,
    RecordingPoster,
    atom,
    items,
    json_feed,
    make_feeds,
    rss1,
    rss2,
)

GUILD = 111_111_111_111_111_111
CHANNEL = 222_222_222_222_222_222
MOD_CHANNEL = 333_333_333_333_333_333
MODERATOR = 444_444_444_444_444_444


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


async def add(feeds: FeedsService, server: FeedServer, path: str, **options: object) -> int:
    added = await feeds.add(
        guild_id=GUILD, actor_id=MODERATOR, url=server.url(path), channel_id=CHANNEL, **options
    )  # type: ignore[arg-type]
    return added.feed_id


async def next_poll(feeds: FeedsService, clock: ManualClock, poster: RecordingPoster) -> None:
    """Move past every feed's interval (15 min plus at most 10% jitter) and run the tick."""
    clock.advance(minutes=17)
    await feeds.run_due(poster)


# Formats and first contact -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "content_type", "label"),
    [
        (rss2, "application/rss+xml", "RSS 2.0"),
        (atom, "application/atom+xml", "Atom 1.0"),
        (rss1, "application/rdf+xml", "RSS 1.0"),
        (json_feed, "application/feed+json", "JSON Feed 1.1"),
    ],
)
async def test_each_format_previews_its_newest_piece(
    feeds: FeedsService, server: FeedServer, build: object, content_type: str, label: str
) -> None:
    server.serve("/feed", build("Peer Voices", items(3)), content_type=content_type)  # type: ignore[operator]
    preview = await feeds.preview(server.url("/feed"))
    assert preview.feed_title == "Peer Voices"
    assert preview.format == label
    assert preview.item_count == 3
    assert preview.post is not None
    assert preview.post.title == "Piece 3"
    assert preview.post.url == "https://blog.example/posts/3"
    assert preview.post.description == "Summary of piece 3."


async def test_a_new_feed_posts_nothing_old_then_only_new_pieces_oldest_first(
    feeds: FeedsService, server: FeedServer, poster: RecordingPoster, clock: ManualClock
) -> None:
    server.serve("/feed", rss2("Blog", items(4)))
    added = await feeds.add(
        guild_id=GUILD, actor_id=MODERATOR, url=server.url("/feed"), channel_id=CHANNEL
    )
    assert (added.item_count, added.backfilled) == (4, 0)
    await next_poll(feeds, clock, poster)
    assert poster.sends == []

    server.serve("/feed", rss2("Blog", items(7)))
    await next_poll(feeds, clock, poster)
    assert poster.titles == ["Piece 5", "Piece 6", "Piece 7"]
    assert [post.question for _, _, post in poster.threads]  # each post got its thread
    assert len(poster.threads) == 3

    await next_poll(feeds, clock, poster)
    assert len(poster.sends) == 3  # nothing posted twice


async def test_backfill_posts_the_newest_few_oldest_first(
    feeds: FeedsService, server: FeedServer, poster: RecordingPoster
) -> None:
    server.serve("/feed", rss2("Blog", items(6)))
    await add(feeds, server, "/feed", backfill=2)
    await feeds.deliver(poster)
    assert poster.titles == ["Piece 5", "Piece 6"]


async def test_at_most_the_configured_number_post_per_poll(
    feeds: FeedsService,
    server: FeedServer,
    poster: RecordingPoster,
    clock: ManualClock,
    services: Services,
) -> None:
    await services.settings.set_many(GUILD, {"feeds_max_posts_per_poll": 2})
    server.serve("/feed", rss2("Blog", items(2)))
    await add(feeds, server, "/feed")
    server.serve("/feed", rss2("Blog", items(8)))
    await next_poll(feeds, clock, poster)
    assert poster.titles == ["Piece 7", "Piece 8"]


async def test_items_without_guids_are_told_apart_by_link(
    feeds: FeedsService, server: FeedServer, poster: RecordingPoster, clock: ManualClock
) -> None:
    server.serve("/feed", rss2("Blog", items(3, guid=False)))
    await add(feeds, server, "/feed")
    server.serve("/feed", rss2("Blog", items(4, guid=False)))
    await next_poll(feeds, clock, poster)
    server.serve("/feed", rss2("Blog", items(4, guid=False)) + b" ")  # new bytes, same items
    await next_poll(feeds, clock, poster)
    assert poster.titles == ["Piece 4"]


async def test_items_without_guid_or_link_are_told_apart_by_title_and_date(
    feeds: FeedsService, server: FeedServer, poster: RecordingPoster, clock: ManualClock
) -> None:
    def bare(count: int) -> list[dict[str, object]]:
        return [{**item, "guid": None, "link": None} for item in items(count)]

    server.serve("/feed", rss2("Blog", bare(2)))
    await add(feeds, server, "/feed")
    server.serve("/feed", rss2("Blog", bare(3)))
    await next_poll(feeds, clock, poster)
    server.serve("/feed", rss2("Blog", bare(3)) + b"\n")
    await next_poll(feeds, clock, poster)
    assert poster.titles == ["Piece 3"]
    assert poster.sends[0][1].url is None


async def test_guids_changing_from_http_to_https_repost_nothing(
    feeds: FeedsService, server: FeedServer, poster: RecordingPoster, clock: ManualClock
) -> None:
    server.serve("/feed", rss2("Blog", items(10, scheme="http")))
    await add(feeds, server, "/feed")
    server.serve("/feed", rss2("Blog", items(10, scheme="https")))
    await next_poll(feeds, clock, poster)
    assert poster.sends == []


async def test_a_feed_whose_every_id_changed_posts_at_most_three(
    feeds: FeedsService, server: FeedServer, poster: RecordingPoster, clock: ManualClock
) -> None:
    server.serve("/feed", rss2("Blog", items(10)))
    await add(feeds, server, "/feed")
    server.serve("/feed", rss2("Blog", items(10, host="new-platform.example")))
    await next_poll(feeds, clock, poster)
    assert poster.titles == ["Piece 8", "Piece 9", "Piece 10"]


async def test_not_modified_reposts_nothing_and_sends_validators(
    feeds: FeedsService, server: FeedServer, poster: RecordingPoster, clock: ManualClock
) -> None:
    server.serve("/feed", rss2("Blog", items(3)), validators=True)
    feed_id = await add(feeds, server, "/feed")
    await next_poll(feeds, clock, poster)
    await next_poll(feeds, clock, poster)
    conditional = server.hits("/feed")[1:]
    assert len(conditional) == 2
    for seen in conditional:
        assert seen.headers["If-None-Match"].startswith('"v')
        assert seen.headers["If-Modified-Since"] == "Sat, 10 Jan 2026 12:00:00 GMT"
    assert poster.sends == []
    [health] = await feeds.health(GUILD)
    assert health.status == "ok"
    assert health.feed.id == feed_id
    assert health.feed.last_fetch_at == clock.now()


async def test_requests_name_alongside_and_its_contact_address(
    feeds: FeedsService, server: FeedServer, services: Services
) -> None:
    server.serve("/feed", rss2("Blog", items(1)))
    await feeds.preview(server.url("/feed"))
    agent = server.hits("/feed")[0].headers["User-Agent"]
    assert agent.startswith("Alongside/")
    assert services.config.contact_url in agent
    assert server.hits("/feed")[0].headers["Accept-Encoding"] == "gzip, deflate"


# Failures -------------------------------------------------------------------------------------


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


# What a post says -----------------------------------------------------------------------------


HOSTILE_ITEM = {
    "title": "@everyone **Big** news <b>now</b> [click](javascript:alert(1))",
    "link": "javascript:alert(1)",
    "guid": "hostile-1",
    "summary": (
        '<script>alert("x")</script><style>p{}</style><p>Fish &amp; chips &mdash; '
        "<em>really</em> &#8220;good&#8221; *stars* @here ||spoiler|| `code`</p>"
        '<img src="https://tracker.example/p.gif" width="1" height="1">'
        '<img src="https://blog.example/photo.jpg" width="600">' + "<p>More words.</p>" * 200
    ),
    "date": None,
    "author": "Ana <ana@blog.example>",
}


async def test_summaries_are_plain_escaped_text_with_safe_links_and_a_real_image(
    feeds: FeedsService, server: FeedServer
) -> None:
    server.serve("/feed", rss2("Blog", [HOSTILE_ITEM]))
    preview = await feeds.preview(server.url("/feed"))
    post = preview.post
    assert post is not None
    assert post.url is None  # javascript: links are dropped
    assert post.image_url == "https://blog.example/photo.jpg"  # not the tracking pixel
    assert "script" not in post.description
    assert "alert" not in post.description
    assert "p{}" not in post.description
    assert post.description.startswith(
        "Fish & chips — really “good” \\*stars\\* @\u200bhere \\|\\|spoiler\\|\\| \\`code\\`\nMore"
    )
    shown = post.description.replace("\\", "")
    assert len(shown) <= 500
    assert shown.endswith("…")
    assert post.title.startswith("@\u200beveryone \\*\\*Big\\*\\* news")
    assert "\\[click\\]" in post.title
    assert "<" not in post.description.replace("\\<", "")


async def test_sensitive_pieces_get_a_content_note_and_a_hidden_summary(
    feeds: FeedsService, server: FeedServer, poster: RecordingPoster, clock: ManualClock
) -> None:
    heavy = {**items(1)[0], "title": "After my friend died by suicide", "guid": "heavy"}
    light = {**items(1)[0], "title": "Co-production in practice", "guid": "light"}
    server.serve("/feed", rss2("Blog", []))
    await add(feeds, server, "/feed")
    server.serve("/feed", rss2("Blog", [light, heavy]))
    await next_poll(feeds, clock, poster)
    by_title = {post.title: post for _, post, _ in poster.sends}
    noted = by_title["After my friend died by suicide"]
    assert noted.content_note == "suicide, death and bereavement"
    assert noted.description.startswith("||")
    assert noted.description.endswith("||")
    plain = by_title["Co-production in practice"]
    assert plain.content_note is None
    assert not plain.description.startswith("||")


@pytest.mark.parametrize(("mode", "expected"), [("never", None), ("always", "difficult")])
async def test_content_note_modes(
    feeds: FeedsService,
    server: FeedServer,
    poster: RecordingPoster,
    mode: str,
    expected: str | None,
) -> None:
    server.serve("/feed", rss2("Blog", items(1)))
    await add(feeds, server, "/feed", backfill=1, content_note_mode=mode)
    await feeds.deliver(poster)
    [(_, post, _)] = poster.sends
    if expected is None:
        assert post.content_note is None
    else:
        assert post.content_note is not None
        assert expected in post.content_note


async def test_keyword_filters_choose_what_is_posted(
    feeds: FeedsService, server: FeedServer, poster: RecordingPoster, clock: ManualClock
) -> None:
    def titled(*titles: str) -> list[dict[str, object]]:
        made = items(len(titles))
        return [{**item, "title": title} for item, title in zip(made, titles, strict=True)]

    server.serve("/feed", rss2("Blog", []))
    await add(feeds, server, "/feed", include=("peer support", "co-production"), exclude=("job",))
    server.serve(
        "/feed",
        rss2(
            "Blog",
            titled(
                "Peer support in crisis teams",
                "Recipes for winter",
                "Co-production that shares power",
                "Job: peer support worker",
            ),
        ),
    )
    await next_poll(feeds, clock, poster)
    assert sorted(poster.titles) == [
        "Co-production that shares power",
        "Peer support in crisis teams",
    ]


# Exactly once ----------------------------------------------------------------------------------


class Crash(BaseException):
    """Stands in for the process dying: nothing catches it."""


async def test_the_nonce_is_deterministic_and_fits_discord(
    feeds: FeedsService, server: FeedServer, poster: RecordingPoster
) -> None:
    server.serve("/feed", rss2("Blog", items(2)))
    feed_id = await add(feeds, server, "/feed", backfill=2)
    rows = await feeds.repo.outbox_for_feed(feed_id)
    for row in rows:
        assert len(row.nonce) <= 25
        assert row.nonce == make_nonce(CHANNEL, server.url("/feed"), row.item_key)
    assert len({row.nonce for row in rows}) == 2


async def test_crash_between_send_and_record_does_not_post_twice(
    feeds: FeedsService,
    server: FeedServer,
    poster: RecordingPoster,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server.serve("/feed", rss2("Blog", items(1)))
    feed_id = await add(feeds, server, "/feed", backfill=1)

    async def crash(*_: object) -> None:
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(feeds.repo, "record_sent", crash)
        with pytest.raises(Crash):
            await feeds.deliver(poster)
    [row] = await feeds.repo.outbox_for_feed(feed_id)
    assert row.message_id is None
    assert row.attempted_at is not None
    assert len(poster.messages) == 1  # Discord has the message; the database doesn't know

    await feeds.deliver(poster)  # the restart's pending-outbox step
    assert len(poster.messages) == 1
    assert len(poster.sends) == 1  # the post was found, not sent again
    [row] = await feeds.repo.outbox_for_feed(feed_id)
    assert row.message_id == next(iter(poster.messages))
    assert row.thread_done_at is not None


async def test_when_the_post_cannot_be_found_it_is_resent_with_the_same_nonce(
    feeds: FeedsService, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    discord_like = RecordingPoster(honour_nonces=True, history_visible=False)
    server.serve("/feed", rss2("Blog", items(1)))
    feed_id = await add(feeds, server, "/feed", backfill=1)

    async def crash(*_: object) -> None:
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(feeds.repo, "record_sent", crash)
        with pytest.raises(Crash):
            await feeds.deliver(discord_like)
    await feeds.deliver(discord_like)

    first, second = discord_like.sends
    assert first[2] == second[2]  # same nonce both times, so Discord returns the first message
    assert len(discord_like.messages) == 1
    [row] = await feeds.repo.outbox_for_feed(feed_id)
    assert row.message_id == next(iter(discord_like.messages))


async def test_a_post_that_never_left_is_sent_after_a_restart(
    feeds: FeedsService,
    server: FeedServer,
    poster: RecordingPoster,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server.serve("/feed", rss2("Blog", items(2)))
    feed_id = await add(feeds, server, "/feed", backfill=2)

    async def crash(*_: object) -> None:
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(poster, "send_post", crash)
        with pytest.raises(Crash):
            await feeds.deliver(poster)
    await feeds.deliver(poster)
    assert poster.titles == ["Piece 1", "Piece 2"]
    rows = await feeds.repo.outbox_for_feed(feed_id)
    assert all(row.message_id is not None and row.thread_done_at for row in rows)


async def test_a_channel_that_refuses_posts_is_given_up_on(
    feeds: FeedsService, server: FeedServer
) -> None:
    refused = RecordingPoster(fail_with=PostError("not allowed", permanent=True))
    server.serve("/feed", rss2("Blog", items(1)))
    feed_id = await add(feeds, server, "/feed", backfill=1)
    await feeds.deliver(refused)
    await feeds.deliver(refused)
    assert len(refused.sends) == 1
    [row] = await feeds.repo.outbox_for_feed(feed_id)
    assert row.gave_up_at is not None
    assert row.last_error == "not allowed"


# Moderator actions -----------------------------------------------------------------------------


async def test_add_refuses_duplicates_bad_addresses_and_short_intervals(
    feeds: FeedsService, server: FeedServer
) -> None:
    server.serve("/feed", rss2("Blog", items(1)))
    await add(feeds, server, "/feed")
    with pytest.raises(UserFacingError, match="already posts to that channel"):
        await add(feeds, server, "/feed")
    with pytest.raises(UserFacingError, match="doesn't look like a web address"):
        await feeds.add(guild_id=GUILD, actor_id=1, url="ftp://x y", channel_id=CHANNEL)
    with pytest.raises(UserFacingError, match="from 5 to 1440 minutes"):
        await add(feeds, server, "/other", interval_minutes=2)
    assert len(await feeds.health(GUILD)) == 1


async def test_paused_feeds_are_not_polled_and_resume_soon(
    feeds: FeedsService, server: FeedServer, poster: RecordingPoster, clock: ManualClock
) -> None:
    server.serve("/feed", rss2("Blog", items(1)))
    feed_id = await add(feeds, server, "/feed")
    await feeds.set_paused(GUILD, feed_id, True)
    await next_poll(feeds, clock, poster)
    assert len(server.hits("/feed")) == 1
    [health] = await feeds.health(GUILD)
    assert health.status == "paused"
    await feeds.set_paused(GUILD, feed_id, False)
    await feeds.run_due(poster)
    assert len(server.hits("/feed")) == 2


async def test_feeds_belong_to_their_server(feeds: FeedsService, server: FeedServer) -> None:
    server.serve("/feed", rss2("Blog", items(1)))
    feed_id = await add(feeds, server, "/feed")
    with pytest.raises(UserFacingError, match=f"no feed #{feed_id} in this server"):
        await feeds.remove(GUILD + 1, feed_id)
    assert len(await feeds.health(GUILD)) == 1


async def test_concurrency_is_bounded(
    services: Services, server: FeedServer, poster: RecordingPoster, clock: ManualClock
) -> None:
    feeds = make_feeds(services, concurrency=3)
    try:
        for number in range(9):
            server.serve(f"/f{number}", rss2("Blog", items(1)))
            await add(feeds, server, f"/f{number}")
            server.serve(f"/f{number}", rss2("Blog", items(1)), delay=0.05)
        server.most_in_flight = 0
        await next_poll(feeds, clock, poster)
        assert server.most_in_flight == 3
    finally:
        await feeds.close()


async def test_relative_links_and_images_resolve_against_the_feed_address(
    feeds: FeedsService, server: FeedServer
) -> None:
    relative = {
        **items(1)[0],
        "link": "/posts/relative",
        "summary": '<p>Text</p><img src="/images/picture.jpg">',
    }
    server.serve("/blog/feed", rss2("Blog", [relative]))
    preview = await feeds.preview(server.url("/blog/feed"))
    assert preview.post is not None
    assert preview.post.url == server.url("/posts/relative")
    assert preview.post.image_url == server.url("/images/picture.jpg")
