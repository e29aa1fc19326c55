"""`/mod feeds …` and feed posts, through the real bot in SimCord, with a real feed server."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest
import simcord

from bot.app.services import Services, build_services
from bot.core.config import Settings
from bot.core.timeutil import ManualClock
from bot.db import Database
from cogs.feeds._cog import Feeds
from tests.conftest import World
from tests.discord_markdown import live_markup, visible
from tests.feedbuild import HTML_PAGE, items, rss2
from tests.feedserver import FeedServer
from tests.feedsupport import make_feeds


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.about", "cogs.mod", "cogs.feeds")


@pytest.fixture
async def services(settings: Settings, db: Database, clock: ManualClock) -> AsyncIterator[Services]:
    built = build_services(settings, db, clock, rng=random.Random(11), secure_rng=random.Random(12))
    built.feeds = make_feeds(built)  # the feed server is on loopback
    yield built
    await built.feeds.close()


@pytest.fixture
async def server() -> AsyncIterator[FeedServer]:
    async with FeedServer.running() as running:
        yield running


def feed_posts(channel: simcord.ChannelHandle) -> list[discord.Message]:
    """Messages in a channel that are feed posts (not Discord's "started a thread" notes)."""
    return [message for message in channel.history() if message.embeds]


def cog(world: World) -> Feeds:
    found = world.bot.get_cog("Feeds")
    assert isinstance(found, Feeds)
    return found


def posts_to(world: World, channel_id: int) -> list[dict[str, Any]]:
    """The bodies of every message the bot sent to a channel (not interaction replies)."""
    return [
        entry.json
        for entry in world.env.http_requests
        if entry.method == "POST" and entry.path == f"/channels/{channel_id}/messages"
    ]


async def add_feed(world: World, server: FeedServer, **options: Any) -> str:
    result = await world.moderator.slash(
        world.general,
        "mod feeds add",
        url=server.url("/feed"),
        channel=world.general,
        **options,
    )
    assert result.ephemeral
    return str(result.followups[0].content if result.followups else result.response.content)


async def test_a_new_feed_posts_nothing_old_then_each_new_piece_with_a_thread(
    world: World, server: FeedServer, clock: ManualClock
) -> None:
    server.serve("/feed", rss2("Peer Voices", items(3)))
    reply = await add_feed(world, server)
    assert "Added **Peer Voices** (feed #1). It has 3 pieces" in reply
    assert "Nothing already there will be posted" in reply
    assert feed_posts(world.general) == []

    server.serve("/feed", rss2("Peer Voices", items(4)))
    clock.advance(minutes=17)
    await cog(world).tick()

    [message] = feed_posts(world.general)
    embed = message.embeds[0]
    assert embed.title == "Piece 4"
    assert embed.url == "https://blog.example/posts/4"
    assert embed.description == "Summary of piece 4."
    assert embed.author.name == "Sam Writer"
    assert embed.footer.text == "From Peer Voices"
    assert message.content == ""
    [thread] = world.general.threads
    assert thread.name == "Piece 4"
    [question] = thread.history()
    assert question.content.endswith("?")

    clock.advance(minutes=17)
    await cog(world).tick()
    assert len(feed_posts(world.general)) == 1


async def test_only_the_chosen_role_is_pinged_and_a_title_cannot_ping_everyone(
    world: World, server: FeedServer
) -> None:
    readers = world.guild.create_role("Blog readers", mentionable=True)
    loud = {**items(1)[0], "title": "@everyone read this <@&1> now"}
    server.serve("/feed", rss2("Blog", [loud]))
    await add_feed(world, server, mention_role=readers, backfill=1)

    [body] = posts_to(world, world.general.id)
    assert body["content"] == f"<@&{readers.id}>"
    assert body["allowed_mentions"]["parse"] == []
    assert [int(r) for r in body["allowed_mentions"]["roles"]] == [readers.id]
    assert body["embeds"][0]["title"] == "@\u200beveryone read this \\<@&1\\> now"
    assert len(body["nonce"]) <= 25
    assert body["enforce_nonce"] is True


async def test_a_sensitive_piece_has_a_content_note_and_a_hidden_summary(
    world: World, server: FeedServer
) -> None:
    heavy = {**items(1)[0], "title": "Restraint on the ward", "summary": "<p>What I saw.</p>"}
    server.serve("/feed", rss2("Blog", [heavy]))
    await add_feed(world, server, backfill=1)
    [message] = feed_posts(world.general)
    assert message.content.startswith("**Content note:** restraint and seclusion.")
    assert message.embeds[0].description == "||What I saw.||"


async def test_test_shows_a_private_preview_and_posts_nothing(
    world: World, server: FeedServer
) -> None:
    server.serve("/feed", rss2("Peer Voices", items(2)))
    result = await world.moderator.slash(world.general, "mod feeds test", url=server.url("/feed"))
    assert result.ephemeral
    reply = result.followups[0] if result.followups else result.response
    assert "working RSS 2.0 feed with 2 pieces" in reply.content
    assert "nothing was posted" in reply.content
    assert reply.embeds[0].title == "Piece 2"
    assert feed_posts(world.general) == []
    assert await world.services.feeds.health(world.guild.id) == []


async def test_a_web_page_is_explained_and_not_added(world: World, server: FeedServer) -> None:
    server.serve("/feed", HTML_PAGE, content_type="text/html")
    reply = await add_feed(world, server)
    assert "couldn't read that feed: that address is a web page, not a feed" in reply
    assert "https://blog.example/feed.xml" in reply
    assert await world.services.feeds.health(world.guild.id) == []


async def test_post_latest_posts_the_newest_piece_now(world: World, server: FeedServer) -> None:
    server.serve("/feed", rss2("Blog", items(3)))
    await add_feed(world, server)
    result = await world.moderator.slash(world.general, "mod feeds post-latest", feed=1)
    assert result.ephemeral
    [message] = feed_posts(world.general)
    assert message.embeds[0].title == "Piece 3"
    assert len(world.general.threads) == 1


async def test_list_pause_resume_filters_and_remove(world: World, server: FeedServer) -> None:
    server.serve("/feed", rss2("Peer Voices", items(1)))
    await add_feed(world, server, interval=30, include="peer support, lived experience")

    listed = await world.moderator.slash(world.general, "mod feeds list")
    text = listed.response.embeds[0].description
    assert "**#1 · Peer Voices** — working" in text
    assert "every 30 min" in text
    assert "only pieces mentioning peer support, lived experience" in text

    await world.moderator.slash(world.general, "mod feeds pause", feed=1)
    listed = await world.moderator.slash(world.general, "mod feeds list")
    assert "— paused" in listed.response.embeds[0].description

    await world.moderator.slash(world.general, "mod feeds resume", feed=1)
    filters = await world.moderator.slash(
        world.general, "mod feeds filters", feed=1, include="none", exclude="jobs"
    )
    assert "mentioning anything, except those mentioning jobs" in filters.response.content

    choices = await world.moderator.autocomplete(world.general, "mod feeds remove", "feed", "peer")
    assert [c["value"] for c in choices] == [1]
    removed = await world.moderator.slash(world.general, "mod feeds remove", feed=1)
    assert "Removed **Peer Voices**" in removed.response.content
    assert await world.services.feeds.health(world.guild.id) == []

    log = await world.moderator.slash(world.general, "mod log")
    actions = log.response.embeds[0].description
    for action in ("feeds.add", "feeds.pause", "feeds.resume", "feeds.filters", "feeds.remove"):
        assert action in actions


async def test_a_failing_feed_is_shown_and_moderators_hear_once_then_of_recovery(
    world: World, server: FeedServer, clock: ManualClock
) -> None:
    await world.services.settings.set_many(world.guild.id, {"mod_channel": world.mod_channel.id})
    server.serve("/feed", rss2("Peer Voices", items(1)))
    await add_feed(world, server)
    server.serve("/feed", b"", status=500)

    async def poll_when_due() -> None:
        [health] = await world.services.feeds.health(world.guild.id)
        clock.set(health.feed.next_poll_at)
        await cog(world).tick()

    for _ in range(6):
        await poll_when_due()
    [notice] = world.mod_channel.history()
    assert "**Peer Voices** (#1) hasn't worked for 5 tries in a row" in notice.content
    assert "(HTTP 500)" in notice.content
    listed = await world.moderator.slash(world.general, "mod feeds list")
    text = listed.response.embeds[0].description
    assert "— failing" in text
    assert "Failed 6 times in a row" in text

    server.serve("/feed", rss2("Peer Voices", items(1)))
    await poll_when_due()
    await poll_when_due()
    notices = world.mod_channel.history()
    assert len(notices) == 2
    assert "is working again" in notices[1].content


async def test_commands_keep_working_while_a_feed_is_slow(
    world: World, server: FeedServer, clock: ManualClock
) -> None:
    server.serve("/feed", rss2("Peer Voices", items(1)))
    await add_feed(world, server)
    server.slow_drip("/feed")
    clock.advance(minutes=17)
    polling = asyncio.create_task(cog(world).tick())
    await asyncio.sleep(0.1)
    listed = await world.moderator.slash(world.general, "mod feeds list")
    assert "Peer Voices" in listed.response.embeds[0].description
    assert not polling.done()
    await polling
    [health] = await world.services.feeds.health(world.guild.id)
    assert "didn't finish answering" in health.feed.last_error


class Crash(BaseException):
    """Stands in for the process dying between Discord's answer and the database write."""


async def test_a_crash_between_send_and_record_leaves_one_post(
    world: World, server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    feeds = world.services.feeds
    server.serve("/feed", rss2("Blog", items(1)))
    added = await feeds.add(
        guild_id=world.guild.id,
        actor_id=world.moderator.id,
        url=server.url("/feed"),
        channel_id=world.general.id,
        backfill=1,
    )
    [row] = await feeds.repo.outbox_for_feed(added.feed_id)

    async def crash(*_: object) -> None:
        raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(feeds.repo, "record_sent", crash)
        with pytest.raises(Crash):
            await feeds.deliver(cog(world).poster)
    assert len(feed_posts(world.general)) == 1  # Discord has it; the database does not

    # The restart: a fresh service with nothing in memory resumes from the outbox alone.
    restarted = make_feeds(world.services)
    try:
        await restarted.deliver(cog(world).poster)
    finally:
        await restarted.close()

    [message] = feed_posts(world.general)
    [sent] = posts_to(world, world.general.id)
    assert sent["nonce"] == row.nonce
    assert sent["enforce_nonce"] is True
    [row] = await feeds.repo.outbox_for_feed(added.feed_id)
    assert row.message_id == message.id
    assert len(world.general.threads) == 1


async def test_a_member_cannot_add_a_feed_even_with_the_command_shown(
    world: World, server: FeedServer
) -> None:
    server.serve("/feed", rss2("Blog", items(1)))
    world.open_mod_commands_to_everyone()
    result = await world.member.slash(
        world.general, "mod feeds add", url=server.url("/feed"), channel=world.general
    )
    assert result.ephemeral
    assert "Only moderators can use this" in result.response.content
    assert server.requests == []
    assert await world.services.feeds.health(world.guild.id) == []


async def test_everyone_cannot_be_the_mention_role(world: World, server: FeedServer) -> None:
    server.serve("/feed", rss2("Blog", items(1)))
    reply = await add_feed(world, server, mention_role=world.guild.default_role)
    assert "can't ping @everyone" in reply
    assert server.requests == []


def test_feed_embeds_stay_within_discord_limits() -> None:
    from bot.feeds.models import Post
    from cogs.feeds._render import render_post

    post = Post(
        feed_title="F" * 200,
        title="*" * 256,
        url="https://blog.example/x",
        author="A" * 256,
        published=None,
        description="||" + "x" * 1000 + "||",
        image_url=None,
        content_note="suicide",
        mention_role_id=None,
        thread_name="t",
        question="?",
    )
    _, embed, mentions = render_post(post)
    assert len(embed) <= 6000
    assert mentions.to_dict()["parse"] == []
    assert isinstance(embed, discord.Embed)


async def test_an_address_with_an_impossible_host_is_explained_kindly(world: World) -> None:
    result = await world.moderator.slash(
        world.general, "mod feeds add", url="åß∂ƒ©˙∆˚¬…æ", channel=world.general
    )
    assert result.ephemeral
    said = result.followups[-1].content if result.followups else result.response.content
    assert "doesn't look like a web address" in said
    assert "went wrong" not in said


async def test_filter_words_are_shown_as_words(world: World, server: FeedServer) -> None:
    server.serve("/feed", rss2("Peer Voices", items(1)))
    await add_feed(world, server)
    words = "<@&444444444444444444>, [help](https://evil.example/x), @everyone"
    filters = await world.moderator.slash(
        world.general, "mod feeds filters", feed=1, include=words, exclude="<#333333333333333333>"
    )
    said = filters.response.content
    assert live_markup(said) == []
    assert words in visible(said) and "<#333333333333333333>" in visible(said)
    listed = await world.moderator.slash(world.general, "mod feeds list")
    text = listed.response.embeds[0].description
    [line] = [line for line in text.splitlines() if line.startswith("Filters:")]
    assert live_markup(line) == []
    assert words in visible(line)
