"""Check-ins at scale: inserts, history, charts, summaries and pairing, against baselines.

Run with `python -m benchmarks.checkins` (add `--quick` for a smaller run). Each figure is
printed beside a baseline measured in the same run on the same machine:

- storage: raw `sqlite3` running the same statements with the same pragmas, so the ratio is
  the cost of the service layer (aiosqlite's thread hop, dataclasses, consent check);
- chart: a bare one-line matplotlib PNG of the same size;
- summary: one plain GROUP BY over the same rows, without k-suppression;
- pairing: shuffle-and-chunk, which ignores history and avoid choices (its repeats show why
  the search is worth its time).
"""

from __future__ import annotations

import argparse
import asyncio
import io
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.checkins.chart import CHART_SIZE, DPI, HistoryPoint, render_chart
from bot.checkins.pairing import REPEAT_WINDOW, pair_members, recent_meetings
from bot.checkins.service import CheckinService, week_start
from bot.checkins.settings import checkin_settings
from bot.core.config import PROJECT_ROOT
from bot.core.safety import Safety
from bot.core.timeutil import ManualClock, to_db
from bot.db import Database
from bot.db.checkins import INSERT_CHECKIN, SELECT_HISTORY, SELECT_MEMBER
from bot.db.connection import PRAGMAS
from bot.db.guild_settings import GuildSettingsRepo
from bot.db.ledger import OccurrenceLedger
from bot.db.migrate import apply_migrations
from bot.settings.registry import GuildSettings, SettingsRegistry, core_settings

GUILD = 1
START = datetime(2025, 1, 6, 9, tzinfo=UTC)
SPAN = timedelta(weeks=52)
ZONE = "Europe/London"


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Return the value below which `fraction` of samples fall (nearest rank)."""
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def line(name: str, ours: float, base: float, unit: str) -> None:
    """Print one figure, its baseline, and ours ÷ baseline."""
    ratio = ours / base if base else float("inf")
    print(f"  {name:<30} {ours:>12,.3f} {unit:<3} baseline {base:>12,.3f} {unit:<3} ×{ratio:.2f}")


def plan(checkins: int, members: int, seed: int) -> list[tuple[int, datetime, int, int]]:
    """The same (member, time, load, energy) rows for both runs, spread over a year."""
    rng = random.Random(seed)
    step = SPAN / checkins
    return [
        (rng.randrange(members) + 1000, START + step * i, rng.randint(1, 5), rng.randint(1, 5))
        for i in range(checkins)
    ]


@dataclass
class Bench:
    """What the later measurements need from the service run."""

    db: Database
    clock: ManualClock
    checkins: CheckinService


async def service_inserts(
    folder: Path, rows: list[tuple[int, datetime, int, int]], members: int
) -> tuple[Bench, float]:
    """Insert through CheckinService.log: one consent-checked transaction per check-in."""
    db = await Database.open(folder / "service.db")
    await apply_migrations(db)
    clock = ManualClock(START)
    registry = SettingsRegistry()
    registry.declare(core_settings(ZONE))
    registry.declare(checkin_settings())
    checkins = CheckinService(
        db,
        clock,
        GuildSettings(registry, GuildSettingsRepo(db)),
        Safety.from_data(PROJECT_ROOT / "data"),
        OccurrenceLedger(db),
    )
    for member in range(1000, 1000 + members):
        await checkins.agree(GUILD, member)
    began = time.perf_counter()
    for member, moment, load, energy in rows:
        clock.set(moment)
        await checkins.log(GUILD, member, load, energy)
    return Bench(db, clock, checkins), time.perf_counter() - began


def raw_inserts(folder: Path, rows: list[tuple[int, datetime, int, int]], members: int) -> float:
    """The same statements through plain sqlite3 with the same pragmas and transactions."""
    conn = sqlite3.connect(folder / "raw.db", isolation_level=None)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    conn.executescript(
        (Path(__file__).parent.parent / "bot/db/migrations/0004_checkins.sql").read_text()
    )
    for member in range(1000, 1000 + members):
        conn.execute(
            "INSERT INTO checkin_members (guild_id, user_id, consented_at) VALUES (?, ?, ?)",
            (GUILD, member, to_db(START)),
        )
    began = time.perf_counter()
    for member, moment, load, energy in rows:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(SELECT_MEMBER, (GUILD, member)).fetchone()
        conn.execute(
            INSERT_CHECKIN,
            (
                GUILD,
                member,
                to_db(moment),
                week_start(moment, ZONE).isoformat(),
                load,
                energy,
                None,
                0,
            ),
        )
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - began
    conn.close()
    return elapsed


async def history_latency(services: Bench, members: int, samples: int, seed: int) -> list[float]:
    """Time `history` (a year, one member) through the service."""
    rng = random.Random(seed)
    timings = []
    for _ in range(samples):
        member = rng.randrange(members) + 1000
        began = time.perf_counter()
        await services.checkins.history(GUILD, member, 52)
        timings.append((time.perf_counter() - began) * 1000)
    return timings


def raw_history_latency(folder: Path, members: int, samples: int, seed: int) -> list[float]:
    """The same query through plain sqlite3."""
    rng = random.Random(seed)
    conn = sqlite3.connect(folder / "raw.db")
    since = to_db(START + SPAN - timedelta(weeks=52))
    timings = []
    for _ in range(samples):
        member = rng.randrange(members) + 1000
        began = time.perf_counter()
        conn.execute(SELECT_HISTORY, (GUILD, member, since)).fetchall()
        timings.append((time.perf_counter() - began) * 1000)
    conn.close()
    return timings


def timed(function: Callable[[], object], runs: int) -> list[float]:
    """Run `function` `runs` times and return each duration in milliseconds."""
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        timings.append((time.perf_counter() - began) * 1000)
    return timings


def bare_chart(points: Sequence[HistoryPoint]) -> bytes:
    """A minimal chart of the same size: one line, no styling."""
    figure = Figure(figsize=(CHART_SIZE[0] / DPI, CHART_SIZE[1] / DPI), dpi=DPI)
    FigureCanvasAgg(figure)
    figure.add_subplot().plot([p.load for p in points])
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def repeats(groups: Sequence[Sequence[int]], history: Sequence[Sequence[Sequence[int]]]) -> int:
    """Count pairs in `groups` that met within the repeat window."""
    recent = recent_meetings(history, REPEAT_WINDOW)
    return sum(
        1
        for group in groups
        for i, first in enumerate(group)
        for second in group[i + 1 :]
        if frozenset((first, second)) in recent
    )


def chunked(members: list[int], rng: random.Random) -> list[tuple[int, ...]]:
    """Baseline pairing: shuffle and take twos (a three at the end when odd)."""
    shuffled = members[:]
    rng.shuffle(shuffled)
    groups = [tuple(shuffled[i : i + 2]) for i in range(0, len(shuffled) - 1, 2)]
    if len(shuffled) % 2:
        groups[-1] = (*groups[-1], shuffled[-1])
    return groups


def pairing(members: int, rounds: int, seed: int) -> None:
    """Pair `members` people after `rounds` rounds of history, with some avoid choices."""
    rng = random.Random(seed)
    people = list(range(members))
    avoid = [(rng.randrange(members), rng.randrange(members)) for _ in range(members // 10)]
    history: list[list[tuple[int, ...]]] = []
    began = time.perf_counter()
    for _ in range(rounds):
        history.insert(0, pair_members(people, recent_rounds=history, avoid=avoid, rng=rng))
    building = time.perf_counter() - began
    ours = timed(lambda: pair_members(people, recent_rounds=history, avoid=avoid, rng=rng), 5)
    base = timed(lambda: chunked(people, rng), 5)
    groups = pair_members(people, recent_rounds=history, avoid=avoid, rng=rng)
    naive = chunked(people, rng)
    avoided = {frozenset(p) for p in avoid}

    def broken(arrangement: Sequence[Sequence[int]]) -> int:
        return sum(
            1
            for g in arrangement
            for i, a in enumerate(g)
            for b in g[i + 1 :]
            if frozenset((a, b)) in avoided
        )

    print(f"Pairing {members:,} members with {rounds} rounds of history ({len(avoid)} avoids)")
    print(f"  building the {rounds} rounds of history took {building:.2f} s")
    line("one round, median", statistics.median(ours), statistics.median(base), "ms")
    print(
        f"  repeats within {REPEAT_WINDOW} rounds: ours {repeats(groups, history)}, "
        f"baseline {repeats(naive, history)}; avoid broken: ours {broken(groups)}, "
        f"baseline {broken(naive)}"
    )


async def main(args: argparse.Namespace) -> None:
    """Run every benchmark and print the figures."""
    print("Figures are ours, the same-run baseline, and ours ÷ baseline.")
    rows = plan(args.checkins, args.members, args.seed)
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        print(f"Check-ins: {args.checkins:,} from {args.members:,} members over a year")
        services, ours = await service_inserts(folder, rows, args.members)
        base = raw_inserts(folder, rows, args.members)
        line("inserts per second", args.checkins / ours, args.checkins / base, "/s")

        ours_h = await history_latency(services, args.members, args.samples, args.seed)
        base_h = raw_history_latency(folder, args.members, args.samples, args.seed)
        line("history (52 weeks) p50", percentile(ours_h, 0.5), percentile(base_h, 0.5), "ms")
        line("history (52 weeks) p99", percentile(ours_h, 0.99), percentile(base_h, 0.99), "ms")

        points = await services.checkins.history(GUILD, 1000, 52)
        ours_c = timed(lambda: render_chart(points, 52, ZONE), args.charts)
        base_c = timed(lambda: bare_chart(points), args.charts)
        print(
            f"Chart of one member's year ({len(points)} check-ins, {CHART_SIZE[0]}×{CHART_SIZE[1]})"
        )
        line("render p50", percentile(ours_c, 0.5), percentile(base_c, 0.5), "ms")
        line("render p99", percentile(ours_c, 0.99), percentile(base_c, 0.99), "ms")

        services.clock.set(START + SPAN)
        began = time.perf_counter()
        await services.checkins.summary(GUILD, 26)
        ours_s = (time.perf_counter() - began) * 1000
        conn = sqlite3.connect(folder / "service.db")
        began = time.perf_counter()
        conn.execute(
            "SELECT week_start, load, COUNT(*), COUNT(DISTINCT user_id) FROM checkins "
            "WHERE guild_id = ? AND week_start >= ? GROUP BY 1, 2",
            (GUILD, week_start(START + SPAN - timedelta(weeks=26), ZONE).isoformat()),
        ).fetchall()
        base_s = (time.perf_counter() - began) * 1000
        conn.close()
        print("Moderator summary")
        line("26 weeks, k-suppressed", ours_s, base_s, "ms")
        await services.db.close()
    pairing(args.pair_members, args.rounds, args.seed)


def parse() -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--checkins", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument("--samples", type=int, default=1_000, help="history queries to time")
    parser.add_argument("--charts", type=int, default=30, help="charts to render")
    parser.add_argument("--pair-members", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--quick", action="store_true", help="a tenth of the size, for a check")
    args = parser.parse_args()
    if args.quick:
        args.checkins //= 10
        args.members //= 10
        args.samples //= 10
        args.charts = 5
        args.pair_members //= 10
    return args


if __name__ == "__main__":
    asyncio.run(main(parse()))
