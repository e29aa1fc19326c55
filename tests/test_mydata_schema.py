"""Every column that can hold a person's id is covered by `/mydata delete`, now and later.

The attacker is a member checking the bot really forgot them, after a future migration added a
column nobody remembered to erase. The test reads the live schema after every migration, puts a
marker id into every column that looks like it names a person (through a row in every such
table, its parents included), runs the real erasure, and then looks for the marker in every
column of every table. A column that keeps it fails the test unless it is allowed below, with
its reason.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
from pathlib import Path

from bot.app.services import Services

GUILD = 1_100_000_000_000_000_001
MARKER = 1_299_999_999_999_999_977
WHEN = "2026-01-12T09:00:00.000000Z"

# A column whose name says it holds who did or owns something.
PERSON = re.compile(
    r"(_by|(^|_)(user|member|author|actor|asker|owner|helper|peer|avoid|moderator|editor"
    r"|creator|buddy|target))(_id)?$"
)
# Columns that match but hold no member id, each with the reason. Keep this short.
ALLOWED: dict[str, str] = {
    "audit_log.target": "what a moderator acted on: a setting, feed, prompt, term, suggestion "
    "number or Unsaid number, never a member (every audit.record call passes one of those)",
}
# Where what the erasure looks for depends on another column's value, the sample row says it:
# a delivery's target is a channel for kind 'channel' and 'notice', and the member for 'dm'.
ROW_HINTS: dict[str, dict[str, object]] = {
    "prompt_deliveries": {"kind": "dm"},
}
SKIP_TABLES = re.compile(r"^(sqlite_|glossary_fts)")


def person_columns(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """Return each table's columns that look like they hold a person's id."""
    found: dict[str, list[str]] = {}
    for table in tables(conn):
        names = [c[1] for c in conn.execute(f'PRAGMA table_info("{table}")')]
        matched = [n for n in names if PERSON.search(n)]
        if matched:
            found[table] = matched
    return found


def tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    return [r[0] for r in rows if not SKIP_TABLES.match(r[0])]


class Sampler:
    """Inserts one plausible row per table, parents first, with the marker in person columns."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.counter = itertools.count(7001)
        self.made: dict[str, dict[str, object]] = {}

    def row(self, table: str) -> dict[str, object]:
        if table in self.made:
            return self.made[table]
        parents = {
            fk[3]: (fk[2], fk[4]) for fk in self.conn.execute(f'PRAGMA foreign_key_list("{table}")')
        }
        values: dict[str, object] = {}
        for _, name, kind, notnull, default, pk in self.conn.execute(
            f'PRAGMA table_info("{table}")'
        ):
            if name in parents:
                parent, column = parents[name]
                values[name] = self.row(parent)[column or "id"]
            elif name == "guild_id":
                values[name] = GUILD
            elif PERSON.search(name):
                values[name] = MARKER
            elif name in ROW_HINTS.get(table, {}):
                values[name] = ROW_HINTS[table][name]
            elif (notnull and default is None) or pk:
                values[name] = self.value(name, str(kind).upper())
        columns = ", ".join(f'"{c}"' for c in values)
        marks = ", ".join("?" for _ in values)
        cursor = self.conn.execute(
            f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', tuple(values.values())
        )
        values.setdefault("id", cursor.lastrowid)
        self.made[table] = values
        return values

    def value(self, name: str, kind: str) -> object:
        if "INT" in kind:
            return next(self.counter)
        if "BLOB" in kind:
            return next(self.counter).to_bytes(8, "big")
        if name.endswith(("_at", "_on", "_due", "due")) or name in ("anchor", "since"):
            return WHEN
        return f"t{next(self.counter)}"


def plant(path: Path) -> dict[str, list[str]]:
    """Put the marker id into every person column, through a real row in every such table."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA ignore_check_constraints = ON")
        columns = person_columns(conn)
        sampler = Sampler(conn)
        for table in columns:
            sampler.row(table)
        return columns
    finally:
        conn.close()


async def marker_left(services: Services) -> list[str]:
    """Return every table.column that still holds the marker id, as a number or in text."""
    db = services.db
    left = []
    for row in await db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'"):
        table = str(row["name"])
        if table.startswith("sqlite_"):
            continue
        for column in await db.fetch_all(f'PRAGMA table_info("{table}")'):
            name = str(column["name"])
            count = await db.fetch_value(
                f'SELECT COUNT(*) FROM "{table}" WHERE "{name}" = ?1 '
                f'OR instr(CAST("{name}" AS TEXT), CAST(?1 AS TEXT)) > 0',
                (MARKER,),
            )
            if count:
                left.append(f"{table}.{name}")
    return left


async def erase_everywhere(services: Services) -> tuple[dict[str, list[str]], list[str]]:
    planted = plant(services.db.path)
    before = await marker_left(services)
    await services.member_data.erase(GUILD, MARKER)
    return planted, before


async def test_every_person_column_is_erased_or_allowed_with_a_reason(
    services: Services,
) -> None:
    planted, before = await erase_everywhere(services)
    expected = {f"{t}.{c}" for t, cols in planted.items() for c in cols}
    assert expected <= set(before)  # the marker really went into every such column
    for known in ("feeds.added_by", "prompt_schedules.created_by", "buddy_avoid.avoid_id"):
        assert known in expected
    left = await marker_left(services)
    assert [c for c in left if c not in ALLOWED] == []
    assert all(reason.strip() for reason in ALLOWED.values())


async def test_a_new_column_nobody_erases_fails_the_check(services: Services) -> None:
    # What a future migration might add without touching /mydata.
    await services.db.execute(
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, guild_id INTEGER NOT NULL, "
        "written_by INTEGER NOT NULL, body TEXT NOT NULL)"
    )
    await erase_everywhere(services)
    left = await marker_left(services)
    assert [c for c in left if c not in ALLOWED] == ["notes.written_by"]
