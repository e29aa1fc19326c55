"""Timing and guessing attacks on Unsaid: a curious moderator, and a member guessing receipts."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
import simcord

from bot.unsaid.anonymity import new_receipt
from bot.unsaid.guesses import FREE_MISSES
from tests.conftest import World
from tests.test_unsaid_helpers import (
    UNSAID_EXTENSIONS,
    answer,
    configure,
    receipt_of,
    release,
    review_messages,
    share,
)

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


async def test_guessing_receipts_is_paused_for_the_guesser_without_hashing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    await configure(world)
    real = receipt_of(await share(world.other, world, WORDS))
    hashed: list[int] = []
    scrypt = hashlib.scrypt

    def counting(*args: Any, **kwargs: Any) -> bytes:
        hashed.append(1)
        return scrypt(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counting)
    for _ in range(FREE_MISSES):
        missed = await world.member.slash(world.general, "unsaid status", receipt=new_receipt())
        assert "couldn't find anything" in answer(missed)
    assert len(hashed) == FREE_MISSES
    for command in ("unsaid status", "unsaid withdraw"):
        paused = await world.member.slash(world.general, command, receipt=new_receipt())
        assert paused.ephemeral
        assert "try again in 15 minutes" in answer(paused)
    assert len(hashed) == FREE_MISSES  # refused before any hashing: the bot spent nothing
    # The real author is not held up by someone else's guessing.
    mine = await world.other.slash(world.general, "unsaid status", receipt=real)
    assert "waiting for a moderator" in answer(mine)
    # The guard remembers a count per member, never a code.
    remembered = world.services.unsaid.guesses._misses
    assert list(remembered) == [world.member.id]
    assert real not in repr(remembered)
    world.services.clock.advance(minutes=16)  # type: ignore[attr-defined]
    again = await world.member.slash(world.general, "unsaid status", receipt=new_receipt())
    assert "couldn't find anything" in answer(again)
