"""Support requests end to end: consent to share a name, claim by an available peer, timeout."""

from __future__ import annotations

import pytest
import simcord

from bot.app.client import Alongside
from bot.checkins.settings import REQUEST_TIMEOUT, SUPPORT_CHANNEL
from cogs.checkin._cog import Checkins
from tests.conftest import World


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.about", "cogs.support", "cogs.mod", "cogs.checkin")


@pytest.fixture
async def peer_support(world: World) -> simcord.ChannelHandle:
    channel = world.guild.create_text_channel("peer-support")
    await world.services.settings.set_many(
        world.guild.id, {SUPPORT_CHANNEL: channel.id, REQUEST_TIMEOUT: 12}
    )
    return channel


def jobs(world: World) -> Checkins:
    cog = world.bot.get_cog("Checkins")
    assert isinstance(cog, Checkins)
    return cog


async def ask(world: World, channel: simcord.ChannelHandle) -> None:
    """The member asks: consent to check-ins, then consent to share their name."""
    first = await world.member.slash(world.general, "checkin ask")
    agreed = await world.member.click(first.response, label="Agree")
    explanation = agreed.followups[0]
    assert "with your name" in explanation.content
    assert "never shared" in explanation.content
    assert channel.last_message is None  # nothing is posted before the second yes
    posted = await world.member.click(explanation, label="Share my name and ask")
    assert "Your request is posted" in posted.response.content


async def test_an_available_peer_takes_the_request_and_the_asker_is_told_who(
    world: World, peer_support: simcord.ChannelHandle
) -> None:
    await world.services.checkins.agree(world.guild.id, world.other.id)
    available = await world.other.slash(world.general, "checkin available", state="on")
    assert "marked as available" in available.response.content
    await ask(world, peer_support)
    post = peer_support.last_message
    assert world.member.mention in post.content
    assert "closes" in post.content

    # The asker can't take their own request, and nor can someone not marked available.
    own = await world.member.click(post, label="I'll reach out")
    assert own.ephemeral and "your own request" in own.response.content
    moderator = await world.moderator.click(post, label="I'll reach out")
    assert moderator.ephemeral and "available to support peers" in moderator.response.content
    assert peer_support.last_message.components  # still open, and no named refusal posted

    taken = await world.other.click(post, label="I'll reach out")
    assert "Please send" in taken.followups[0].content and taken.followups[0].ephemeral
    updated = peer_support.last_message
    assert "has been taken" in updated.content and world.other.mention in updated.content
    assert not updated.components
    told = world.member.user.dm_channel.last_message
    assert world.other.mention in told.content and "reach out to you" in told.content
    [row] = await world.services.db.fetch_all("SELECT status, asker_told_at FROM support_requests")
    assert row["status"] == "taken" and row["asker_told_at"] is not None


async def test_nobody_takes_it_in_time_so_the_asker_is_told_kindly_with_helplines(
    world: World, peer_support: simcord.ChannelHandle
) -> None:
    await ask(world, peer_support)
    world.services.clock.advance(hours=11)  # type: ignore[attr-defined]
    await jobs(world).jobs.request_tick()
    assert world.member.user.dm_channel.last_message is None
    world.services.clock.advance(hours=1)  # type: ignore[attr-defined]
    await jobs(world).jobs.request_tick()
    await world.env.settle()
    told = world.member.user.dm_channel.last_message
    assert "not about you" in told.content
    assert told.embeds[0].title == "Support" and "Samaritans" in told.embeds[0].fields[0].value
    post = peer_support.last_message
    assert post.content == "This request has closed." and not post.components
    # Told once only.
    await jobs(world).jobs.request_tick()
    assert len(world.member.user.dm_channel.history()) == 1


async def test_one_open_request_at_a_time_and_withdrawal_closes_it(
    world: World, peer_support: simcord.ChannelHandle
) -> None:
    await ask(world, peer_support)
    again = await world.member.slash(world.general, "checkin ask")
    second = await world.member.click(again.response, label="Share my name and ask")
    assert "already have a request open" in second.response.content
    await world.member.slash(world.general, "checkin withdraw-consent")
    assert peer_support.last_message.content == "This request was withdrawn."
    assert not peer_support.last_message.components


async def test_asking_without_a_peer_support_channel_explains_kindly(world: World) -> None:
    await world.services.checkins.agree(world.guild.id, world.member.id)
    result = await world.member.slash(world.general, "checkin ask")
    assert result.ephemeral
    assert "hasn't set up a peer-support channel" in result.response.content


async def test_the_reach_out_button_survives_a_restart(
    world: World, peer_support: simcord.ChannelHandle
) -> None:
    await world.services.checkins.agree(world.guild.id, world.other.id)
    await world.services.checkins.set_available(world.guild.id, world.other.id, True)
    await ask(world, peer_support)
    await world.env.restart_bot(Alongside(world.services, extensions=world.bot.extension_names))
    taken = await world.other.click(peer_support.last_message, label="I'll reach out")
    assert taken.followups[0].ephemeral
    assert "has been taken" in peer_support.last_message.content
    world.services.clock.advance(days=2)  # type: ignore[attr-defined]
    await jobs(world).jobs.request_tick()  # taken, so no timeout message follows
    assert len(world.member.user.dm_channel.history()) == 1
