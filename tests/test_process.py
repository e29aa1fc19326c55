"""The bot as a separate process, talking to the loopback Discord over its real network stack."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.botprocess import BAD_SIGNS, BotProcess
from tests.fakediscord import FakeDiscord

pytestmark = pytest.mark.process


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.stop()


async def test_start_sync_once_answer_resume_and_shut_down_cleanly(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    guild = fake.add_guild("Peer Network")
    channel = fake.add_channel(guild, "general")
    member = fake.add_member(guild, "ash")
    database = tmp_path / "alongside.db"

    bot = await BotProcess.start(fake, database)
    try:
        await fake.wait_for_commands(timeout=20)
        await fake.wait_for_ready(timeout=20)
        ready_after = await bot.wait_for_log("Ready as", timeout=20)
        assert len(fake.command_syncs) == 1
        synced = {command["name"] for command in fake.command_syncs[0][1]}
        assert {"about", "support", "mod", "glossary"} <= synced

        about = await fake.slash(guild, channel, member, "about")
        body = await about.response(timeout=5)
        assert body["type"] == 4
        assert body["data"]["flags"] & 64  # ephemeral
        assert body["data"]["embeds"][0]["title"] == "About Alongside"

        await fake.drop_gateway()
        await fake.wait_for_resume(timeout=20)
        again = await fake.slash(guild, channel, member, "support")
        assert (await again.response(timeout=5))["data"]["flags"] & 64
        assert fake.identify_count == 1
        assert fake.resume_count == 1
    finally:
        code = await bot.stop()
    assert code == 0, bot.log
    for sign in BAD_SIGNS:
        assert sign not in bot.log
    assert fake.problems == []
    print(f"\nstart to READY: {ready_after:.2f} s")

    second = await BotProcess.start(fake, database)
    try:
        await second.wait_for_log("Command tree unchanged", timeout=20)
        await second.wait_for_log("Ready as", timeout=20)
    finally:
        assert await second.stop() == 0, second.log
    assert len(fake.command_syncs) == 1  # the unchanged tree was not synced again


async def test_sigint_also_stops_cleanly(fake: FakeDiscord, tmp_path: Path) -> None:
    fake.add_guild("Quiet")
    bot = await BotProcess.start(fake, tmp_path / "alongside.db")
    await bot.wait_for_log("Ready as", timeout=20)
    assert await bot.stop(signal.SIGINT) == 0
    for sign in BAD_SIGNS:
        assert sign not in bot.log


async def test_a_refused_token_exits_with_a_plain_message(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    bot = await BotProcess.start(
        fake, tmp_path / "alongside.db", extra_env={"DISCORD_TOKEN": "not-the-right-token"}
    )
    code = await asyncio.wait_for(bot.process.wait(), 30)
    await bot.stop()
    assert code == 2
    assert "Discord refused the token" in bot.log
    assert "not-the-right-token" not in bot.log
