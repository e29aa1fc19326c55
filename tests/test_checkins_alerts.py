"""Support requests reach available members by DM: fairly, privately, and claimed once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import discord
import pytest
import simcord

from bot.checkins.settings import REQUEST_TIMEOUT, SUPPORT_CHANNEL
from bot.core.errors import UserFacingError
from cogs.checkin._cog import Checkins
from cogs.checkin._requests import AlertButton
from tests.conftest import World

SECRET_NOTE = "my supervisor keeps cancelling"
SELECT_IDS = "SELECT id FROM support_requests"


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


def cog(world: World) -> Checkins:
    found = world.bot.get_cog("Checkins")
    assert isinstance(found, Checkins)
    return found


def join(world: World, name: str) -> simcord.MemberActor:
    return world.guild.add_member(world.env.create_user(name))


async def make_available(world: World, *members: simcord.MemberActor, **options: str) -> None:
    for member in members:
        await world.services.checkins.agree(world.guild.id, member.id)
        said = await member.slash(world.general, "checkin available", state="on", **options)
        assert "marked as available" in said.response.content


async def ask(world: World) -> str:
    """The member checks in (with a private note), then asks; return what they were told."""
    await world.services.checkins.agree(world.guild.id, world.member.id)
    await world.services.checkins.log(world.guild.id, world.member.id, 4, 2, SECRET_NOTE, True)
    first = await world.member.slash(world.general, "checkin ask")
    posted = await world.member.click(first.response, label="Share my name and ask")
    return str(posted.response.content)


def request_dm(member: simcord.MemberActor) -> discord.Message | None:
    last = member.user.dm_channel.last_message
    return last if last is not None and last.components else None


async def test_available_members_hear_by_dm_and_the_first_to_reach_out_is_connected(
    world: World, peer_support: simcord.ChannelHandle
) -> None:
    cara, dev, eve, fay = (join(world, n) for n in ("cara", "dev", "eve", "fay"))
    await make_available(world, world.other, cara, dev, eve)
    await world.services.checkins.agree(world.guild.id, fay.id)  # consented, not available
    # The asker avoids dev; eve avoids the asker. Neither hears of the request.
    await world.services.checkins.repo.set_avoid(world.guild.id, world.member.id, dev.id, True)
    await world.services.checkins.repo.set_avoid(world.guild.id, eve.id, world.member.id, True)

    assert "Your request is posted" in await ask(world)

    told = {m.name: request_dm(m) for m in (world.other, cara, dev, eve, fay, world.moderator)}
    assert sorted(name for name, dm in told.items() if dm) == ["bea", "cara"]
    assert request_dm(world.member) is None  # never the asker
    for dm in (told["bea"], told["cara"]):
        assert dm is not None and world.member.mention in dm.content
        assert SECRET_NOTE not in str(dm.content) + str(dm.embeds)  # only the name is shared
    assert SECRET_NOTE not in str(peer_support.last_message.content)

    cara_dm = told["cara"]
    assert cara_dm is not None
    taken = await cara.user.click(cara_dm, label="I'll reach out")
    assert "Please send" in taken.response.content
    await world.env.settle()
    bea_dm = world.other.user.dm_channel.last_message
    assert "Someone has said they'll reach out" in bea_dm.content and not bea_dm.components
    assert "bea" not in bea_dm.content and cara.mention not in bea_dm.content
    assert "has been taken" in peer_support.last_message.content
    asker_told = world.member.user.dm_channel.last_message
    assert cara.mention in asker_told.content and "reach out to you" in asker_told.content
    # Nothing records who didn't take it.
    assert await world.services.db.fetch_all("SELECT * FROM support_alerts") == []


async def test_nobody_available_tells_the_asker_at_once_with_helplines(
    world: World, peer_support: simcord.ChannelHandle
) -> None:
    reply = await ask(world)
    assert "nobody who offers support can be told privately" in reply
    assert "these services are there for you" in reply
    answers = [r for r in world.env.http_requests if "@original" in r.path]
    assert "Samaritans" in str(answers[-1].json)  # the helplines come with it, at once
    [row] = await world.services.db.fetch_all("SELECT status FROM support_requests")
    assert row["status"] == "open"  # still in the channel, for anyone who looks


async def test_a_closed_dm_skips_that_member_and_the_next_is_told(
    world: World, peer_support: simcord.ChannelHandle
) -> None:
    robot = world.guild.add_member(world.env.create_user("helperbot", bot=True))
    await make_available(world, world.other)
    await world.services.checkins.agree(world.guild.id, robot.id)
    await world.services.checkins.set_available(world.guild.id, robot.id, True)
    assert "Your request is posted" in await ask(world)  # bots can't be DMed (50007): skipped
    assert request_dm(world.other) is not None


async def test_quiet_hours_hold_dms_in_the_member_s_own_time_across_dst(
    world: World, peer_support: simcord.ChannelHandle
) -> None:
    refused = await world.other.slash(
        world.general, "checkin available", state="on", quiet_hours="late till early"
    )
    assert refused.ephemeral and "like 22:00-07:00" in refused.response.content
    assert not await world.services.checkins.is_available(world.guild.id, world.other.id)

    await make_available(world, world.other, quiet_hours="22:00-07:00", timezone="Europe/London")
    clock = world.services.clock
    clock.set(datetime(2026, 1, 14, 6, 30, tzinfo=UTC))  # type: ignore[attr-defined]
    assert "nobody who offers support" in await ask(world)  # 06:30 in London, winter: quiet
    await world.member.slash(world.general, "checkin withdraw-consent")

    clock.set(datetime(2026, 7, 15, 6, 30, tzinfo=UTC))  # type: ignore[attr-defined]
    assert "Your request is posted" in await ask(world)  # 07:30 in London, summer: awake
    assert request_dm(world.other) is not None

    checkins = world.services.checkins
    exported = await checkins.export_member(world.guild.id, world.other.id)
    assert exported["request_message_quiet_hours"]["from"] == "22:00"
    await checkins.erase_member(world.guild.id, world.other.id)
    assert await world.services.db.fetch_all("SELECT * FROM support_helpers") == []
    assert await world.services.db.fetch_all("SELECT * FROM support_alerts") == []


async def test_turns_rotate_so_those_not_told_last_time_are_told_next(
    world: World, peer_support: simcord.ChannelHandle
) -> None:
    helpers = [join(world, f"helper{i}") for i in range(7)]
    await make_available(world, *helpers)
    await ask(world)
    first = {h.name for h in helpers if request_dm(h)}
    assert len(first) == 5
    world.services.clock.advance(hours=13)  # type: ignore[attr-defined]
    await cog(world).jobs.request_tick()  # expires; the DMs say so and lose their button
    await world.env.settle()
    assert all(request_dm(h) is None for h in helpers)
    closed = helpers[0].user.dm_channel.history()
    assert not closed or "closed" in closed[-1].content

    await ask(world)
    second = {h.name for h in helpers if request_dm(h)}
    assert len(second) == 5 and {h.name for h in helpers} - first <= second


async def test_a_click_from_someone_it_was_not_sent_to_is_refused(
    world: World, peer_support: simcord.ChannelHandle
) -> None:
    cara = join(world, "cara")
    await make_available(world, world.other)
    await ask(world)
    [request_id] = [
        r["id"] for r in await world.services.db.fetch_all("SELECT id FROM support_requests")
    ]
    # cara is available too, but became so after the request went out; she crafts its button.
    await make_available(world, cara)
    view = discord.ui.View(timeout=None)
    view.add_item(AlertButton(request_id))
    crafted = await (await world.bot.fetch_user(cara.id)).send("?", view=view)
    forged = await cara.user.click(crafted, label="I'll reach out")
    assert forged.ephemeral and "wasn't sent to you" in forged.response.content
    # A member who has left (as the membership hook says) can't take it from their DM either.
    gone = world.other.id

    async def still_member(guild_id: int, user_id: int) -> bool:
        return user_id != gone

    cog(world).alerter.still_member = still_member
    left = await world.other.user.click(request_dm(world.other), label="I'll reach out")
    assert left.ephemeral and "members of its server" in left.response.content
    [row] = await world.services.db.fetch_all("SELECT status FROM support_requests")
    assert row["status"] == "open"


async def test_two_members_reach_out_at_once_and_exactly_one_is_connected(
    world: World, peer_support: simcord.ChannelHandle
) -> None:
    cara = join(world, "cara")
    await make_available(world, world.other, cara)
    await ask(world)
    assert request_dm(world.other) is not None and request_dm(cara) is not None
    [request_id] = [r["id"] for r in await world.services.db.fetch_all(SELECT_IDS)]
    # SimCord runs one click at a time, so both claims race through the service itself.
    alerts = world.services.checkins.alerts
    results = await asyncio.gather(
        alerts.claim(request_id, world.other.id),
        alerts.claim(request_id, cara.id),
        return_exceptions=True,
    )
    won = [r for r in results if not isinstance(r, BaseException)]
    lost = [r for r in results if isinstance(r, UserFacingError)]
    assert len(won) == 1 and len(lost) == 1 and "already been taken" in lost[0].message
    winner, loser = (world.other, cara) if results[0] in won else (cara, world.other)
    await cog(world).jobs.request_tick()  # tells the asker and updates the other DM
    await world.env.settle()
    [row] = await world.services.db.fetch_all("SELECT status, taken_by FROM support_requests")
    assert row["taken_by"] == winner.id
    assert "Someone has said" in loser.user.dm_channel.last_message.content
    assert request_dm(loser) is None  # the loser's button is gone
    asker_dms = world.member.user.dm_channel.history()
    assert [m for m in asker_dms if "reach out to you" in m.content] != []
    assert len([m for m in asker_dms if "reach out to you" in m.content]) == 1


async def test_taking_it_in_the_channel_updates_the_dms_too(
    world: World, peer_support: simcord.ChannelHandle
) -> None:
    cara = join(world, "cara")
    await make_available(world, world.other, cara)
    await ask(world)
    taken = await cara.click(peer_support.last_message, label="I'll reach out")
    assert taken.followups[0].ephemeral
    await world.env.settle()
    other_dm, own_dm = (m.user.dm_channel.last_message for m in (world.other, cara))
    assert "Someone has said" in other_dm.content and not other_dm.components
    assert "You said you'll reach out" in own_dm.content and not own_dm.components
