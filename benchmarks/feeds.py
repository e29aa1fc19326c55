"""Feeds at scale: one poll cycle over 300 feeds, and parse throughput, against baselines.

Run with `python -m benchmarks.feeds` (add `--quick` for a smaller run). The feed server runs
in a separate process on loopback, so the CPU figures are the bot's own. Baselines are
measured in the same run on the same bytes:

- poll cycle: a naive reader with the same concurrency that GETs every feed without
  validators and runs feedparser on each body inside the event loop;
- parse: `feedparser.parse` alone on the same bytes, so the ratio is the cost of Alongside's
  cleaning (HTML to text, link checks, identities) and of the worker-process hop.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import socket
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import TypeVar
from xml.sax.saxutils import escape

import aiohttp
import feedparser
from aiohttp import web

from bot.core.config import PROJECT_ROOT, load_settings
from bot.core.timeutil import ManualClock
from bot.db import Database
from bot.db.guild_settings import GuildSettingsRepo
from bot.db.migrate import apply_migrations
from bot.feeds.fetch import FeedFetcher, FetchPolicy, user_agent
from bot.feeds.limits import FeedLimits
from bot.feeds.models import Post
from bot.feeds.netguard import AddressGuard
from bot.feeds.parse import parse_feed
from bot.feeds.service import FeedsService
from bot.feeds.settings import feed_settings
from bot.feeds.topics import TopicMatcher
from bot.feeds.worker import ParserPool
from bot.settings.registry import GuildSettings, SettingsRegistry, core_settings

T = TypeVar("T")
GUILD = 1
CHANNEL = 2
START = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
PARAGRAPH = (
    "<p>Lived experience leadership means <em>sharing power</em>, not just being in the room. "
    "We talked about co-production, about budgets, and about what it costs to tell your "
    "story again &amp; again.</p>"
)


# The feed server (its own process) ---------------------------------------------------------


def feed_bytes(number: int, version: int, items: int) -> bytes:
    """An RSS 2.0 feed of `items` pieces; `version` adds newer pieces at the top."""
    parts = []
    for index in range(version + items, version, -1):
        moment = START - timedelta(hours=200 - index)
        parts.append(
            f"<item><title>Feed {number}, piece {index}: notes from the table</title>"
            f"<link>https://blog{number}.example/posts/{index}</link>"
            f"<guid>https://blog{number}.example/?p={index}</guid>"
            f"<pubDate>{format_datetime(moment)}</pubDate>"
            f"<dc:creator>Writer {number}</dc:creator>"
            f"<description>{escape(PARAGRAPH * 3)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>Blog {number}</title><link>https://blog{number}.example/</link>"
        "<description>A peer network blog</description>" + "".join(parts) + "</channel></rss>"
    ).encode()


def serve(port_out: multiprocessing.Queue[int], feeds: int, items: int) -> None:
    """Serve `feeds` feeds with ETags; POST /bump?count=N gives the first N a new piece."""
    versions = dict.fromkeys(range(feeds), 0)
    bodies = {n: feed_bytes(n, 0, items) for n in range(feeds)}

    async def feed(request: web.Request) -> web.Response:
        number = int(request.match_info["number"])
        etag = f'"{number}-{versions[number]}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(
            body=bodies[number], headers={"ETag": etag, "Content-Type": "application/rss+xml"}
        )

    async def bump(request: web.Request) -> web.Response:
        for number in range(int(request.query["count"])):
            versions[number] += 1
            bodies[number] = feed_bytes(number, versions[number], items)
        return web.Response(text="ok")

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/feed/{number}", feed)
        app.router.add_post("/bump", bump)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        site = web.SockSite(runner, sock)
        await site.start()
        port_out.put(sock.getsockname()[1])
        await asyncio.Event().wait()

    asyncio.run(main())


# The bot side -----------------------------------------------------------------------------


class NullPoster:
    """Accepts posts without Discord, so the cycle measures fetching, parsing and storage."""

    def __init__(self) -> None:
        self.sent = 0

    async def send_post(self, channel_id: int, post: Post, nonce: str) -> int:
        self.sent += 1
        return self.sent

    async def find_post(self, channel_id: int, post: Post) -> int | None:
        return None

    async def open_thread(self, channel_id: int, message_id: int, post: Post) -> None:
        return None

    async def send_notice(self, channel_id: int, text: str) -> bool:
        return True


@dataclass
class Timing:
    """Wall-clock and CPU seconds of one measured step."""

    wall: float
    cpu: float


async def timed(step: Callable[[], Awaitable[T]]) -> tuple[Timing, T]:
    """Run one step, measuring wall-clock and this process's CPU (worker threads included)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = await step()
    return Timing(time.perf_counter() - wall, time.process_time() - cpu), result


async def naive_cycle(base: str, feeds: int, concurrency: int) -> int:
    """What a simple reader does: fetch everything unconditionally, parse on the loop."""
    gate = asyncio.Semaphore(concurrency)
    total = 0
    async with aiohttp.ClientSession() as session:

        async def one(number: int) -> int:
            async with gate, session.get(f"{base}/feed/{number}") as response:
                body = await response.read()
            return len(feedparser.parse(body).entries)

        for count in await asyncio.gather(*(one(n) for n in range(feeds))):
            total += count
    return total


async def build_service(
    folder: Path, concurrency: int
) -> tuple[FeedsService, ManualClock, Database]:
    settings = load_settings(
        {"DATABASE_PATH": str(folder / "bench.db"), "DATA_DIR": str(PROJECT_ROOT / "data")},
        require_token=False,
    )
    db = await Database.open(settings.database_path)
    await apply_migrations(db)
    registry = SettingsRegistry()
    registry.declare(core_settings("Europe/London"))
    registry.declare(feed_settings())
    clock = ManualClock(START)
    policy = FetchPolicy(
        user_agent=user_agent("bench", settings.contact_url),
        allow_private_hosts=True,
        concurrency=concurrency,
    )
    service = FeedsService(
        db=db,
        clock=clock,
        settings=GuildSettings(registry, GuildSettingsRepo(db)),
        fetcher=FeedFetcher(policy, AddressGuard(allow_private=True)),
        topics=TopicMatcher.from_data(settings.data_dir),
        rng=random.Random(1),
        limits=FeedLimits(max_feeds_per_server=10_000),
    )
    return service, clock, db


def parse_rates(sample: bytes, rounds: int) -> tuple[float, float, int]:
    """Items per second: Alongside's parse_feed, and feedparser alone, on the same bytes."""
    items = len(parse_feed(sample, "https://blog.example/feed").items)
    ours, theirs = [], []
    for _ in range(rounds):
        started = time.perf_counter()
        parse_feed(sample, "https://blog.example/feed")
        ours.append(time.perf_counter() - started)
        started = time.perf_counter()
        feedparser.parse(sample)
        theirs.append(time.perf_counter() - started)
    return items / statistics.median(ours), items / statistics.median(theirs), items


async def pool_rate(sample: bytes, rounds: int, items: int) -> float:
    """Items per second through the worker pool (process hop and time limit included)."""
    pool = ParserPool(workers=2, timeout=10)
    try:
        started = time.perf_counter()
        await asyncio.gather(
            *(pool.parse(sample, "https://blog.example/feed", "") for _ in range(rounds))
        )
        return items * rounds / (time.perf_counter() - started)
    finally:
        await pool.close()


async def run(feeds: int, items: int, changed_share: float, concurrency: int) -> None:
    queue: multiprocessing.Queue[int] = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(queue, feeds, items), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{queue.get(timeout=30)}"
    changed = round(feeds * changed_share)
    try:
        with tempfile.TemporaryDirectory() as folder:
            service, clock, db = await build_service(Path(folder), concurrency)
            poster = NullPoster()
            try:
                started = time.perf_counter()
                for number in range(feeds):
                    await service.add(
                        guild_id=GUILD,
                        actor_id=1,
                        url=f"{base}/feed/{number}",
                        channel_id=CHANNEL + number,
                    )
                added_in = time.perf_counter() - started

                async with aiohttp.ClientSession() as session:
                    await (await session.post(f"{base}/bump?count={changed}")).read()
                clock.advance(minutes=17)
                cycle, report = await timed(lambda: service.run_due(poster))

                clock.advance(minutes=17)
                quiet, quiet_report = await timed(lambda: service.run_due(poster))

                naive, naive_items = await timed(lambda: naive_cycle(base, feeds, concurrency))
            finally:
                await service.close()
                await db.close()

        sample = feed_bytes(0, 0, items)
        ours, theirs, per_feed = parse_rates(sample, rounds=30)
        pooled = await pool_rate(sample, rounds=60, items=per_feed)
    finally:
        server.terminate()
        server.join()

    def row(label: str, timing: Timing, note: str) -> None:
        print(f"  {label:<44} wall {timing.wall:6.3f} s  CPU {timing.cpu:6.3f} s  {note}")

    print(f"Feeds: {feeds} feeds of {items} pieces on loopback, concurrency {concurrency}")
    print(f"  {'adding every feed (one first fetch each)':<44} wall {added_in:6.3f} s")
    row(
        f"poll cycle: {changed} changed, {feeds - changed} answer 304",
        cycle,
        f"({report.not_modified} unchanged, {report.sent} new posts)",
    )
    row("poll cycle: all answer 304", quiet, f"({quiet_report.not_modified} unchanged)")
    row("baseline: naive GET all + feedparser on loop", naive, f"({naive_items} items parsed)")
    print(
        f"  {'ratio cycle / naive':<44} wall {cycle.wall / naive.wall:6.2f}x   "
        f"CPU {cycle.cpu / naive.cpu:6.2f}x"
    )
    print(f"  {'parse: Alongside parse_feed':<44} {ours:9,.0f} items/s")
    print(f"  {'parse: through the worker pool':<44} {pooled:9,.0f} items/s")
    print(f"  {'baseline: feedparser.parse alone':<44} {theirs:9,.0f} items/s")
    print(f"  {'ratio parse_feed / feedparser':<44} {ours / theirs:9.2f}x")


def main() -> None:
    """Run the feeds benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="60 feeds instead of 300")
    args = parser.parse_args()
    feeds = 60 if args.quick else 300
    asyncio.run(run(feeds=feeds, items=20, changed_share=0.1, concurrency=8))


if __name__ == "__main__":
    main()
