"""Restore the database from a backup, safely."""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bot.app.runstate import run_lock
from bot.core.errors import ConfigError
from bot.db.filemodes import private_file, tighten


def check_backup(source: Path) -> None:
    """Refuse a file that is missing, damaged or not an Alongside database."""
    if not source.is_file():
        raise ConfigError([f"There is no backup file at {source}."])
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            has_schema = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations'"
            ).fetchone()
    except sqlite3.DatabaseError as error:
        raise ConfigError([f"{source} is not a readable SQLite database: {error}."]) from None
    if result != "ok":
        raise ConfigError([f"{source} failed SQLite's integrity check: {result}."])
    if not has_schema:
        raise ConfigError([f"{source} is a SQLite file but not an Alongside database."])


def restore(database: Path, source: Path) -> Path | None:
    """Swap `source` in as the database while the bot is stopped; return where the old one went."""
    check_backup(source)
    with run_lock(database):
        kept: Path | None = None
        if database.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            kept = database.with_name(f"{database.stem}.before-restore-{stamp}{database.suffix}")
            # The backup API folds any WAL content into the copy of the current database.
            private_file(kept)
            with sqlite3.connect(database) as live, sqlite3.connect(kept) as copy:
                live.backup(copy)
        temporary = database.with_name(database.name + ".restoring")
        private_file(temporary)  # copyfile keeps the mode of an existing destination
        shutil.copyfile(source, temporary)
        tighten(temporary)
        with temporary.open("rb") as handle:
            os.fsync(handle.fileno())
        # A WAL left from the old database would be replayed onto the new one: remove it first.
        for suffix in ("-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        os.replace(temporary, database)
        return kept
