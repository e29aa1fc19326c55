"""Crash-loop safety: back off after unclean exits, and count IDENTIFYs against Discord's cap."""

from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from bot.core.errors import ConfigError
from bot.core.timeutil import from_db, to_db
from bot.db.meta import MetaStore

log = logging.getLogger(__name__)

RUN_STATE = "run_state"
IDENTIFIES = "identify_times"
BACKOFF_CAP_SECONDS = 300.0
# Discord resets a bot's token after 1,000 IDENTIFYs in 24 hours; stop well before that.
IDENTIFY_WINDOW = timedelta(hours=24)
IDENTIFY_LIMIT = 900


def backoff_seconds(failures: int, base: float = 1.0) -> float:
    """Exponential back-off after `failures` unclean exits in a row, capped at five minutes."""
    if failures <= 0:
        return 0.0
    return float(min(BACKOFF_CAP_SECONDS, base * 2 ** (failures - 1)))


async def begin_run(meta: MetaStore) -> float:
    """Record that a run started; return how long to wait first if the last run crashed."""
    raw = await meta.get(RUN_STATE)
    state = json.loads(raw) if raw else {"clean": True, "failures": 0}
    failures = 0 if state.get("clean", True) else int(state.get("failures", 0)) + 1
    await meta.set(RUN_STATE, json.dumps({"clean": False, "failures": failures}))
    delay = backoff_seconds(failures)
    if delay:
        log.warning(
            "The last %d run(s) ended without a clean shutdown; waiting %.0f s before connecting",
            failures,
            delay,
        )
    return delay


async def end_run(meta: MetaStore) -> None:
    """Record a clean shutdown, so the next start connects at once."""
    await meta.set(RUN_STATE, json.dumps({"clean": True, "failures": 0}))


async def record_identify(meta: MetaStore, now: datetime) -> int:
    """Remember one IDENTIFY; return how many happened in the last 24 hours."""
    raw = await meta.get(IDENTIFIES)
    times = [from_db(t) for t in json.loads(raw)] if raw else []
    recent = [t for t in times if now - t < IDENTIFY_WINDOW] + [now]
    await meta.set(IDENTIFIES, json.dumps([to_db(t) for t in recent]))
    return len(recent)


@contextmanager
def run_lock(database: Path) -> Iterator[None]:
    """Hold an exclusive lock beside the database for as long as the bot runs."""
    lock_path = database.with_name(database.name + ".lock")
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        raise ConfigError(
            [f"DATABASE_PATH {database} cannot be opened: {error.strerror or error}."]
        ) from None
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConfigError(
                [f"Another Alongside is already using {database}; stop it first."]
            ) from None
        yield
    finally:
        os.close(handle)
