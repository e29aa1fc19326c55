"""Gateway faults against the bot as a real process: a connection dropped without a close frame,
resumable and non-resumable close codes, a reconnect request and a late HELLO. After each the bot
serves commands again, and it identifies afresh only when the session is really gone.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.botprocess import BAD_SIGNS, BotProcess
from tests.fakediscord import FakeDiscord

pytestmark = [pytest.mark.reliability, pytest.mark.process]


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.stop()


async def test_the_bot_recovers_from_every_gateway_fault(fake: FakeDiscord, tmp_path: Path) -> None:
    guild = fake.add_guild("Peer Network")
    channel = fake.add_channel(guild, "general")
    member = fake.add_member(guild, "ash")
    database = tmp_path / "alongside.db"

    async def serves(command: str) -> None:
        handle = await fake.slash(guild, channel, member, command)
        body = await handle.response(timeout=5)
        assert body["type"] == 4 and body["data"]["flags"] & 64, command

    bot = await BotProcess.start(fake, database)
    resumes = sessions = 0
    try:
        await fake.wait_for_ready(timeout=20)
        await bot.wait_for_log("Ready as", timeout=20)
        sessions += 1
        await serves("about")

        # Resumable: the network drops (no close frame), Discord closes with 4000, or asks for
        # a reconnect. The session carries on.
        for fault in ("drop", 4000, "reconnect"):
            if fault == "reconnect":
                await fake.request_reconnect()
            else:
                await fake.drop_gateway(None if fault == "drop" else 4000)
            resumes += 1
            await fake.wait_for_resume(timeout=20, count=resumes)
            await serves("support")

        # Not resumable: 4007 (invalid sequence) and 4009 (session timed out) end the session;
        # the bot's RESUME is refused and it identifies again.
        for code in (4007, 4009):
            await fake.drop_gateway(code)
            sessions += 1
            await fake.wait_for_ready(timeout=30, count=sessions)
            await serves("about")

        # HELLO arrives late on the next connection; the bot waits for it and resumes.
        fake.delay_hello(3.0)
        await fake.drop_gateway(4000)
        resumes += 1
        await fake.wait_for_resume(timeout=30, count=resumes)
        fake.delay_hello(0)
        await serves("support")

        assert fake.resume_count == resumes == 4
        assert fake.identify_count == sessions == 3  # the non-resumable faults, plus the first
        await bot.wait_for_log("IDENTIFY number 3 in the last 24 hours", timeout=5)
    finally:
        code = await bot.stop()
    assert code == 0, bot.log
    for sign in BAD_SIGNS:
        assert sign not in bot.log
    assert fake.problems == []
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    print(f"\nIDENTIFY {fake.identify_count}, RESUME {fake.resume_count}")
