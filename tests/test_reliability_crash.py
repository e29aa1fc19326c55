"""Crash safety: `kill -9` the bot process in the middle of a DM fan-out, of feed posting and of a
burst of writes, start it again on the same database, and check that nothing was lost, nothing
was sent or stored twice, and the database is sound.

The bot runs as `python -m tests.fastbot`, which is `python -m bot` with its "look for due work"
ticks every second instead of every 30–60 s, against the loopback Discord (with channel history,
which feeds read after a crash).
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app.services import Services, build_services
from bot.core.config import PROJECT_ROOT, load_settings
from bot.core.timeutil import to_db
from bot.db import Database
from bot.db.migrate import apply_migrations
from bot.feeds.settings import MAX_POSTS_PER_POLL
from tests.botprocess import BAD_SIGNS, BotProcess
from tests.feedbuild import items, rss2
from tests.feedserver import FeedServer
from tests.livebot import LoopbackDiscord

pytestmark = [pytest.mark.reliability, pytest.mark.process]

FEEDS_ENV = {"FEEDS_ALLOW_PRIVATE_HOSTS": "yes"}


@pytest.fixture
async def fake() -> AsyncIterator[LoopbackDiscord]:
    server = LoopbackDiscord()
    await server.start()
    yield server
    await server.stop()


@contextlib.asynccontextmanager
async def offline(database: Path, env: dict[str, str] | None = None) -> AsyncIterator[Services]:
    """The bot's services on its database, with the bot stopped (to set the scene)."""
    settings = load_settings(
        {
            "DISCORD_TOKEN": "unused",
            "DATABASE_PATH": str(database),
            "DATA_DIR": str(PROJECT_ROOT / "data"),
            **(env or {}),
        }
    )
    db = await Database.open(database)
    await apply_migrations(db)
    services = build_services(settings, db)
    try:
        yield services
    finally:
        await services.feeds.close()
        await db.close()


async def start(fake: LoopbackDiscord, database: Path, **env: str) -> BotProcess:
    bot = await BotProcess.start(fake, database, extra_env=env, module="tests.fastbot")
    await bot.wait_for_log("Ready as", timeout=30)
    return bot


async def until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


async def settle(fake: LoopbackDiscord, still: float = 1.0) -> None:
    """Wait until the fake has had no request for `still` seconds (so late duplicates show)."""
    seen, since = fake.request_count, time.monotonic()
    while time.monotonic() - since < still:
        await asyncio.sleep(0.05)
        if fake.request_count != seen:
            seen, since = fake.request_count, time.monotonic()


def sound(database: Path) -> None:
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


async def finish(bot: BotProcess) -> None:
    code = await bot.stop()
    assert code == 0, bot.log
    for sign in BAD_SIGNS:
        assert sign not in bot.log, bot.log


def daytime_zone() -> str:
    """A timezone where it is about midday now.

    The bot runs as a real process on the real clock, and a heavy prompt waits out the member's
    quiet hours (21:00–08:00 by default): in Europe/London this test failed every evening.
    """
    offset = (12 - datetime.now(UTC).hour + 12) % 24 - 12  # hours ahead of UTC, -12 to 11
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"  # Etc/GMT-9 is nine hours ahead


async def test_kill_9_during_a_dm_fan_out(fake: LoopbackDiscord, tmp_path: Path) -> None:
    guild = fake.add_guild("Peer Network")
    fake.add_channel(guild, "general")
    members = fake.bulk_members(guild, 120)
    fake.rate_limits(global_per_second=50)
    fake.rest_latency = 0.05  # so that some DMs are in flight when the process dies
    database = tmp_path / "alongside.db"
    async with offline(database) as services:
        for user_id in members:
            channel = fake.world.dm_channel(user_id).id
            await services.prompts.subscribe(
                guild, user_id, "daily", None, "09:00", daytime_zone(), channel
            )
        # Due two minutes ago: inside the grace period, so the bot sends it as soon as it can.
        due = to_db(datetime.now(UTC) - timedelta(minutes=2))
        await services.db.execute("UPDATE prompt_subscriptions SET next_due = ?", (due,))

    def reached() -> int:
        return sum(1 for m in members if fake.dm_messages(m))

    first = await start(fake, database)
    await until(lambda: reached() >= 25, 30, "the fan-out to start")
    await first.kill()
    at_kill = reached()
    assert at_kill < len(members), "the fan-out finished before the kill"

    second = await start(fake, database)
    await until(lambda: reached() == len(members), 30, "every member to get the prompt")
    await settle(fake)
    await finish(second)

    counts = Counter(len(fake.dm_messages(m)) for m in members)
    assert counts == Counter({1: len(members)})  # none lost, none twice
    sound(database)
    dm_paths = {f"/channels/{fake.world.dm_channel(m).id}/messages" for m in members}
    sends = sum(1 for r in fake.requests if r.method == "POST" and r.path in dm_paths)
    print(
        f"\nkilled after {at_kill} of {len(members)} DMs; every member got exactly one "
        f"({sends - len(members)} sent again after the restart, deduplicated by their nonce)"
    )


async def test_kill_9_during_feed_posting(fake: LoopbackDiscord, tmp_path: Path) -> None:
    guild = fake.add_guild("Peer Network")
    channel = fake.add_channel(guild, "general")
    database = tmp_path / "alongside.db"
    fake.rest_latency = 0.03  # a post, its thread and its question take a moment each
    async with FeedServer.running() as server:
        server.serve("/feed.xml", rss2("Peer Voices", items(1)))
        async with offline(database, FEEDS_ENV) as services:
            await services.feeds.add(
                guild_id=guild, actor_id=1, url=server.url("/feed.xml"), channel_id=channel
            )
            await services.settings.set_many(guild, {MAX_POSTS_PER_POLL: 20})
            await services.db.execute(
                "UPDATE feeds SET next_poll_at = ?", (to_db(datetime.now(UTC)),)
            )
        server.serve("/feed.xml", rss2("Peer Voices", items(21)))
        wanted = [f"Piece {n}" for n in range(2, 22)]

        def posts() -> list[dict[str, Any]]:
            return [m for m in fake.messages(channel) if m["embeds"]]

        first = await start(fake, database, **FEEDS_ENV)
        await until(lambda: len(posts()) >= 4, 30, "feed posting to start")
        await first.kill()
        at_kill = len(posts())
        assert at_kill < len(wanted), "posting finished before the kill"

        second = await start(fake, database, **FEEDS_ENV)
        await until(lambda: len(posts()) >= len(wanted), 30, "every piece to be posted")
        await settle(fake)
        await finish(second)

    titles = Counter(m["embeds"][0]["title"] for m in posts())
    assert titles == Counter(dict.fromkeys(wanted, 1))  # none lost, none twice
    threads = [c for c in fake.world.channels.values() if c.parent_id == channel]
    assert sorted(t.id for t in threads) == sorted(int(m["id"]) for m in posts())
    questions = Counter(len(fake.messages(t.id)) for t in threads)
    assert questions == Counter({1: len(wanted)})  # each thread asks its question once
    sound(database)
    looked = sum(1 for r in fake.requests if r.method == "GET" and r.path.endswith("/messages"))
    print(
        f"\nkilled after {at_kill} of {len(wanted)} posts; each posted once, one thread each; "
        f"{looked} history look-ups after the restart"
    )


async def test_kill_9_during_a_burst_of_writes(fake: LoopbackDiscord, tmp_path: Path) -> None:
    guild = fake.add_guild("Peer Network")
    channel = fake.add_channel(guild, "general")
    moderator = fake.add_member(guild, "mo", manage_guild=True)
    members = fake.bulk_members(guild, 50)
    database = tmp_path / "alongside.db"

    first = await start(fake, database)
    # The first use of the glossary loads the shipped terms; do it before the burst.
    warm = await fake.slash(guild, channel, moderator, "glossary define", term="recovery")
    await warm.response(timeout=10)
    burst = []
    for number, user_id in enumerate(members):
        term = f"Burst term {number:02d}"
        burst.append(
            (
                "term",
                term,
                await fake.slash(
                    guild,
                    channel,
                    moderator,
                    "mod glossary add",
                    term=term,
                    definition=f"Written in the burst, number {number}.",
                ),
            )
        )
        burst.append(
            (
                "sub",
                str(user_id),
                await fake.slash(guild, channel, user_id, "reflect subscribe", cadence="daily"),
            )
        )

    def confirmed() -> list[tuple[str, str]]:
        done = []
        for kind, key, handle in burst:
            texts = [str((handle.body or {}).get("data", {}).get("content") or "")]
            texts += [str(f.body.get("content") or "") for f in handle.followups]
            if any(t.startswith(("Added", "Subscribed")) for t in texts):
                done.append((kind, key))
        return done

    await until(lambda: len(confirmed()) >= 5, 30, "the burst to start")
    await first.kill()
    acknowledged = confirmed()
    assert len(acknowledged) < len(burst), "the burst finished before the kill"

    second = await start(fake, database)
    again = await fake.slash(guild, channel, members[0], "glossary define", term="Burst term 00")
    assert (await again.response(timeout=10))["type"] in (4, 5)
    await finish(second)

    sound(database)
    with sqlite3.connect(database) as conn:
        terms = Counter(
            name
            for (name,) in conn.execute(
                "SELECT name FROM glossary_terms WHERE guild_id = ? AND name LIKE 'Burst term %'",
                (guild,),
            )
        )
        subscribed = Counter(
            str(user)
            for (user,) in conn.execute(
                "SELECT user_id FROM prompt_subscriptions WHERE guild_id = ?", (guild,)
            )
        )
    assert all(n == 1 for n in terms.values()) and all(n == 1 for n in subscribed.values())
    lost = [
        (kind, key)
        for kind, key in acknowledged
        if (kind == "term" and terms[key] != 1) or (kind == "sub" and subscribed[key] != 1)
    ]
    assert lost == []  # every write the bot confirmed survived the kill
    print(
        f"\nkilled after {len(acknowledged)} of {len(burst)} confirmed writes; "
        f"all kept ({len(terms)} terms, {len(subscribed)} subscriptions stored)"
    )
