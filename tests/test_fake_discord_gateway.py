"""The loopback Discord fake's gateway: heartbeats, resumes, rate limits, chunking, processes."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import pytest
import yarl
from discord.http import Route, handle_message_parameters

from tests.fakediscord import FakeDiscord
from tests.fakediscord.barebot import BareBot
from tests.fakescene import Scene, assert_clean, run_bot, running_fake, running_scene


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A started fake Discord, with discord.py pointed at it for the test."""
    async with running_fake() as server:
        yield server


@pytest.fixture
async def scene(fake: FakeDiscord) -> AsyncIterator[Scene]:
    """The test bot, running until the test ends, then closed cleanly."""
    async with running_scene(fake) as running:
        yield running


async def test_heartbeats_are_acknowledged(fake: FakeDiscord) -> None:
    fake.gateway.heartbeat_interval = 50
    fake.add_guild("Tiny")
    bot = BareBot(guild_ready_timeout=0.05)
    async with bot:
        task = await run_bot(fake, bot)
        await asyncio.sleep(0.3)
        conn = next(iter(fake.gateway.connections))
        assert conn.heartbeats >= 3
        assert bot.latency < 1.0
        assert fake.identify_count == 1
        await bot.close()
        await task


async def test_resume_after_gateway_drop(scene: Scene) -> None:
    fake = scene.fake
    fake.delay_hello(0.1)
    started = time.perf_counter()
    await fake.drop_gateway()
    await fake.wait_for_resume(timeout=10)
    assert time.perf_counter() - started >= 0.1
    assert (fake.identify_count, fake.resume_count) == (1, 1)
    fake.delay_hello(0)
    handle = await fake.slash(scene.guild, scene.channel, scene.member, "ping")
    assert (await handle.response(timeout=5))["data"]["content"] == "pong"
    # Events sent while disconnected are replayed on resume.
    await fake.drop_gateway(None)
    await fake.dispatch(
        "CHANNEL_UPDATE", {**fake.world.channels[scene.channel].payload(fake.world)}
    )
    await fake.wait_for_resume(timeout=10, count=2)
    await fake.request_reconnect()
    await fake.wait_for_resume(timeout=10, count=3)
    assert fake.identify_count == 1
    assert_clean(fake)


async def test_session_timeout_forces_a_new_identify(scene: Scene) -> None:
    fake = scene.fake
    await fake.drop_gateway(4009)
    await fake.wait_for_ready(timeout=10, count=2)
    assert fake.identify_count == 2
    assert fake.gateway.invalid_session_count == 1
    handle = await fake.slash(scene.guild, scene.channel, scene.member, "ping")
    assert (await handle.response(timeout=5))["data"]["content"] == "pong"


@pytest.mark.alone  # needs requests fast enough to reach the fake's 8-per-second limit
async def test_rate_limits_are_retried_transparently(scene: Scene) -> None:
    fake = scene.fake
    channels = [fake.add_channel(scene.guild, f"c{i}") for i in range(4)]
    fake.rate_limits(global_per_second=8, route_limit=3, route_window=0.5)
    http = scene.bot.http
    sends = [
        http.send_message(
            cid,
            params=handle_message_parameters(
                content=f"m{i}", allowed_mentions=discord.AllowedMentions.none()
            ),
        )
        for i, cid in enumerate(channels * 3)
    ]
    started = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*sends), timeout=15)
    assert fake.count_429 > 0
    assert sum(len(fake.messages(c)) for c in channels) == 12
    assert time.perf_counter() - started < 10
    assert_clean(fake)


async def test_injected_errors(scene: Scene) -> None:
    fake = scene.fake
    channel = scene.bot.get_channel(scene.channel)
    assert isinstance(channel, discord.TextChannel)
    fake.inject(
        "POST", r"/channels/\d+/messages$", 403, {"message": "Missing Access", "code": 50001}
    )
    with pytest.raises(discord.Forbidden):
        await channel.send("nope")
    fake.inject("POST", r"/channels/\d+/messages$", 429, retry_after=0.01)
    await channel.send("after a 429")
    assert fake.count_429 == 1
    assert [m["content"] for m in fake.messages(scene.channel)] == ["after a 429"]


async def test_validators_catch_long_content_and_unknown_routes(scene: Scene) -> None:
    fake = scene.fake
    channel = scene.bot.get_channel(scene.channel)
    assert isinstance(channel, discord.TextChannel)
    await channel.send("x" * 2001)
    with pytest.raises(discord.NotFound):
        await scene.bot.http.request(Route("GET", "/nowhere/{channel_id}", channel_id=1))
    assert any("content is 2001 chars" in p for p in fake.problems)
    assert any("unknown route" in p for p in fake.problems)
    fake.problems.clear()


async def test_large_guild_is_chunked(fake: FakeDiscord) -> None:
    guild = fake.add_guild("Big")
    started = time.perf_counter()
    fake.bulk_members(guild, 10_000)
    assert time.perf_counter() - started < 2
    small = fake.add_guild("Small")
    fake.bulk_members(small, 300)
    bot = BareBot(intents=discord.Intents(guilds=True, members=True), guild_ready_timeout=0.05)
    async with bot:
        task = await run_bot(fake, bot)
        big = bot.get_guild(guild)
        assert big is not None
        assert big.member_count == 10_002
        assert big.chunked
        await bot.close()
        await task
    assert_clean(fake)


def test_env_points_a_subprocess_at_the_fake() -> None:
    fake = FakeDiscord(openapi=False)
    assert set(fake.env()) == {"DISCORD_API_BASE", "DISCORD_GATEWAY_URL", "DISCORD_TOKEN"}
    assert yarl.URL(fake.gateway_url).scheme == "ws"


@pytest.mark.process
async def test_barebot_runs_as_a_process(fake: FakeDiscord) -> None:
    guild = fake.add_guild("Floor")
    channel = fake.add_channel(guild, "general")
    member = fake.add_member(guild, "ash")
    root = Path(__file__).resolve().parents[1]
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.fakediscord.barebot",
        cwd=root, env={**os.environ, **fake.env()},
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await fake.wait_for_ready(timeout=20)
        await fake.wait_for_commands(timeout=5)
        handle = await fake.slash(guild, channel, member, "ping")
        assert (await handle.response(timeout=5))["data"]["content"] == "pong"
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=10)
    assert process.returncode == 0, stderr.decode()
    assert b"Unclosed" not in stderr
    assert_clean(fake)
