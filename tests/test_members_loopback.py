"""Members who leave, through the real bot against the loopback Discord (process-level fake)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from benchmarks.prompts_fanout import DUE, loopback, subscribe_all

pytestmark = pytest.mark.reliability


async def test_no_mutual_server_50278_pauses_dm_prompts_and_is_never_retried(
    tmp_path: Path,
) -> None:
    async with loopback(tmp_path) as harness:
        guild = harness.fake.add_guild("Peer Network")
        harness.fake.add_channel(guild, "general")
        bot = await harness.start()
        members = await subscribe_all(harness, guild, 12)
        gone, left = members[3], members[7]
        harness.fake.remove_member(guild, gone, ban=True)
        harness.fake.remove_member(guild, left)
        # The bot knows nothing of `gone` leaving, so only Discord's 50278 can stop it; it has
        # already learnt that `left` left (a reminder or a click asked Discord a moment ago).
        harness.clock.set(DUE - timedelta(minutes=1))
        bot.membership.remember(guild, left, False)
        harness.clock.set(DUE)
        before = len(harness.fake.requests)
        report = await harness.cog.tick()
        assert report is not None and report.sent == 10 and report.failed == 2
        assert harness.services is not None
        prompts = harness.services.prompts
        gone_sub = await prompts.subscription(guild, gone)
        left_sub = await prompts.subscription(guild, left)
        assert gone_sub is not None and gone_sub.pause_reason == "no_mutual_server"
        assert left_sub is not None and left_sub.pause_reason == "left"
        for day in range(1, 4):
            harness.clock.set(DUE + timedelta(days=day))
            await harness.cog.tick()
        dm_of = {m: harness.fake.world.dm_channel(m).id for m in (gone, left)}
        posts = [
            r.path
            for r in harness.fake.requests[before:]
            if r.method == "POST" and r.path.endswith("/messages")
        ]
        assert posts.count(f"/channels/{dm_of[gone]}/messages") == 1  # one 50278, no retries
        assert posts.count(f"/channels/{dm_of[left]}/messages") == 0
        stayed = [m for m in members if m not in (gone, left)]
        assert all(len(harness.fake.dm_messages(m)) == 4 for m in stayed)  # one a day each
