"""Interaction latency, start-up time and memory, against a bare discord.py bot on the same fake.

Run: python -m benchmarks.interactions [--calls 2000] [--concurrency 50] [--terms 10000]
     [--profile-dir DIR]   (py-spy profiles of the bot during the co-production run)

The server holds the shipped glossary (data/glossary.toml) plus 10,000 generated terms shaped
like the shipped ones (see benchmarks/shapes.py), with members' perspectives on both.

1. The glossary inside the bot (service calls): autocomplete and define p50/p99, against raw
   sqlite3 doing the nearest equivalent query.
2. End to end through the loopback Discord: INTERACTION_CREATE sent → callback received, for
   `/glossary define term:co-production` (a shipped entry with viewpoints, perspectives and
   related-term buttons), define on the generated terms, and autocomplete, at concurrency 50,
   against a bare bot's `/ping` on the same fake in the same run: p50/p95/p99, answers per
   second, and the bot process's CPU time per interaction.
3. Start-up (process start → READY, and → first answered command) and resident memory after
   READY in a 10,000-member server, against the bare bot.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.common import Timer, machine, ms, percentile, table
from benchmarks.measuring import Run, measured, spying, stop_spying
from benchmarks.shapes import WORDS, load_shipped_glossary, seed_shaped
from bot.core.config import PROJECT_ROOT
from bot.core.timeutil import ManualClock
from bot.db import Database
from bot.db.migrate import apply_migrations
from bot.glossary import GlossaryService
from tests.botprocess import BotProcess
from tests.fakediscord import FakeDiscord


async def migrated(path: Path) -> None:
    """Create the schema."""
    db = await Database.open(path)
    await apply_migrations(db)
    await db.close()


async def service_figures(
    path: Path, guild_id: int, slugs: list[str], calls: int
) -> list[tuple[str, str, str, str]]:
    """Time the glossary service itself, and raw sqlite3 as the floor."""
    rng = random.Random(3)
    db = await Database.open(path)
    glossary = GlossaryService(db, PROJECT_ROOT / "data", ManualClock(datetime.now(UTC)))
    with Timer() as build:
        await glossary.index(guild_id)
    prefixes = [rng.choice(WORDS)[: rng.randint(1, 4)] for _ in range(calls)]
    auto, define = [], []
    for prefix in prefixes:
        start = time.perf_counter()
        await glossary.autocomplete(guild_id, prefix)
        auto.append(time.perf_counter() - start)
    for slug in rng.choices(slugs, k=calls):
        start = time.perf_counter()
        await glossary.define(guild_id, slug)
        define.append(time.perf_counter() - start)
    await db.close()

    raw = sqlite3.connect(path)
    raw_auto, raw_define = [], []
    for prefix in prefixes:
        start = time.perf_counter()
        raw.execute(
            "SELECT display FROM glossary_names WHERE guild_id = ? AND folded >= ? AND folded < ? LIMIT 25",
            (guild_id, prefix, prefix + "\uffff"),
        ).fetchall()
        raw_auto.append(time.perf_counter() - start)
    for slug in rng.choices(slugs, k=calls):
        start = time.perf_counter()
        term = raw.execute(
            "SELECT id FROM glossary_terms WHERE guild_id = ? AND slug = ?", (guild_id, slug)
        ).fetchone()
        raw.execute(
            "SELECT text FROM glossary_perspectives WHERE term_id = ? AND status = 'approved'",
            (term[0],),
        ).fetchall()
        raw_define.append(time.perf_counter() - start)
    raw.close()
    rows = [("index build (once per server)", ms(build.seconds), "-", "-")]
    for label, ours, floor in (("autocomplete", auto, raw_auto), ("define", define, raw_define)):
        for pct in (50, 99):
            a, b = percentile(ours, pct), percentile(floor, pct)
            rows.append(
                (f"{label} p{pct} (service)", ms(a), ms(b) + " raw sqlite3", f"{a / b:.1f}×")
            )
    return rows


async def fire(
    fake: FakeDiscord,
    guild: int,
    channel: int,
    user: int,
    name: str,
    calls: int,
    concurrency: int,
    **options: object,
) -> list[float]:
    """Send `calls` slash commands at `concurrency`; return each acknowledgement latency."""
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []

    async def one(i: int) -> None:
        async with gate:
            handle = await fake.slash(
                guild,
                channel,
                user,
                name,
                **{k: (v(i) if callable(v) else v) for k, v in options.items()},
            )
            await handle.response(timeout=30)
            if handle.latency is not None:
                latencies.append(handle.latency)

    await asyncio.gather(*(one(i) for i in range(calls)))
    return latencies


async def fire_autocomplete(
    fake: FakeDiscord, guild: int, channel: int, user: int, calls: int, concurrency: int
) -> list[float]:
    """Send autocomplete requests for /glossary define; return latencies."""
    gate = asyncio.Semaphore(concurrency)
    rng = random.Random(5)
    latencies: list[float] = []

    async def one() -> None:
        async with gate:
            typed = rng.choice(WORDS)[:3]
            handle = await fake.autocomplete(guild, channel, user, "glossary define", "term", typed)
            await handle.response(timeout=30)
            if handle.latency is not None:
                latencies.append(handle.latency)

    await asyncio.gather(*(one() for _ in range(calls)))
    return latencies


async def run_bot(
    module: str, fake: FakeDiscord, workdir: Path, guild: int, channel: int, user: int, probe: str
) -> tuple[BotProcess, float, float]:
    """Start a bot; return it with seconds to READY and to its first answered command."""
    database = workdir / "alongside.db"
    identified, synced = fake.identify_count, len(fake.command_syncs)
    process = await BotProcess.start(fake, database, module=module)
    start = process.started
    await fake.wait_for_commands(timeout=60, count=synced + 1)
    await fake.wait_for_ready(timeout=60, count=identified + 1)
    ready = time.perf_counter() - start
    while True:
        handle = await fake.slash(guild, channel, user, probe)
        try:
            await handle.response(timeout=5)
            break
        except TimeoutError:
            continue
    first = time.perf_counter() - start
    return process, ready, first


def compare(runs: list[Run], floor: Run) -> list[tuple[str, str, str, str]]:
    """Rows of latency, throughput and CPU for each run against the bare bot's."""
    rows = []
    for run in runs:
        for pct in (50, 95, 99):
            a, b = run.row(pct), floor.row(pct)
            rows.append((f"{run.label} p{pct}", ms(a), ms(b) + " bare /ping", f"{a / b:.2f}×"))
        rows.append(
            (
                f"{run.label} answers/s",
                f"{run.per_second:,.0f}",
                f"{floor.per_second:,.0f}",
                f"{run.per_second / floor.per_second:.2f}×",
            )
        )
        rows.append(
            (
                f"{run.label} bot CPU per interaction",
                f"{run.cpu_ms:.2f} ms",
                f"{floor.cpu_ms:.2f} ms",
                f"{run.cpu_ms / floor.cpu_ms:.2f}×",
            )
        )
        rows.append(
            (
                f"{run.label} fake Discord + load CPU per interaction",
                f"{run.fake_cpu_ms:.2f} ms",
                f"{floor.fake_cpu_ms:.2f} ms",
                f"{run.fake_cpu_ms / floor.fake_cpu_ms:.2f}×",
            )
        )
    return rows


async def main(calls: int, concurrency: int, terms: int, profile_dir: Path | None) -> None:
    """Run every measurement and print the tables."""
    print(f"Machine: {machine()}")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        fake = FakeDiscord(openapi=False)
        await fake.start()
        try:
            guild = fake.add_guild("Benchmark Network")
            channel = fake.add_channel(guild, "general")
            user = fake.add_member(guild, "member")
            fake.bulk_members(guild, 10_000)

            alongside_dir = work / "alongside"
            alongside_dir.mkdir()
            database = alongside_dir / "alongside.db"
            await migrated(database)
            with Timer() as seeding:
                shipped = await load_shipped_glossary(database, guild)
                slugs = seed_shaped(database, guild, shipped, terms)
            print(
                f"Loaded {len(shipped)} shipped terms and generated {terms:,} shaped like them"
                f" in {seeding.seconds:.1f} s"
            )
            print(
                table(
                    f"Glossary inside the bot ({calls:,} calls each)",
                    await service_figures(database, guild, slugs, calls),
                )
            )

            bot, ready, first = await run_bot(
                "bot", fake, alongside_dir, guild, channel, user, "about"
            )
            pid = bot.process.pid
            rss_ready, _ = bot.rss_kib()
            rng = random.Random(11)
            define = "glossary define"
            # Warm-up (first-use index build, imports, caches), not measured, for both bots.
            await fire(fake, guild, channel, user, define, concurrency, concurrency, term=slugs[0])
            spies = spying(profile_dir, "define", pid)
            shipped_run = await measured(
                "define co-production",
                pid,
                fire(fake, guild, channel, user, define, calls, concurrency, term="co-production"),
            )
            stop_spying(spies)
            shaped_run = await measured(
                "define generated",
                pid,
                fire(
                    fake,
                    guild,
                    channel,
                    user,
                    define,
                    calls,
                    concurrency,
                    term=lambda _: rng.choice(slugs),
                ),
            )
            auto_run = await measured(
                "autocomplete",
                pid,
                fire_autocomplete(fake, guild, channel, user, calls, concurrency),
            )
            rss_after, peak = bot.rss_kib()
            await bot.stop()

            bare_dir = work / "bare"
            bare_dir.mkdir()
            bare, bare_ready, bare_first = await run_bot(
                "tests.fakediscord.barebot", fake, bare_dir, guild, channel, user, "ping"
            )
            bare_rss, _ = bare.rss_kib()
            await fire(fake, guild, channel, user, "ping", concurrency, concurrency)
            spies = spying(profile_dir, "ping", bare.process.pid)
            ping = await measured(
                "ping",
                bare.process.pid,
                fire(fake, guild, channel, user, "ping", calls, concurrency),
            )
            stop_spying(spies)
            await bare.stop()
        finally:
            await fake.stop()

    print(
        table(
            f"End to end ({calls:,} calls each, concurrency {concurrency}, "
            f"{len(shipped)} shipped + {terms:,} generated terms)",
            compare([shipped_run, shaped_run, auto_run], ping),
        )
    )
    print(
        table(
            "Start-up and memory (10,000-member server)",
            [
                (
                    "process start → READY",
                    f"{ready:.2f} s",
                    f"{bare_ready:.2f} s",
                    f"{ready / bare_ready:.2f}×",
                ),
                (
                    "process start → first answer",
                    f"{first:.2f} s",
                    f"{bare_first:.2f} s",
                    f"{first / bare_first:.2f}×",
                ),
                (
                    "RSS after READY",
                    f"{rss_ready / 1024:.1f} MiB",
                    f"{bare_rss / 1024:.1f} MiB",
                    f"{rss_ready / bare_rss:.2f}×",
                ),
                (
                    "RSS after the runs (peak)",
                    f"{rss_after / 1024:.1f} MiB ({peak / 1024:.1f})",
                    "-",
                    "-",
                ),
            ],
        )
    )
    print("\n" + json.dumps({"problems": fake.problems[:5]}))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--terms", type=int, default=10_000)
    parser.add_argument("--profile-dir", type=Path, help="save a py-spy profile here")
    args = parser.parse_args()
    asyncio.run(main(args.calls, args.concurrency, args.terms, args.profile_dir))
    sys.exit(0)
