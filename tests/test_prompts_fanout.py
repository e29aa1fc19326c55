"""DM fan-out through the real bot against the loopback Discord, with its limits switched on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from benchmarks.prompts_fanout import DUE, LoopbackBot, loopback, subscribe_all, tally
from bot.prompts.delivery import Outgoing

pytestmark = pytest.mark.reliability


class Crash(BaseException):
    """The process dying (not an Exception, so nothing on the way up swallows it)."""


class DiesAfterDiscordAccepts:
    """Wraps the bot's sender: the (n+1)th DM reaches Discord, then the process 'dies'."""

    def __init__(self, real: Any, survive: int) -> None:
        self.real = real
        self.survive = survive
        self.sent = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    async def send_dm(self, channel_id: int, outgoing: Outgoing) -> int:
        message_id: int = await self.real.send_dm(channel_id, outgoing)
        self.sent += 1
        if self.sent > self.survive:
            raise Crash  # Discord has the message; the bot never records that it sent it
        return message_id


async def start_with_members(harness: LoopbackBot, count: int) -> list[int]:
    guild = harness.fake.add_guild("Peer Network")
    harness.fake.add_channel(guild, "general")
    await harness.start()
    members = await subscribe_all(harness, guild, count)
    harness.fake.rate_limits(global_per_second=50)
    return members


async def test_a_crash_after_discord_accepted_dms_sends_nobody_a_second_copy(
    tmp_path: Path,
) -> None:
    async with loopback(tmp_path) as harness:
        members = await start_with_members(harness, 40)
        harness.cog.sender = DiesAfterDiscordAccepts(harness.cog.sender, 12)  # type: ignore[assignment]
        harness.clock.set(DUE)
        with pytest.raises(BaseExceptionGroup) as crashed:  # the workers' task group wraps it
            await harness.cog.tick()
        assert crashed.group_contains(Crash)
        reached = sum(1 for m in members if harness.fake.dm_messages(m))
        assert 13 <= reached < 40

        await harness.stop()  # the restart: new services and a new bot on the same database
        await harness.start()
        harness.clock.advance(seconds=30)
        report = await harness.cog.tick()
        assert report is not None
        duplicates, losses = tally(harness.fake, members)
        assert (duplicates, losses) == (0, 0)
        dm_posts = [
            r
            for r in harness.fake.requests
            if r.method == "POST" and r.path.endswith("/messages") and r.json.get("nonce")
        ]
        # Rows Discord had accepted were sent again with the same nonce and deduplicated.
        assert len(dm_posts) > len(members)
        assert all(r.json["enforce_nonce"] is True for r in dm_posts)
        assert harness.fake.count_429 == 0


async def test_closed_dms_and_opening_too_fast_under_rate_limits(tmp_path: Path) -> None:
    async with loopback(tmp_path) as harness:
        members = await start_with_members(harness, 60)
        closed, hurried = members[5], members[17]
        harness.fake.close_dms(closed)
        hurried_channel = harness.fake.world.dm_channel(hurried).id
        harness.fake.inject(
            "POST",
            rf"^/channels/{hurried_channel}/messages$",
            400,
            {"message": "You are opening direct messages too fast.", "code": 40003},
        )
        harness.clock.set(DUE)
        report = await harness.cog.tick()
        assert report is not None and report.sent == 59 and report.failed == 1
        assert harness.fake.dm_messages(hurried)  # slowed down and retried, not skipped
        assert harness.services is not None
        pacer = harness.services.prompts.pacer
        assert pacer.slowdowns == 1
        sub = await harness.services.prompts.subscription(
            next(iter(harness.fake.world.guilds)), closed
        )
        assert sub is not None and sub.pause_reason == "dms_closed"
        duplicates, losses = tally(harness.fake, [m for m in members if m != closed])
        assert (duplicates, losses) == (0, 0)
        assert harness.fake.count_429 == 0
