"""One SQLite connection, tuned for durability, with serialised writes."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.core.errors import ConfigError
from bot.db.filemodes import private_file, private_folder, tighten_database

log = logging.getLogger(__name__)

Params = Sequence[Any] | dict[str, Any]
T = TypeVar("T")

# Each pragma is chosen for a reason:
# WAL lets readers carry on while one writer commits; synchronous=FULL makes a commit survive
# power loss in WAL mode; secure_delete overwrites erased rows so deleted personal data leaves
# no bytes behind; the busy timeout covers a second process (backup, `check`) holding a lock.
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA secure_delete=ON",
    "PRAGMA busy_timeout=5000",
)


async def _run(conn: aiosqlite.Connection, sql: str) -> None:
    """Run a statement to completion and close its cursor, in one trip to aiosqlite's thread.

    Some pragmas return a row; a cursor left unread keeps its statement "in progress", and
    SQLite then refuses to COMMIT any later transaction on the connection.
    """
    await Transaction(conn).fetch_all(sql)


def _one(conn: sqlite3.Connection, sql: str, params: Params) -> sqlite3.Row | None:
    cursor = conn.execute(sql, params)
    try:
        row: sqlite3.Row | None = cursor.fetchone()
        return row
    finally:
        cursor.close()


def _all(conn: sqlite3.Connection, sql: str, params: Params) -> list[sqlite3.Row]:
    cursor = conn.execute(sql, params)
    try:
        return cursor.fetchall()
    finally:
        cursor.close()


def _changed(conn: sqlite3.Connection, sql: str, params: Params) -> int:
    cursor = conn.execute(sql, params)
    try:
        return cursor.rowcount
    finally:
        cursor.close()


def _inserted(conn: sqlite3.Connection, sql: str, params: Params) -> int | None:
    cursor = conn.execute(sql, params)
    try:
        return cursor.lastrowid
    finally:
        cursor.close()


def _many(conn: sqlite3.Connection, sql: str, rows: Iterable[Params]) -> None:
    conn.executemany(sql, rows).close()


class Transaction:
    """Statements run inside one BEGIN IMMEDIATE ... COMMIT block."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def _on_thread(self, fn: Callable[..., T], *args: Any) -> T:
        """Run `fn(sqlite3 connection, *args)` whole on aiosqlite's thread: one round trip.

        aiosqlite's cursor API costs a hop to its thread for execute, another for each fetch
        and another for close (three per read); profiling /glossary define found those hops
        were a quarter of its CPU. `_execute` is aiosqlite's own queueing step (present and
        unchanged in every version pyproject allows); the sqlite3 connection is only touched
        on that thread, as aiosqlite requires.
        """
        conn = self._conn
        return await conn._execute(lambda: fn(conn._conn, *args))  # type: ignore[no-untyped-call,no-any-return]

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return the number of rows it changed."""
        return await self._on_thread(_changed, sql, params)

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run an INSERT and return the new row's id."""
        rowid = await self._on_thread(_inserted, sql, params)
        if rowid is None:
            raise RuntimeError("INSERT produced no row id")
        return rowid

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run one statement for each row of parameters."""
        await self._on_thread(_many, sql, rows)

    async def fetch_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """Return the first row of a query, or None."""
        return await self._on_thread(_one, sql, params)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Return every row of a query."""
        return await self._on_thread(_all, sql, params)


class Database:
    """The bot's single SQLite connection; all writes go through `transaction()`."""

    def __init__(self, path: Path, conn: aiosqlite.Connection) -> None:
        self.path = path
        self._conn = conn
        self._write_lock = asyncio.Lock()
        self._reader = Transaction(conn)

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Open (creating if needed) the database file and apply the connection pragmas."""
        try:
            # Owner-only from the first byte: SQLite gives the WAL and shm the database's mode.
            private_folder(path.parent)
            if str(path) != ":memory:":
                private_file(path)
            conn = await aiosqlite.connect(path, isolation_level=None)
        except (OSError, sqlite3.Error) as error:
            raise ConfigError([f"DATABASE_PATH {path} cannot be opened: {error}."]) from None
        conn.row_factory = sqlite3.Row
        for pragma in PRAGMAS:
            await _run(conn, pragma)
        tighten_database(path)  # files an older version created with the umask's mode
        return cls(path, conn)

    async def close(self) -> None:
        """Checkpoint the WAL and close the connection."""
        async with self._write_lock:
            try:
                await _run(self._conn, "PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:
                log.warning("WAL checkpoint at close failed", exc_info=True)
            await self._conn.close()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """Hold the write lock for one IMMEDIATE transaction, rolling back on any error."""
        async with self._write_lock:
            await _run(self._conn, "BEGIN IMMEDIATE")
            try:
                yield Transaction(self._conn)
            except BaseException:
                await _run(self._conn, "ROLLBACK")
                raise
            else:
                await _run(self._conn, "COMMIT")

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one write statement in its own transaction; return rows changed."""
        async with self.transaction() as tx:
            return await tx.execute(sql, params)

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run one INSERT in its own transaction; return the new row id."""
        async with self.transaction() as tx:
            return await tx.insert(sql, params)

    async def fetch_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """Return the first row of a read query, or None."""
        return await self._reader.fetch_one(sql, params)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Return every row of a read query."""
        return await self._reader.fetch_all(sql, params)

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        """Return the first column of the first row, or None."""
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    async def checkpoint(self) -> None:
        """Fold the WAL back into the main file and truncate it (used after erasure)."""
        async with self._write_lock:
            await _run(self._conn, "PRAGMA wal_checkpoint(TRUNCATE)")

    async def backup(self, destination: Path) -> None:
        """Copy the live database to `destination` with SQLite's online backup API."""
        private_folder(destination.parent)
        private_file(destination)
        target = sqlite3.connect(destination)
        try:
            async with self._write_lock:
                await self._conn.backup(target)
        finally:
            target.close()
        tighten_database(destination)

    def size_bytes(self) -> int:
        """Return the database file's size plus its WAL's, in bytes (two stat calls)."""
        total = 0
        for suffix in ("", "-wal"):
            candidate = Path(f"{self.path}{suffix}")
            if candidate.exists():
                total += candidate.stat().st_size
        return total
