"""`/mydata delete` removes /room's direct messages that name or quote the member.

The attacker is a member checking they were forgotten: after erasing, their peer's DMs no
longer hold their name or the words they chose to share, and the other way round.
"""

from __future__ import annotations

import pytest

from bot.checkins.settings import PAIRING_CHANNEL
from tests.conftest import World
from tests.test_mydata_traces import delete_my_data
from tests.test_rooms_discord import agree, dms, prepare, tick

WORDS = "Razorbill board at 14:00; a message would help."


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.mod", "cogs.checkin", "cogs.room", "cogs.mydata")


async def peer_checked_in(world: World) -> None:
    """The member asks `other` to be their peer; the meeting ends; the peer checks in."""
    await agree(world, world.member)
    await world.services.checkins.agree(world.guild.id, world.other.id)
    await world.services.checkins.set_available(world.guild.id, world.other.id, True)
    done = await prepare(world, world.member, "tomorrow 14:00", peer=world.other, minutes=60)
    words = await world.member.click(done.response, label="Choose the words and agree")
    await world.member.submit_modal(words, {"words": WORDS})
    world.services.clock.advance(days=2)
    await tick(world)
    [peer_dm] = dms(world.other)
    assert WORDS in peer_dm.content and str(world.member.id) in peer_dm.content
    await world.other.user.click(peer_dm, label="Check in with them")
    assert str(world.other.id) in dms(world.member)[-1].content


async def test_the_peers_dm_quoting_the_member_goes_when_the_member_erases(
    world: World,
) -> None:
    await peer_checked_in(world)
    await delete_my_data(world, world.member)
    seen = [m.content for m in dms(world.other)]
    assert not [c for c in seen if WORDS in c or str(world.member.id) in c]


async def test_the_dm_and_thread_post_naming_the_peer_go_when_the_peer_erases(
    world: World,
) -> None:
    pairing = world.guild.create_text_channel("buddies")
    await world.services.settings.set_many(world.guild.id, {PAIRING_CHANNEL: pairing.id})
    await peer_checked_in(world)
    [thread] = pairing.threads
    # One post names them both: the member first, so the peer's record must not be lost.
    [post] = [m for m in thread.history() if str(world.other.id) in m.content]
    assert str(world.member.id) in post.content

    await delete_my_data(world, world.other)

    assert not [m for m in dms(world.member) if str(world.other.id) in m.content]
    assert not [m for m in thread.history() if str(world.other.id) in m.content]
