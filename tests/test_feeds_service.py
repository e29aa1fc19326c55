"""The feeds service against a real SQLite file and a real feed server on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app.services import Services
from bot.core.errors import UserFacingError
from bot.core.timeutil import ManualClock
from bot.feeds.service import FeedsService
from tests.feedbuild import atom, items, json_feed, rss1, rss2
from tests.feedserver import FeedServer
from tests.feedsupport import CHANNEL, GUILD, MODERATOR, RecordingPoster, add, make_feeds, next_poll


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
