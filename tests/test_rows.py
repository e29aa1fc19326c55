"""Rows become dataclasses by column name: order never matters, a mismatch is loud."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.core.timeutil import to_db
from bot.db.rows import RowMismatch, convert, from_row, from_rows, named

WHEN = datetime(2026, 3, 30, 9, 15, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Visit:
    """Every kind of conversion the helper derives from a type."""

    id: int
    who: str
    at: datetime
    left_at: datetime | None
    day: date
    kept: bool
    scores: tuple[int, ...]
    note: str | None


@dataclass(frozen=True, slots=True)
class Declared:
    """Conversions and names declared once on the fields."""

    id: int
    words: tuple[str, ...] = field(metadata=convert(lambda text: tuple(text.split(","))))
    label: str = field(metadata=named("title"))
    extra: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Undeclared:
    """A field whose type says nothing about how it is stored."""

    id: int
    blob: dict[str, Any]


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    connection.row_factory = sqlite3.Row
    connection.execute(
        "CREATE TABLE visits (id INTEGER, who TEXT, at TEXT, left_at TEXT, day TEXT, "
        "kept INTEGER, scores TEXT, note TEXT)"
    )
    connection.execute(
        "INSERT INTO visits VALUES (7, 'Sam', ?, NULL, '2026-03-30', 1, '[3, 1]', 'fine')",
        (to_db(WHEN),),
    )
    yield connection
    connection.close()


def one(conn: sqlite3.Connection, sql: str) -> sqlite3.Row:
    row = conn.execute(sql).fetchone()
    assert row is not None
    return row


def test_each_field_takes_its_own_column_whatever_the_order(conn: sqlite3.Connection) -> None:
    columns = "id, who, at, left_at, day, kept, scores, note"
    shuffled = "note, scores, day, kept, left_at, at, who, id"
    first = from_row(Visit, one(conn, f"SELECT {columns} FROM visits"))
    second = from_row(Visit, one(conn, f"SELECT {shuffled} FROM visits"))
    assert first == second
    assert first.id == 7 and first.who == "Sam" and first.note == "fine"


def test_each_kind_of_column_is_converted_from_the_field_type(conn: sqlite3.Connection) -> None:
    visit = from_row(Visit, one(conn, "SELECT * FROM visits"))
    assert visit.at == WHEN and visit.at.tzinfo is not None
    assert visit.left_at is None
    assert visit.day == date(2026, 3, 30)
    assert visit.kept is True
    assert visit.scores == (3, 1)
    conn.execute("UPDATE visits SET left_at = ?, kept = 0", (to_db(WHEN),))
    later = from_row(Visit, one(conn, "SELECT * FROM visits"))
    assert later.left_at == WHEN and later.kept is False


def test_declared_conversions_names_and_caller_values(conn: sqlite3.Connection) -> None:
    row = one(conn, "SELECT id, 'a,b' AS words, who AS title FROM visits")
    assert from_row(Declared, row, extra=()) == Declared(7, ("a", "b"), "Sam")
    assert from_row(Declared, row, extra=("x",)).extra == ("x",)
    # A default is no excuse: a field the row lacks must be given by the caller.
    with pytest.raises(RowMismatch, match=r"Declared: missing column\(s\) \['extra'\]"):
        from_row(Declared, row)


def test_a_missing_column_is_named_with_the_dataclass(conn: sqlite3.Connection) -> None:
    row = one(conn, "SELECT id, who, at, day, kept, scores, note FROM visits")
    with pytest.raises(RowMismatch, match=r"Visit: missing column\(s\) \['left_at'\]"):
        from_row(Visit, row)


def test_an_unexpected_column_is_refused_unless_ignored(conn: sqlite3.Connection) -> None:
    row = one(conn, "SELECT id, 'a' AS words, who AS title, '[]' AS extra, at FROM visits")
    with pytest.raises(RowMismatch, match=r"Declared: .*unexpected column\(s\) \['at'\]"):
        from_row(Declared, row)
    assert from_row(Declared, row, ignore=("at",)).label == "Sam"
    with pytest.raises(RowMismatch, match=r"unexpected column\(s\) \['at'\]"):
        from_rows(Declared, [row])


def test_a_type_with_no_known_storage_must_be_declared(conn: sqlite3.Connection) -> None:
    row = one(conn, "SELECT id, scores AS blob FROM visits")
    with pytest.raises(RowMismatch, match=r"Undeclared\.blob: no conversion"):
        from_row(Undeclared, row)


def test_the_json_tuple_default_reads_a_json_array(conn: sqlite3.Connection) -> None:
    conn.execute("UPDATE visits SET scores = ?", (json.dumps([5, None, 2]),))
    assert from_row(Visit, one(conn, "SELECT * FROM visits")).scores == (5, None, 2)
