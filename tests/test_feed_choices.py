"""Moderators choose feeds by title, channel and address, never by number; replies sized
by stored filters fit Discord."""

from __future__ import annotations

from tests import test_feeds_commands as base
from tests.conftest import World
from tests.feedbuild import items, rss2
from tests.feedserver import FeedServer

extensions, services, server = base.extensions, base.services, base.server  # fixtures

COMMANDS = ("remove", "pause", "resume", "post-latest", "filters")
LONG = "/blog/" + "category/" * 12


async def test_two_feeds_from_one_blog_are_told_apart_by_channel_and_address(
    world: World, server: FeedServer
) -> None:
    news = world.guild.create_text_channel("news")
    server.serve(LONG + "peer-support/feed", rss2("Peer Voices", items(1)))
    server.serve(LONG + "jobs/feed", rss2("Peer Voices", items(1)))
    for path, channel in ((LONG + "peer-support/feed", world.general), (LONG + "jobs/feed", news)):
        added = await world.moderator.slash(
            world.general, "mod feeds add", url=server.url(path), channel=channel
        )
        assert added.ephemeral
    for command in COMMANDS:
        shown = await world.moderator.autocomplete(
            world.general, f"mod feeds {command}", "feed", ""
        )
        names = [c["name"] for c in shown]
        assert len(names) == 2 and len(set(names)) == 2, names
        assert all(len(name) <= 100 and name.startswith("Peer Voices · #") for name in names)
        assert any("#general" in n and n.endswith("peer-support/feed") for n in names), names
        assert any("#news" in n and n.endswith("jobs/feed") for n in names), names
    by_channel = await world.moderator.autocomplete(
        world.general, "mod feeds remove", "feed", "news"
    )
    by_address = await world.moderator.autocomplete(
        world.general, "mod feeds remove", "feed", "peer-support"
    )
    by_title = await world.moderator.autocomplete(
        world.general, "mod feeds remove", "feed", "voices"
    )
    assert [c["value"] for c in by_channel] == [2]
    assert [c["value"] for c in by_address] == [1]
    assert sorted(c["value"] for c in by_title) == [1, 2]
    removed = await world.moderator.slash(
        world.general, "mod feeds remove", feed=by_channel[0]["value"]
    )
    assert "Removed **Peer Voices**" in removed.response.content
    [left] = await world.services.feeds.health(world.guild.id)
    assert left.feed.channel_id == world.general.id


async def test_the_longest_filters_are_confirmed_within_discords_limit(
    world: World, server: FeedServer
) -> None:
    server.serve("/feed", rss2("Peer Voices", items(1)))
    await world.moderator.slash(
        world.general, "mod feeds add", url=server.url("/feed"), channel=world.general
    )
    # 20 keywords of Markdown characters: each doubles when escaped for display.
    include = ",".join("*" * 23 + chr(97 + n) for n in range(20))
    exclude = ",".join("_" * 23 + chr(97 + n) for n in range(20))
    assert len(include) <= 500 and len(exclude) <= 500
    result = await world.moderator.slash(
        world.general, "mod feeds filters", feed=1, include=include, exclude=exclude
    )
    assert result.ephemeral
    assert result.response.content.startswith("Feed #1 posts pieces mentioning")
    assert len(result.response.content) <= 2000
    [health] = await world.services.feeds.health(world.guild.id)
    assert len(health.feed.include_words) == 20 and len(health.feed.exclude_words) == 20
