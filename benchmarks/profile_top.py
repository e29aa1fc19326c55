"""Summarise a py-spy raw (collapsed stacks) profile: the functions with the most samples.

Run: python -m benchmarks.profile_top PROFILE [--top 30] [--title TEXT]

"own" counts samples where the function was running itself; "total" counts samples where it
was anywhere on the stack (each stack counted once per function).
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

LINE = re.compile(r"\s*\(([^()]*):\d+\)$")


def function(frame: str) -> str:
    """Drop the line number: `name (file:line)` becomes `name (file)`."""
    return LINE.sub(lambda m: f" ({m[1]})", frame.strip())


def summarise(text: str, top: int) -> str:
    """Return a plain-text table of the `top` functions by own and by total samples."""
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    samples = 0
    for line in text.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [function(f) for f in stack.split(";")]
        samples += int(count)
        own[frames[-1]] += int(count)
        for name in set(frames):
            total[name] += int(count)

    def block(title: str, counts: Counter[str]) -> list[str]:
        rows = [f"{title}", f"{'samples':>8} {'share':>6}  function (file)"]
        for name, count in counts.most_common(top):
            rows.append(f"{count:>8} {100 * count / samples:>5.1f}%  {name}")
        return rows

    lines = [f"{samples} samples (not idle)", ""]
    lines += [*block(f"Top {top} by own time", own), ""]
    lines += block(f"Top {top} by total time", total)
    return "\n".join(lines) + "\n"


def main() -> None:
    """Print the summary of one profile."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("profile", type=Path)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--title", default="")
    args = parser.parse_args()
    head = f"{args.title}\n\n" if args.title else ""
    print(head + summarise(args.profile.read_text(), args.top), end="")


if __name__ == "__main__":
    main()
