"""Interaction latency, start-up time and memory, against a bare discord.py bot on the same fake.

Run: python -m benchmarks.interactions [--calls 2000] [--concurrency 50] [--terms 10000]

1. The glossary inside the bot (service calls): autocomplete and define p50/p99 with 10,000
   terms and 30,000 perspectives, against raw sqlite3 doing the nearest equivalent query.
2. End to end through the loopback Discord: INTERACTION_CREATE sent → callback received, for
   `/glossary define` (and autocomplete) at concurrency 50, against a bare bot's `/ping`.
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
from bot.config import PROJECT_ROOT
from bot.db import Database
from bot.db.migrate import apply_migrations
from bot.glossary import GlossaryService
from bot.text import fold
from bot.timeutil import ManualClock, to_db
from tests.botprocess import BotProcess
from tests.fakediscord import FakeDiscord

WORDS = [
    "peer",
    "power",
    "voice",
    "care",
    "trust",
    "hope",
    "harm",
    "trauma",
    "lived",
    "practice",
    "support",
    "recovery",
    "model",
    "safety",
    "labour",
    "boundary",
    "story",
    "table",
    "board",
    "budget",
    "access",
    "equity",
    "council",
    "carer",
    "survivor",
    "madness",
    "rights",
    "advocacy",
    "network",
    "listening",
    "solidarity",
    "language",
    "coercion",
    "choice",
]


def seed_glossary(path: Path, guild_id: int, terms: int, per_term: int, seed: int = 7) -> list[str]:
    """Fill a migrated database with synthetic terms and perspectives; return their slugs."""
    rng = random.Random(seed)
    now = to_db(datetime.now(UTC))
    slugs: list[str] = []
    term_rows, name_rows, perspective_rows, fts_rows = [], [], [], []
    used: set[str] = set()
    for index in range(1, terms + 1):
        while True:
            name = " ".join(rng.sample(WORDS, 2)).capitalize() + f" {index}"
            if fold(name) not in used:
                used.add(fold(name))
                break
        slug = f"term-{index}"
        slugs.append(slug)
        definition = " ".join(rng.choices(WORDS, k=30)).capitalize() + "."
        term_rows.append(
            (index, guild_id, slug, name, definition, 0, "", "[]", "[]", "moderator", 0, now, now)
        )
        name_rows.append((guild_id, fold(name), name, index, 0))
        texts = []
        for _ in range(per_term):
            text = " ".join(rng.choices(WORDS, k=40)).capitalize() + "."
            texts.append(text)
            perspective_rows.append(
                (index, guild_id, 1000 + index, "named", "", text, "approved", now)
            )
        fts_rows.append((index, name, "", definition, " ".join(texts)))
    with sqlite3.connect(path) as conn:
        conn.executemany("INSERT INTO glossary_terms VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", term_rows)
        conn.executemany("INSERT INTO glossary_names VALUES (?,?,?,?,?)", name_rows)
        conn.executemany(
            "INSERT INTO glossary_perspectives (term_id, guild_id, author_id, credit, label, text,"
            " status, created_at) VALUES (?,?,?,?,?,?,?,?)",
            perspective_rows,
        )
        conn.executemany(
            "INSERT INTO glossary_fts (rowid, name, aliases, definition, perspectives) VALUES (?,?,?,?,?)",
            fts_rows,
        )
        # Mark the shipped file as loaded so the figures are about the 10,000 seeded terms.
        conn.execute("INSERT INTO glossary_shipped VALUES (?, 999)", (guild_id,))
    return slugs


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


async def main(calls: int, concurrency: int, terms: int) -> None:
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
                slugs = seed_glossary(database, guild, terms, 3)
            print(
                f"Seeded {terms:,} terms and {terms * 3:,} perspectives in {seeding.seconds:.1f} s"
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
            rss_ready, _ = bot.rss_kib()
            rng = random.Random(11)
            # Warm-up (first-use index build, imports, caches), not measured, for both bots.
            await fire(
                fake,
                guild,
                channel,
                user,
                "glossary define",
                concurrency,
                concurrency,
                term=lambda _: rng.choice(slugs),
            )
            define = await fire(
                fake,
                guild,
                channel,
                user,
                "glossary define",
                calls,
                concurrency,
                term=lambda _: rng.choice(slugs),
            )
            auto = await fire_autocomplete(fake, guild, channel, user, calls, concurrency)
            rss_after, peak = bot.rss_kib()
            await bot.stop()

            bare_dir = work / "bare"
            bare_dir.mkdir()
            bare, bare_ready, bare_first = await run_bot(
                "tests.fakediscord.barebot", fake, bare_dir, guild, channel, user, "ping"
            )
            bare_rss, _ = bare.rss_kib()
            await fire(fake, guild, channel, user, "ping", concurrency, concurrency)
            ping = await fire(fake, guild, channel, user, "ping", calls, concurrency)
            await bare.stop()
        finally:
            await fake.stop()

    rows = []
    for label, values in (("/glossary define", define), ("autocomplete", auto)):
        for pct in (50, 99):
            a, b = percentile(values, pct), percentile(ping, pct)
            rows.append((f"{label} p{pct}", ms(a), ms(b) + " bare /ping", f"{a / b:.2f}×"))
    print(
        table(
            f"Acknowledgement latency end to end ({calls:,} calls, concurrency {concurrency}, {terms:,} terms)",
            rows,
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
    args = parser.parse_args()
    asyncio.run(main(args.calls, args.concurrency, args.terms))
    sys.exit(0)
