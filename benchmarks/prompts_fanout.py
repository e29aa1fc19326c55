"""DM fan-out of one prompt occurrence through the real bot, against a rate-limited Discord.

Run: .venv/bin/python -m benchmarks.prompts_fanout [--subscribers 5000] [--rate 45]

Every subscriber has the same daily 09:00 (Europe/London) subscription, so one tick claims
them all at once. The bot is the real `Alongside` client with the real reflect cog, talking
over HTTP and a websocket to tests/fakediscord with Discord-style limits switched on
(50 requests a second globally). DM channels are opened at subscribe time, as
`/reflect subscribe` does, so the fan-out costs one request per member and the floor is
subscribers ÷ 50 seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import cast
from zoneinfo import ZoneInfo

import discord

from benchmarks.common import machine
from bot.app.client import Alongside, point_discord_at
from bot.app.services import Services, build_services
from bot.core.config import PROJECT_ROOT, load_settings
from bot.core.timeutil import ManualClock
from bot.db import Database
from bot.db.migrate import apply_migrations
from bot.prompts.dispatch import TickReport
from bot.prompts.pacing import DEFAULT_RATE
from bot.prompts.service import PromptService
from cogs.reflect._cog import TICK_JOB, Reflect
from tests.fakediscord import FakeDiscord

EXTENSIONS = ("cogs.about", "cogs.support", "cogs.mod", "cogs.reflect")
DUE = datetime(2026, 1, 13, 9, 0, tzinfo=ZoneInfo("Europe/London")).astimezone(UTC)


@dataclass
class FanoutResult:
    """What one fan-out did, against what the rate limit allows."""

    subscribers: int
    requests: int
    seconds: float
    floor: float
    count_429: int
    duplicates: int
    losses: int
    slowdowns: int
    report: TickReport

    @property
    def ratio(self) -> float:
        """Completion time over the floor the rate limit sets."""
        return self.seconds / self.floor if self.floor else float("nan")


class LoopbackBot:
    """The real bot, in this process, connected to a FakeDiscord; restartable on one database."""

    def __init__(self, fake: FakeDiscord, workdir: Path, *, rate: float, concurrency: int):
        self.fake = fake
        self.workdir = workdir
        self.rate = rate
        self.concurrency = concurrency
        self.clock = ManualClock(datetime(2026, 1, 12, 12, 0, tzinfo=UTC))
        self.db: Database | None = None
        self.services: Services | None = None
        self.bot: Alongside | None = None
        self._task: asyncio.Task[None] | None = None
        self.starts = 0

    async def start(self) -> Alongside:
        """Open the database, build the services and connect a new bot (as after a restart)."""
        settings = load_settings(
            {
                "DISCORD_TOKEN": self.fake.token,
                "DATABASE_PATH": str(self.workdir / "alongside.db"),
                "DATA_DIR": str(PROJECT_ROOT / "data"),
            }
        )
        self.db = await Database.open(settings.database_path)
        await apply_migrations(self.db)
        services = build_services(settings, self.db, self.clock)
        services.prompts = PromptService(
            self.db,
            settings.data_dir,
            self.clock,
            services.settings,
            services.ledger,
            rate=self.rate,
            concurrency=self.concurrency,
        )
        self.services = services
        self.bot = Alongside(services, extensions=EXTENSIONS)
        self._task = asyncio.create_task(self.bot.start(self.fake.token))
        self.starts += 1
        await self.fake.wait_for_ready(timeout=20, count=self.starts)
        await asyncio.wait_for(self.bot.wait_until_ready(), timeout=20)
        # Ticks are driven by hand with the manual clock, not by the 30-second job.
        services.scheduler.remove(TICK_JOB)
        return self.bot

    @property
    def cog(self) -> Reflect:
        """The loaded reflect cog."""
        assert self.bot is not None
        # Not isinstance: closing a bot unloads its extensions, so a restarted bot's cog class
        # comes from a freshly imported module.
        found = self.bot.get_cog("Reflect")
        assert found is not None
        return cast("Reflect", found)

    async def stop(self) -> None:
        """Close the bot and the database, as a shutdown would."""
        if self.bot is not None:
            await self.bot.close()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.db is not None:
            await self.db.close()
        self.bot = self.db = self.services = self._task = None


@contextlib.asynccontextmanager
async def loopback(
    workdir: Path, *, rate: float = DEFAULT_RATE, concurrency: int = 8
) -> AsyncIterator[LoopbackBot]:
    """A started fake Discord with discord.py pointed at it, and a bot ready to start."""
    fake = FakeDiscord(openapi=False)
    await fake.start()
    old = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    point_discord_at(fake.api_base, fake.gateway_url)
    harness = LoopbackBot(fake, workdir, rate=rate, concurrency=concurrency)
    try:
        yield harness
    finally:
        await harness.stop()
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old
        await fake.stop()


async def subscribe_all(harness: LoopbackBot, guild_id: int, count: int) -> list[int]:
    """Add members with daily 09:00 subscriptions and DM channels opened, as on subscribing."""
    assert harness.services is not None
    service = harness.services.prompts
    members = harness.fake.bulk_members(guild_id, count)
    for user_id in members:
        channel = harness.fake.world.dm_channel(user_id)
        await service.subscribe(
            guild_id, user_id, "daily", None, "09:00", "Europe/London", channel.id
        )
    return members


def tally(fake: FakeDiscord, members: list[int]) -> tuple[int, int]:
    """Count duplicate prompts and members who got none."""
    counts = [len(fake.dm_messages(user_id)) for user_id in members]
    return sum(max(0, n - 1) for n in counts), sum(1 for n in counts if n == 0)


async def fanout(
    subscribers: int,
    *,
    limit: int = 50,
    rate: float = DEFAULT_RATE,
    concurrency: int = 8,
    workdir: Path,
) -> FanoutResult:
    """Fan one occurrence out to `subscribers` DMs and measure it."""
    async with loopback(workdir, rate=rate, concurrency=concurrency) as harness:
        guild = harness.fake.add_guild("Peer Network")
        harness.fake.add_channel(guild, "general")
        await harness.start()
        members = await subscribe_all(harness, guild, subscribers)
        harness.fake.rate_limits(global_per_second=limit)
        before = len(harness.fake.requests)
        harness.clock.set(DUE)
        started = time.perf_counter()
        report = await harness.cog.tick()
        seconds = time.perf_counter() - started
        assert report is not None
        requests = (
            sum(1 for r in harness.fake.requests[before:] if r.method == "POST")
            - harness.fake.count_429
        )
        duplicates, losses = tally(harness.fake, members)
        assert harness.services is not None
        return FanoutResult(
            subscribers=subscribers,
            requests=requests,
            seconds=seconds,
            floor=requests / limit,
            count_429=harness.fake.count_429,
            duplicates=duplicates,
            losses=losses,
            slowdowns=harness.services.prompts.pacer.slowdowns,
            report=report,
        )


def describe(result: FanoutResult, limit: int, rate: float) -> str:
    """The figures, as printed and as pasted into the closing note."""
    return "\n".join(
        [
            f"Prompt DM fan-out: {result.subscribers:,} subscribers, one occurrence",
            f"  machine:            {machine()}",
            f"  Discord limit:      {limit} requests/s global (loopback fake)",
            f"  pacing:             {rate:g} requests/s token bucket",
            f"  requests sent:      {result.requests:,}",
            f"  completion:         {result.seconds:.1f} s",
            f"  floor (requests÷{limit}): {result.floor:.1f} s",
            f"  ratio:              {result.ratio:.2f}",
            f"  429 responses:      {result.count_429}",
            f"  duplicates:         {result.duplicates}",
            f"  losses:             {result.losses}",
            f"  slow-downs (40003): {result.slowdowns}",
            f"  tick report:        sent {result.report.sent}, failed {result.report.failed}, "
            f"retrying {result.report.retrying}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=5000)
    parser.add_argument("--limit", type=int, default=50, help="the fake's global requests/s")
    parser.add_argument("--rate", type=float, default=DEFAULT_RATE, help="the bot's pacing")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")
    logging.getLogger("discord").setLevel(logging.ERROR)  # voice-support notices
    with tempfile.TemporaryDirectory() as folder:
        result = asyncio.run(
            fanout(
                args.subscribers,
                limit=args.limit,
                rate=args.rate,
                concurrency=args.concurrency,
                workdir=Path(folder),
            )
        )
    print(describe(result, args.limit, args.rate))
    return 0 if result.duplicates == 0 and result.losses == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
