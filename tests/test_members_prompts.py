"""Members who leave, and members who may not post, through SimCord: prompts by DM and threads."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import cast
from zoneinfo import ZoneInfo

import discord
import pytest
import simcord
from simcord.backend.models.channel import Overwrite
from simcord.enums import OverwriteType

from cogs.checkin._cog import Checkins
from cogs.reflect._cog import Reflect
from tests import simcord_members as members
from tests.conftest import World

LONDON = ZoneInfo("Europe/London")
NO_THREAD_POSTS = discord.PermissionOverwrite(send_messages_in_threads=False)


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.about", "cogs.support", "cogs.mod", "cogs.checkin", "cogs.reflect")


def at_london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)  # type: ignore[misc]


async def tick_at(world: World, moment: datetime) -> None:
    world.services.clock.set(moment)  # type: ignore[attr-defined]
    cog = cast(Reflect, world.bot.get_cog("Reflect"))
    await cog.tick()
    await world.env.settle()


def dms(actor: simcord.MemberActor) -> list[discord.Message]:
    return actor.user.dm_channel.history()


async def daily_reminder(world: World, actor: simcord.MemberActor) -> None:
    """A check-in reminder falls due at 08:55; its membership check learns they have gone."""
    await world.services.checkins.agree(world.guild.id, actor.id)
    await world.services.checkins.reminders.set(
        world.guild.id, actor.id, "daily", 0, time(8, 55), "Europe/London"
    )
    world.services.clock.set(at_london(2026, 1, 13, 8, 55))  # type: ignore[attr-defined]
    cog = cast(Checkins, world.bot.get_cog("Checkins"))
    assert await cog.jobs.reminder_tick() == 0


def dm_posts(world: World, actor: simcord.MemberActor) -> int:
    path = f"/channels/{actor.user.dm_channel.id}/messages"
    return sum(1 for r in world.env.http_requests if r.method == "POST" and r.path == path)


async def test_prompts_pause_for_a_member_who_left_and_resume_when_they_are_back(
    world: World,
) -> None:
    await world.member.slash(world.general, "reflect subscribe", cadence="daily")
    await tick_at(world, at_london(2026, 1, 13, 9, 0))
    assert dm_posts(world, world.member) == 1
    members.leave(world.guild, world.member)
    for day in (14, 15, 16):
        await tick_at(world, at_london(2026, 1, day, 9, 0))
    # Discord refused the next one (50278: no server in common): paused, never retried.
    assert dm_posts(world, world.member) == 2
    assert len(dms(world.member)) == 1
    sub = await world.services.prompts.subscription(world.guild.id, world.member.id)
    assert sub is not None and sub.pause_reason == "no_mutual_server"  # kept, not erased

    back = members.rejoin(world.guild, world.member)
    status = await back.slash(world.general, "reflect status")
    assert "weren't in any server" in status.response.embeds[0].description
    assert "prompts by direct message" in status.followups[0].content
    again = await back.slash(world.general, "reflect status")
    assert "Next prompt" in again.response.embeds[0].description
    await tick_at(world, at_london(2026, 1, 17, 9, 0))
    assert len(dms(world.member)) == 2  # prompts arrive again


async def test_prompts_stop_for_a_member_known_to_have_left_another_server(
    world: World,
) -> None:
    other_server = world.env.create_guild("Another Network")
    other_server.add_member(world.member.user)  # Alongside is there too: DMs still arrive
    await world.member.slash(world.general, "reflect subscribe", cadence="daily")
    members.leave(world.guild, world.member)
    await daily_reminder(world, world.member)  # the reminder found them gone
    for day in (13, 14, 15):
        await tick_at(world, at_london(2026, 1, day, 9, 0))
    assert dm_posts(world, world.member) == 0
    sub = await world.services.prompts.subscription(world.guild.id, world.member.id)
    assert sub is not None and sub.pause_reason == "left"


async def test_a_banned_member_cannot_journal_from_an_old_prompt_dm(world: World) -> None:
    await world.member.slash(world.general, "reflect subscribe", cadence="daily")
    await tick_at(world, at_london(2026, 1, 13, 9, 0))
    prompt = world.member.user.dm_channel.last_message
    form = await world.member.user.click(prompt, label="Journal privately")
    assert form.modal is not None
    members.ban(world.env, world.guild, world.member)
    sent = await world.member.user.submit_modal(form, {"entry": "Written after the ban."})
    assert "no longer a member of that server" in sent.response.content
    again = await world.member.user.click(prompt, label="Journal privately")
    assert again.modal is None and "no longer a member" in again.response.content
    assert await world.services.prompts.journal_all(world.guild.id, world.member.id) == []


async def thread_prompt(world: World, channel: simcord.ChannelHandle) -> discord.Message:
    await world.services.settings.set_many(
        world.guild.id, {"quiet_hours_start": "00:00", "quiet_hours_end": "00:00"}
    )
    await world.moderator.slash(
        world.general,
        "mod prompts schedule",
        channel=channel,
        cadence="weekly",
        day="wednesday",
        time="12:00",
        theme="solidarity",
    )
    await tick_at(world, at_london(2026, 1, 14, 12, 0))
    [post] = [m for m in channel.history() if m.embeds]
    return post


async def test_a_member_who_may_not_post_in_threads_cannot_share_through_the_bot(
    world: World,
) -> None:
    circle = world.guild.create_text_channel("circle", overwrites={world.member: NO_THREAD_POSTS})
    post = await thread_prompt(world, circle)
    [thread] = circle.threads
    refused = await world.member.click(post, label="Share in the thread")
    assert refused.modal is None
    assert "can't send messages in that thread" in refused.response.content
    allowed = await world.other.click(post, label="Share in the thread")
    assert allowed.modal is not None  # others still can
    assert thread.last_message is None


async def test_permission_taken_away_while_the_form_is_open_posts_nothing(world: World) -> None:
    circle = world.guild.create_text_channel("circle")
    post = await thread_prompt(world, circle)
    [thread] = circle.threads
    form = await world.member.click(post, label="Share in the thread")
    assert form.modal is not None
    denied = NO_THREAD_POSTS.pair()[1].value
    world.env.backend.set_overwrite(
        circle.id, Overwrite(world.member.id, OverwriteType.MEMBER, 0, denied)
    )
    await world.env.settle()
    shared = await world.member.submit_modal(form, {"answer": "Posted anyway?"})
    assert "can't send messages in that thread" in (
        shared.followups[0].content if shared.followups else shared.response.content
    )
    assert thread.last_message is None
