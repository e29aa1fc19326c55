"""Rotation: a scope never repeats a prompt until every prompt of its themes has been sent."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Pick:
    """The prompt chosen, the cycle it belongs to, and how many unused prompts remain in it."""

    prompt_id: int
    cycle: int
    remaining: int
    new_cycle: bool


def choose(
    eligible: Sequence[int],
    cycle: int,
    used: Sequence[int],
    rng: random.Random,
) -> Pick | None:
    """Pick an unused prompt of the current cycle, or start a new cycle when none is left.

    `used` is the cycle's picks, oldest first. A new cycle never opens with the prompt that
    closed the last one, so nobody gets the same prompt twice in a row.
    """
    if not eligible:
        return None
    pool = sorted(set(eligible))
    seen = set(used)
    unused = [p for p in pool if p not in seen]
    if unused:
        choice = rng.choice(unused)
        return Pick(choice, cycle, len(unused) - 1, new_cycle=False)
    last = used[-1] if used else None
    fresh = [p for p in pool if p != last] or pool
    choice = rng.choice(fresh)
    return Pick(choice, cycle + 1, len(pool) - 1, new_cycle=True)
