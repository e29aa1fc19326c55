"""Feed posts a channel refuses wait, moderators hear once, and delivery resumes in order."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import discord
import pytest
import simcord
from simcord.backend.models import Overwrite
from simcord.enums import OverwriteType

from bot.app.services import Services, build_services
from bot.core.config import Settings
from bot.core.timeutil import ManualClock
from bot.db import Database
from cogs.feeds._cog import Feeds
from tests.conftest import World
from tests.feedbuild import items, rss2
from tests.feedserver import FeedServer
from tests.feedsupport import make_feeds


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.about", "cogs.mod", "cogs.feeds")


@pytest.fixture
async def services(settings: Settings, db: Database, clock: ManualClock) -> AsyncIterator[Services]:
    built = build_services(settings, db, clock)
    built.feeds = make_feeds(built)  # the feed server is on loopback
    yield built
    await built.feeds.close()


@pytest.fixture
async def server() -> AsyncIterator[FeedServer]:
    async with FeedServer.running() as running:
        yield running


def feed_posts(channel: simcord.ChannelHandle) -> list[str]:
    """The titles of the feed posts in a channel, oldest first."""
    return [m.embeds[0].title or "" for m in channel.history() if m.embeds]


def deny_bot(world: World, channel: simcord.ChannelHandle, **denied: bool) -> None:
    """Do what a moderator does in Edit Channel → Permissions: take something from Alongside."""
    bot_id = world.env.backend.bot_user.id
    deny = discord.Permissions(**denied).value
    overwrite = Overwrite(target_id=bot_id, type=OverwriteType.MEMBER, allow=0, deny=deny)
    world.env.backend.set_overwrite(channel.id, overwrite)


def restore_bot(world: World, channel: simcord.ChannelHandle) -> None:
    """Give back what `deny_bot` took."""
    world.env.backend.delete_overwrite(channel.id, world.env.backend.bot_user.id)


async def add_feed(world: World, server: FeedServer, **options: Any) -> str:
    result = await world.moderator.slash(
        world.general, "mod feeds add", url=server.url("/feed"), channel=world.general, **options
    )
    assert result.ephemeral
    return str(result.followups[0].content if result.followups else result.response.content)


async def poll_when_due(world: World, clock: ManualClock) -> None:
    [health] = await world.services.feeds.health(world.guild.id)
    clock.set(health.feed.next_poll_at)
    cog = world.bot.get_cog("Feeds")
    assert isinstance(cog, Feeds)
    await cog.tick()


@pytest.mark.parametrize("denied", ["send_messages", "view_channel", "create_public_threads"])
async def test_posts_a_channel_refuses_wait_and_go_out_in_order_once_it_is_fixed(
    world: World, server: FeedServer, clock: ManualClock, denied: str
) -> None:
    await world.services.settings.set_many(world.guild.id, {"mod_channel": world.mod_channel.id})
    server.serve("/feed", rss2("Peer Voices", items(1)))
    await add_feed(world, server)
    deny_bot(world, world.general, **{denied: True})

    server.serve("/feed", rss2("Peer Voices", items(3)))
    await poll_when_due(world, clock)
    server.serve("/feed", rss2("Peer Voices", items(4)))
    await poll_when_due(world, clock)
    await poll_when_due(world, clock)

    kept = await world.services.feeds.repo.outbox_for_feed(1)
    assert [row.gave_up_at for row in kept] == [None, None, None]
    assert all(row.thread_done_at is None for row in kept)
    [notice] = world.mod_channel.history()
    word = {"send_messages": "Send Messages", "view_channel": "View Channel"}.get(
        denied, "Create Public Threads"
    )
    assert f"can't be posted in <#{world.general.id}>" in notice.content
    assert word in notice.content
    assert "They are kept" in notice.content
    listed = await world.moderator.slash(world.general, "mod feeds list")
    assert "Not delivering: Alongside is missing " in listed.response.embeds[0].description

    restore_bot(world, world.general)
    await poll_when_due(world, clock)

    assert feed_posts(world.general) == ["Piece 2", "Piece 3", "Piece 4"]
    assert sorted(t.name for t in world.general.threads) == ["Piece 2", "Piece 3", "Piece 4"]
    notices = world.mod_channel.history()
    assert len(notices) == 2
    assert "is posting in" in notices[1].content and "again" in notices[1].content
    listed = await world.moderator.slash(world.general, "mod feeds list")
    assert "Not delivering" not in listed.response.embeds[0].description
    await poll_when_due(world, clock)
    assert feed_posts(world.general) == ["Piece 2", "Piece 3", "Piece 4"]


async def test_a_deleted_channel_keeps_the_posts_and_moderators_hear_once(
    world: World, server: FeedServer, clock: ManualClock
) -> None:
    await world.services.settings.set_many(world.guild.id, {"mod_channel": world.mod_channel.id})
    gone = world.guild.create_text_channel("blog")
    server.serve("/feed", rss2("Peer Voices", items(1)))
    result = await world.moderator.slash(
        world.general, "mod feeds add", url=server.url("/feed"), channel=gone
    )
    reply = result.followups[0].content if result.followups else result.response.content
    assert "Added" in str(reply), reply
    world.env.backend.delete_channel(gone.id)

    server.serve("/feed", rss2("Peer Voices", items(2)))
    await poll_when_due(world, clock)
    await poll_when_due(world, clock)

    [row] = await world.services.feeds.repo.outbox_for_feed(1)
    assert row.gave_up_at is None and row.message_id is None
    [notice] = world.mod_channel.history()
    assert "the channel no longer exists" in notice.content


async def test_a_role_nobody_can_ping_is_refused_with_the_reason(
    world: World, server: FeedServer
) -> None:
    quiet = world.guild.create_role("Blog readers")  # Discord's default: not mentionable
    server.serve("/feed", rss2("Blog", items(1)))
    reply = await add_feed(world, server, mention_role=quiet)
    assert "isn't mentionable, so each post would ping nobody" in reply
    assert "Allow anyone to @mention this role" in reply
    assert await world.services.feeds.health(world.guild.id) == []


async def test_moderators_hear_once_when_the_role_stops_being_mentionable(
    world: World, server: FeedServer, clock: ManualClock
) -> None:
    await world.services.settings.set_many(world.guild.id, {"mod_channel": world.mod_channel.id})
    readers = world.guild.create_role("Blog readers", mentionable=True)
    server.serve("/feed", rss2("Blog", items(1)))
    assert "Added" in await add_feed(world, server, mention_role=readers)
    world.env.backend.edit_role(world.guild.id, readers.id, {"mentionable": False})

    for count in (2, 3):
        server.serve("/feed", rss2("Blog", items(count)))
        await poll_when_due(world, clock)

    assert feed_posts(world.general) == ["Piece 2", "Piece 3"]
    [notice] = world.mod_channel.history()
    assert "isn't mentionable any more, so nobody is pinged" in notice.content
