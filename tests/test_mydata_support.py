"""`/mydata delete` removes support-request messages that name the asker or the helper.

The attacker is a member checking they were forgotten: after erasing, no DM or channel post
about a support request still names them, whether they asked or reached out.
"""

from __future__ import annotations

import pytest
import simcord

from bot.checkins.settings import REQUEST_TIMEOUT, SUPPORT_CHANNEL
from tests.conftest import World
from tests.test_checkins_alerts import ask, make_available, request_dm
from tests.test_mydata_traces import delete_my_data


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.mod", "cogs.checkin", "cogs.mydata")


@pytest.fixture
async def peer_support(world: World) -> simcord.ChannelHandle:
    channel = world.guild.create_text_channel("peer-support")
    await world.services.settings.set_many(
        world.guild.id, {SUPPORT_CHANNEL: channel.id, REQUEST_TIMEOUT: 12}
    )
    return channel


def naming(channels: list[simcord.ChannelHandle], user_id: int) -> list[str]:
    return [m.content for c in channels for m in c.history() if str(user_id) in m.content]


async def reached_out(world: World) -> None:
    """The member asks for support; `other`, available, reaches out from the DM."""
    await make_available(world, world.other)
    await ask(world)
    dm = request_dm(world.other)
    assert dm is not None
    await world.other.user.click(dm, label="I'll reach out")


async def test_the_asker_erasing_removes_the_helpers_dm_and_the_post(
    world: World, peer_support: simcord.ChannelHandle
) -> None:
    await reached_out(world)
    places = [peer_support, world.other.user.dm_channel]
    assert len(naming(places, world.member.id)) == 2

    await delete_my_data(world, world.member)

    assert naming(places, world.member.id) == []


async def test_the_helper_erasing_removes_the_post_and_dm_that_name_them(
    world: World, peer_support: simcord.ChannelHandle
) -> None:
    await reached_out(world)
    places = [peer_support, world.member.user.dm_channel]
    assert len(naming(places, world.other.id)) == 2

    await delete_my_data(world, world.other)

    assert naming(places, world.other.id) == []
