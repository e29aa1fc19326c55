"""Run every benchmark, one after another, each printing its figures against its baseline.

    python -m benchmarks            # everything (about 8 minutes on 2 cores)
    python -m benchmarks --quick    # smaller sizes, for a check that they run

Each benchmark is also runnable on its own (python -m benchmarks.<name> --help).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

FULL = [
    ("Interactions, start-up and memory", ["benchmarks.interactions"]),
    ("DM fan-out", ["benchmarks.prompts_fanout"]),
    ("Feed cycle", ["benchmarks.feeds"]),
    ("Check-in storage, charts and pairing", ["benchmarks.checkins"]),
]
QUICK_ARGS = {
    "benchmarks.interactions": ["--calls", "300", "--terms", "2000"],
    "benchmarks.prompts_fanout": ["--subscribers", "500"],
    "benchmarks.feeds": ["--quick"],
    "benchmarks.checkins": ["--quick"],
}


def main() -> int:
    """Run each benchmark in its own process, so one's memory and caches don't skew another."""
    parser = argparse.ArgumentParser(description="Run every Alongside benchmark.")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, just to check")
    args = parser.parse_args()
    failures = 0
    for title, module in FULL:
        extra = QUICK_ARGS[module[0]] if args.quick else []
        print(f"\n## {title}\n", flush=True)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", *module, *extra], check=False)
        print(f"\n({title}: {time.perf_counter() - started:.0f} s)", flush=True)
        failures += result.returncode != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
