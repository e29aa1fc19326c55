"""Timing defences: a message's id encodes its time, so nothing appears when it was written."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

T = TypeVar("T")

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# A submission never joins the batch that is about to leave, so even the last one in a window
# waits a little; the batch then hides when in its window it was written.
MIN_WAIT = timedelta(minutes=2)


def batch_floor(now: datetime, minutes: int) -> datetime:
    """Return the latest batch boundary at or before `now` (boundaries align to UTC)."""
    width = timedelta(minutes=minutes)
    return EPOCH + ((now - EPOCH) // width) * width


def next_batch(now: datetime, minutes: int) -> datetime:
    """Return the boundary at which a submission made `now` is released for review."""
    earliest = now + MIN_WAIT
    floor = batch_floor(earliest, minutes)
    return floor if floor == earliest else floor + timedelta(minutes=minutes)


def random_delay(rng: random.Random, low_minutes: int, high_minutes: int) -> timedelta:
    """Return a delay drawn uniformly, to the second, between the two bounds (in any order)."""
    low, high = sorted((low_minutes * 60, high_minutes * 60))
    return timedelta(seconds=rng.randint(low, high))


def shuffled(items: Sequence[T], rng: random.Random) -> list[T]:
    """Return the items in a random order, so a batch's order says nothing about its writing."""
    out = list(items)
    rng.shuffle(out)
    return out


def local_day(now: datetime, zone: str) -> str:
    """Return the calendar day (YYYY-MM-DD) it is in `zone`: the only date Unsaid keeps."""
    return now.astimezone(ZoneInfo(zone)).date().isoformat()
