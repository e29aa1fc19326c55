"""Buddy rounds through SimCord: due at local time, DMs, private threads, pauses and resting."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import simcord

from bot.checkins.settings import BUDDY_CADENCE, PAIRING_CHANNEL
from cogs.checkin._cog import Checkins
from tests.conftest import World

ROUND_DUE = datetime(2026, 1, 12, 10, 0, tzinfo=UTC)  # a fortnightly Monday, 10:00 London


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.about", "cogs.support", "cogs.mod", "cogs.checkin")


async def buddy_tick(world: World) -> None:
    cog = world.bot.get_cog("Checkins")
    assert isinstance(cog, Checkins)
    await cog.jobs.buddy_tick()
    await world.env.settle()


async def five_buddies(world: World) -> list[simcord.MemberActor]:
    extra = [world.guild.add_member(world.env.create_user(name)) for name in ("cai", "dee", "eli")]
    people = [world.member, world.other, *extra]
    for person in people:
        await world.services.checkins.agree(world.guild.id, person.id)
    for person in people[:2]:
        joined = await person.slash(world.general, "checkin buddies join")
        assert "You're in buddy rounds" in joined.response.content
        assert "<t:1768212000:F>" in joined.response.content  # Monday 12 January, 10:00
    for person in extra:
        await world.services.checkins.buddies.join(world.guild.id, person.id)
    return people


def dms(person: simcord.MemberActor) -> list[str]:
    return [m.content for m in person.user.dm_channel.history()]


async def test_a_due_round_pairs_everyone_once_with_a_trio_for_the_odd_one(world: World) -> None:
    people = await five_buddies(world)
    await buddy_tick(world)
    assert all(not dms(p) for p in people)  # not due until 10:00
    world.services.clock.set(ROUND_DUE)  # type: ignore[attr-defined]
    await buddy_tick(world)
    partners: dict[int, set[int]] = {}
    for person in people:
        [message] = dms(person)
        assert "Your buddy round in Peer Network" in message
        assert "You could start with" in message
        partners[person.id] = {other.id for other in people if other.mention in message}
    sizes = sorted(len(found) for found in partners.values())
    assert sizes == [1, 1, 2, 2, 2]  # one pair, one trio
    for person_id, found in partners.items():
        for other in found:
            assert person_id in partners[other]
    await buddy_tick(world)  # the same round never runs twice
    assert all(len(dms(p)) == 1 for p in people)


async def test_paused_and_resting_members_are_skipped_and_avoid_is_respected(
    world: World,
) -> None:
    people = await five_buddies(world)
    resting, paused = people[3], people[4]
    await world.services.checkins.log(world.guild.id, resting.id, 4, 1)
    await paused.slash(world.general, "checkin buddies pause", weeks=2)
    avoid = await world.member.slash(world.general, "checkin buddies avoid", member=world.other)
    assert "Nobody else is told" in avoid.response.content
    world.services.clock.set(ROUND_DUE)  # type: ignore[attr-defined]
    await buddy_tick(world)
    assert not dms(resting) and not dms(paused)
    # Three left who may not all meet, since two avoid each other: one pair and one alone.
    texts = {p.id: dms(p)[0] for p in people[:3]}
    assert world.other.mention not in texts[world.member.id]
    assert world.member.mention not in texts[world.other.id]
    alone = [t for t in texts.values() if "There wasn't a buddy for you" in t]
    assert len(alone) == 1


async def test_a_pairing_channel_gives_each_group_a_private_thread(world: World) -> None:
    pairing = world.guild.create_text_channel("buddies")
    moderator = await world.moderator.slash(
        world.general, "mod checkins settings", buddy_cadence="weekly", pairing_channel=pairing
    )
    assert "checkin_pairing_channel" in moderator.response.embeds[0].description
    people = await five_buddies(world)
    world.services.clock.set(ROUND_DUE)  # type: ignore[attr-defined]
    await buddy_tick(world)
    threads = pairing.threads
    assert len(threads) == 2
    for thread in threads:
        assert "You could start with" in thread.last_message.content
    for person in people:
        assert "private thread for you" in dms(person)[0]


async def test_rounds_are_off_when_the_cadence_is_off(world: World) -> None:
    await world.services.settings.set_many(world.guild.id, {BUDDY_CADENCE: "off"})
    await world.services.checkins.agree(world.guild.id, world.member.id)
    joined = await world.member.slash(world.general, "checkin buddies join")
    assert "aren't switched on" in joined.response.content
    world.services.clock.set(ROUND_DUE)  # type: ignore[attr-defined]
    await buddy_tick(world)
    assert not dms(world.member)
    assert await world.services.settings.get(world.guild.id, PAIRING_CHANNEL) is None


async def test_leave_and_pause_need_no_consent_and_say_what_happened(world: World) -> None:
    left = await world.member.slash(world.general, "checkin buddies leave")
    assert left.response.content == "You weren't in buddy rounds."
    paused = await world.member.slash(world.general, "checkin buddies pause", weeks=1)
    assert "not in buddy rounds" in paused.response.content
