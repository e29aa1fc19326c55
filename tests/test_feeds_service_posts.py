"""What the feeds service posts, and that it posts each piece exactly once."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app.services import Services
from bot.core.timeutil import ManualClock
from bot.feeds.outbox import PostError
from bot.feeds.select import make_nonce
from bot.feeds.service import FeedsService
from tests.feedbuild import items, rss2
from tests.feedserver import FeedServer
from tests.feedsupport import CHANNEL, RecordingPoster, add, make_feeds, next_poll


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
