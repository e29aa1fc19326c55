"""Members who leave, are kicked or banned, through SimCord: check-in reminders, buddies, requests.

Alongside hears nothing when someone leaves (it asks only for the `guilds` intent), so each test
removes a member the way Discord would (silently, as far as the bot is concerned) and checks
that within one cycle nothing more goes to them or is done in their name, that nothing half-made
is left, and that nothing about them was erased: they can come back.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast

import pytest
import simcord

from bot.checkins.settings import PAIRING_CHANNEL, REQUEST_TIMEOUT, SUPPORT_CHANNEL
from cogs.checkin._cog import Checkins
from tests import simcord_members as members
from tests.conftest import World

FORM = {"load": ["3"], "energy": ["3"]}
ROUND_DUE = datetime(2026, 1, 12, 10, 0, tzinfo=UTC)


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.about", "cogs.support", "cogs.mod", "cogs.checkin", "cogs.reflect")


def jobs(world: World) -> Checkins:
    found = world.bot.get_cog("Checkins")
    assert found is not None  # (not isinstance: other tests may reload the extension)
    return cast(Checkins, found)


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


async def reminder_tick(world: World, moment: datetime) -> int:
    world.services.clock.set(moment)  # type: ignore[attr-defined]
    sent = await jobs(world).jobs.reminder_tick()
    await world.env.settle()
    return sent


def dm_posts(world: World, actor: simcord.MemberActor) -> int:
    path = f"/channels/{actor.user.dm_channel.id}/messages"
    return sum(1 for r in world.env.http_requests if r.method == "POST" and r.path == path)


async def daily_reminders(world: World, actor: simcord.MemberActor) -> None:
    await world.services.checkins.agree(world.guild.id, actor.id)
    await actor.slash(world.general, "checkin remind", cadence="daily", time="08:00")


async def test_a_member_who_left_gets_no_reminders_and_is_welcomed_back_once(
    world: World,
) -> None:
    await daily_reminders(world, world.member)
    assert await reminder_tick(world, at(2026, 1, 13, 8)) == 1
    members.leave(world.guild, world.member)
    before = dm_posts(world, world.member)
    for day in (14, 15, 16):
        assert await reminder_tick(world, at(2026, 1, day, 8)) == 0
    assert dm_posts(world, world.member) == before  # not even one attempt
    assert await world.services.checkins.reach.held(world.guild.id, world.member.id) == "left"
    # Nothing was erased: consent and the reminder plan are still there for them.
    assert await world.services.checkins.has_consent(world.guild.id, world.member.id)
    assert await world.services.checkins.reminders.plan(world.guild.id, world.member.id)

    back = members.rejoin(world.guild, world.member)
    status = await back.slash(world.general, "checkin remind", cadence="daily", time="08:00")
    [told] = status.followups
    assert told.ephemeral and "Welcome back" in told.content
    again = await back.slash(world.general, "reflect status")
    assert not again.followups  # told once, not on every command
    assert await reminder_tick(world, at(2026, 1, 17, 8)) == 1


async def test_no_mutual_server_50278_holds_reminders_instead_of_retrying_forever(
    world: World,
) -> None:
    await daily_reminders(world, world.member)
    members.leave(world.guild, world.member)
    # The bot still believes they're here (a cached answer): Discord itself refuses the DM.
    world.services.clock.set(at(2026, 1, 13, 7, 58))  # type: ignore[attr-defined]
    world.bot.membership.remember(world.guild.id, world.member.id, True)
    assert await reminder_tick(world, at(2026, 1, 13, 8)) == 0
    assert dm_posts(world, world.member) == 1
    held = await world.services.checkins.reach.held(world.guild.id, world.member.id)
    assert held == "no_mutual_server"
    for day in (14, 15, 16, 17):
        await reminder_tick(world, at(2026, 1, day, 8))
    assert dm_posts(world, world.member) == 1  # never retried


async def test_closed_dms_50007_hold_reminders_and_the_member_is_told_next_time(
    world: World,
) -> None:
    await daily_reminders(world, world.member)
    members.close_dms(world.env, world.member)
    assert await reminder_tick(world, at(2026, 1, 13, 8)) == 0
    for day in (14, 15):
        await reminder_tick(world, at(2026, 1, day, 8))
    assert dm_posts(world, world.member) == 1
    history = await world.member.slash(world.general, "checkin history")
    [told] = history.followups
    assert "couldn't send you a direct message" in told.content


async def test_old_reminder_buttons_refuse_a_removed_or_banned_member(world: World) -> None:
    await daily_reminders(world, world.member)
    await daily_reminders(world, world.other)
    assert await reminder_tick(world, at(2026, 1, 13, 8)) == 2
    removed_reminder = world.member.user.dm_channel.last_message
    banned_reminder = world.other.user.dm_channel.last_message
    # One opens the form while still a member and sends it after being removed.
    form = await world.member.user.click(removed_reminder, label="Check in now")
    assert form.modal is not None
    members.leave(world.guild, world.member)
    members.ban(world.env, world.guild, world.other)

    sent = await world.member.user.submit_modal(form, FORM)
    assert sent.ephemeral and "no longer a member of that server" in sent.response.content
    for actor, reminder in ((world.member, removed_reminder), (world.other, banned_reminder)):
        clicked = await actor.user.click(reminder, label="Check in now")
        assert clicked.modal is None
        assert "no longer a member of that server" in clicked.response.content
        skipped = await actor.user.click(reminder, label="Skip this week")
        assert "no longer a member of that server" in skipped.response.content
        assert await world.services.checkins.history(world.guild.id, actor.id, 4) == []
        plan = await world.services.checkins.reminders.plan(world.guild.id, actor.id)
        assert plan is not None and plan.next_due == at(2026, 1, 14, 8)  # no skip stored


async def test_a_banned_member_cannot_post_a_support_request_from_a_dm(world: World) -> None:
    channel = world.guild.create_text_channel("peer-support")
    await world.services.settings.set_many(
        world.guild.id, {SUPPORT_CHANNEL: channel.id, REQUEST_TIMEOUT: 12}
    )
    await daily_reminders(world, world.member)
    assert await reminder_tick(world, at(2026, 1, 13, 8)) == 1
    reminder = world.member.user.dm_channel.last_message
    form = await world.member.user.click(reminder, label="Check in now")
    done = await world.member.user.submit_modal(form, {**FORM, "peer": ["yes"]})
    assert "Only your name is shared" in done.response.content
    members.ban(world.env, world.guild, world.member)
    asked = await world.member.user.click(done.response, label="Share my name and ask")
    assert "no longer a member of that server" in (asked.response.content or "")
    assert channel.last_message is None  # nothing names them in the support channel


async def test_a_request_whose_asker_left_is_closed_and_nobody_can_take_it(world: World) -> None:
    channel = world.guild.create_text_channel("peer-support")
    await world.services.settings.set_many(
        world.guild.id, {SUPPORT_CHANNEL: channel.id, REQUEST_TIMEOUT: 12}
    )
    for actor in (world.member, world.other):
        await world.services.checkins.agree(world.guild.id, actor.id)
    await world.other.slash(world.general, "checkin available", state="on")
    asked = await world.member.slash(world.general, "checkin ask")
    await world.member.click(asked.response, label="Share my name and ask")
    post = channel.last_message
    assert world.member.mention in post.content

    members.leave(world.guild, world.member)
    taken = await world.other.click(post, label="I'll reach out")
    assert "no longer in this server" in taken.followups[0].content
    assert channel.last_message.content == "This request has closed."
    assert world.member.user.dm_channel.last_message is None  # nobody told them anything


async def test_the_request_tick_closes_requests_of_members_who_left(world: World) -> None:
    channel = world.guild.create_text_channel("peer-support")
    await world.services.settings.set_many(
        world.guild.id, {SUPPORT_CHANNEL: channel.id, REQUEST_TIMEOUT: 12}
    )
    await world.services.checkins.agree(world.guild.id, world.member.id)
    asked = await world.member.slash(world.general, "checkin ask")
    await world.member.click(asked.response, label="Share my name and ask")
    members.ban(world.env, world.guild, world.member)
    # Membership answers are kept ten minutes; the tick runs every minute.
    world.services.clock.advance(minutes=11)  # type: ignore[attr-defined]
    await jobs(world).jobs.request_tick()
    await world.env.settle()
    assert channel.last_message.content == "This request has closed."
    assert channel.last_message.components == []
    assert await world.services.checkins.reach.open_requests() == []


async def five_buddies(world: World) -> list[simcord.MemberActor]:
    extra = [world.guild.add_member(world.env.create_user(n)) for n in ("cai", "dee", "eli")]
    people = [world.member, world.other, *extra]
    for person in people:
        await world.services.checkins.agree(world.guild.id, person.id)
        await world.services.checkins.buddies.join(world.guild.id, person.id)
    return people


async def test_a_member_who_left_is_not_paired_and_threads_hold_only_members(
    world: World,
) -> None:
    pairing = world.guild.create_text_channel("buddies")
    await world.services.settings.set_many(world.guild.id, {PAIRING_CHANNEL: pairing.id})
    people = await five_buddies(world)
    gone = people[2]
    members.leave(world.guild, gone)
    world.services.clock.set(ROUND_DUE)  # type: ignore[attr-defined]
    await jobs(world).jobs.buddy_tick()
    await world.env.settle()
    assert gone.user.dm_channel.last_message is None
    for person in (p for p in people if p is not gone):
        message = person.user.dm_channel.last_message.content
        assert gone.mention not in message
        assert "private thread for you" in message
    assert len(pairing.threads) == 2
    added = [r.path for r in world.env.http_requests if "/thread-members/" in r.path]
    assert not any(path.endswith(f"/{gone.id}") for path in added)


async def test_a_thread_that_cannot_be_finished_is_removed_not_left_half_made(
    world: World,
) -> None:
    pairing = world.guild.create_text_channel("buddies")
    await world.services.settings.set_many(world.guild.id, {PAIRING_CHANNEL: pairing.id})
    people = await five_buddies(world)
    world.services.clock.set(ROUND_DUE)  # type: ignore[attr-defined]
    await world.services.checkins.buddies.run_due_rounds()  # paired while all were here
    gone = people[0]
    members.leave(world.guild, gone)
    world.bot.membership.remember(world.guild.id, gone.id, True)  # the bot hasn't noticed
    await jobs(world).jobs.buddy_tick()
    await world.env.settle()
    # Adding the departed member failed with 10007: that group's thread was removed again.
    refused = [r for r in world.env.http_requests if r.path.endswith(f"/thread-members/{gone.id}")]
    assert len(refused) == 1
    assert len(pairing.threads) == 1
    for thread in pairing.threads:
        assert "You could start with" in thread.last_message.content
    for person in people[1:]:
        assert "Your buddy round" in person.user.dm_channel.last_message.content


async def test_reminders_start_again_by_themselves_when_a_member_rejoins(world: World) -> None:
    await daily_reminders(world, world.member)
    members.leave(world.guild, world.member)
    assert await reminder_tick(world, at(2026, 1, 13, 8)) == 0
    members.rejoin(world.guild, world.member)  # and uses no command yet
    assert await reminder_tick(world, at(2026, 1, 14, 8)) == 1
    assert await world.services.checkins.reach.held(world.guild.id, world.member.id) is None
