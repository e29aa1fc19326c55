"""Fold the WAL back into the database soon after an erasure, waiting out a busy connection."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

ATTEMPTS = 12


async def fold_wal_soon(checkpoint: Callable[[], Awaitable[None]]) -> bool:
    """Run a checkpoint, retrying while another statement on the connection is mid-read.

    A TRUNCATE checkpoint fails with "database table is locked" while any query on the same
    connection is still being read. The erasure itself has already happened; only the WAL's old
    copies wait, so the person is never shown an error: after the last try the next checkpoint
    (at start-up, shutdown or the nightly upkeep) folds them instead.
    """
    for attempt in range(ATTEMPTS):
        try:
            await checkpoint()
            return True
        except sqlite3.OperationalError as error:
            if "locked" not in str(error):
                raise
            await asyncio.sleep(0.05 * (attempt + 1))
    log.warning("The WAL could not be folded after an erasure; the next checkpoint will do it")
    return False
