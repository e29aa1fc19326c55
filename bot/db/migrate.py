"""Apply numbered, forward-only SQL migrations in one transaction."""

from __future__ import annotations

import logging
import re
import sqlite3
from dataclasses import dataclass
from importlib import resources

from bot.core.timeutil import to_db, utcnow
from bot.db.connection import Database

log = logging.getLogger(__name__)

MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")

CREATE_LEDGER = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
)
"""
SELECT_APPLIED = "SELECT version FROM schema_migrations"
INSERT_APPLIED = "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)"


@dataclass(frozen=True, slots=True)
class Migration:
    """One numbered SQL file."""

    version: int
    name: str
    sql: str


def shipped_migrations() -> list[Migration]:
    """Return the migrations packaged in bot/db/migrations, in order."""
    found: list[Migration] = []
    folder = resources.files("bot.db").joinpath("migrations")
    for entry in folder.iterdir():
        match = MIGRATION_NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"Two migrations share a number: {versions}")
    return found


def split_statements(sql: str) -> list[str]:
    """Split a script into complete statements (trigger bodies stay whole)."""
    statements: list[str] = []
    buffer = ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not all(
        part.strip().startswith("--") or not part.strip() for part in buffer.splitlines()
    ):
        raise ValueError(f"Incomplete SQL statement at the end of a migration: {buffer[:80]!r}")
    return statements


async def apply_migrations(db: Database, migrations: list[Migration] | None = None) -> list[int]:
    """Apply every migration not yet recorded, all in one transaction; return their versions."""
    pending_source = shipped_migrations() if migrations is None else migrations
    async with db.transaction() as tx:
        await tx.execute(CREATE_LEDGER)
        applied = {row[0] for row in await tx.fetch_all(SELECT_APPLIED)}
        done: list[int] = []
        for migration in pending_source:
            if migration.version in applied:
                continue
            for statement in split_statements(migration.sql):
                await tx.execute(statement)
            await tx.execute(INSERT_APPLIED, (migration.version, migration.name, to_db(utcnow())))
            done.append(migration.version)
    if done:
        log.info("Applied migrations %s", done)
    return done


async def current_version(db: Database) -> int:
    """Return the highest applied migration number (0 for a new database)."""
    exists = await db.fetch_value(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    )
    if not exists:
        return 0
    value = await db.fetch_value("SELECT MAX(version) FROM schema_migrations")
    return int(value or 0)
