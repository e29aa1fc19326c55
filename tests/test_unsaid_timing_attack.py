"""A curious moderator re-runs every command they have: nothing changes when someone shares."""

from __future__ import annotations

from typing import Any

import pytest
import simcord

from tests.conftest import World
from tests.test_unsaid_helpers import UNSAID_EXTENSIONS, configure, release, review_messages, share

WORDS = "They asked for our stories and then left the room before we spoke."


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return UNSAID_EXTENSIONS


async def snapshot(world: World, *channels: simcord.ChannelHandle) -> list[Any]:
    """Everything a moderator can look at: commands they can run and the channels they read."""
    seen: list[Any] = []
    for command in ("mod unsaid settings", "mod status", "mod log", "mod unsaid blocks"):
        result = await world.moderator.slash(world.general, command)
        response = result.response
        seen.append((command, response.content, [e.to_dict() for e in response.embeds]))
    await world.services.db.checkpoint()  # a live file size would move here if it were shown
    for channel in (world.general, world.mod_channel, *channels):
        seen.append([(m.content, [e.to_dict() for e in m.embeds]) for m in channel.history()])
    return seen


@pytest.mark.parametrize("review", [True, False])
async def test_a_moderator_sees_nothing_change_until_the_batch_is_released(
    world: World, review: bool
) -> None:
    review_channel = await configure(world, review=review)
    await release(world)  # settle any first tick
    before = await snapshot(world, review_channel)
    result = await share(world.member, world, WORDS)
    assert result.ephemeral
    assert await snapshot(world, review_channel) == before  # the share can't be timed
    await share(world.other, world, WORDS + " Twice.")
    assert await snapshot(world, review_channel) == before
    await release(world, minutes=40)
    if review:
        assert len(review_messages(review_channel)) == 2  # the batch arrives, together
    assert await snapshot(world, review_channel) != before


@pytest.mark.parametrize("delay", ["1-1", "5-6", "1-30", "0"])
async def test_the_wait_without_review_cannot_be_made_fixed_or_short(
    world: World, delay: str
) -> None:
    await configure(world)
    refused = await world.moderator.slash(world.general, "mod unsaid settings", delay=delay)
    assert refused.ephemeral
    assert "needs to stay random" in refused.response.content or "delay needs" in (
        refused.response.content
    )
    config = await world.services.unsaid.config(world.guild.id)
    assert (config.delay_min, config.delay_max) == (2, 10)


async def test_a_stored_narrow_wait_is_widened_when_used(world: World) -> None:
    short = await world.moderator.slash(
        world.general, "mod settings set", key="unsaid_delay_max", value="1"
    )
    assert short.ephemeral and "10" in short.response.content
    # Even a value written before this rule (or by hand) is widened when it is used.
    await world.services.settings.set_many(
        world.guild.id, {"unsaid_delay_min": 3, "unsaid_delay_max": 3}
    )
    config = await world.services.unsaid.config(world.guild.id)
    assert (config.delay_min, config.delay_max) == (3, 11)
