"""Build dataclasses from SQLite rows by column name, never by position.

Each init field is filled from the column of the same name. The conversion comes from the
field's type: `datetime` (stored ISO text, via `from_db`), `date` (ISO date), `bool` (0/1),
`tuple[int | str | float | None, ...]` (a JSON array), plain `int`/`str`/`float`/`bytes` as
they are, and `X | None` for any of these. Anything else, or a column with another name, is
declared once on the field: `field(metadata=convert(fn))`, `field(metadata=named("col"))`.

A mismatch fails loudly with `RowMismatch`, naming the dataclass and the columns: a field with
no column (a default is no excuse), and a column with no field unless the call lists it in
`ignore=`. Fields the caller supplies itself (not stored in the row) are keyword arguments.
Columns named differently from fields are renamed in the SQL (`AS field_name`) where possible.
The plan of each class is built once and cached; so is the check of each column list.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import types
import typing
from collections.abc import Callable, Collection, Iterable
from datetime import date, datetime
from typing import Any, TypeVar

from bot.core.timeutil import from_db

T = TypeVar("T")
Convert = Callable[[Any], Any]
_PLAIN = (int, str, float, bytes)


class RowMismatch(TypeError):
    """A query's columns and a dataclass's fields do not match."""


def convert(fn: Convert) -> dict[str, Any]:
    """Field metadata: turn the stored value into the field's value with `fn`."""
    return {"row_convert": fn}


def named(column: str, fn: Convert | None = None) -> dict[str, Any]:
    """Field metadata: read the field from a column with another name (and convert it)."""
    return {"row_column": column, "row_convert": fn}


def _optional(fn: Convert) -> Convert:
    return lambda value: None if value is None else fn(value)


def _json_tuple(value: str) -> tuple[Any, ...]:
    return tuple(json.loads(value))


def _derive(owner: str, name: str, hint: Any) -> Convert | None:
    """Return the conversion a field's type implies (None: the value as stored)."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (types.UnionType, typing.Union) and type(None) in args:
        rest = [arg for arg in args if arg is not type(None)]
        inner = _derive(owner, name, rest[0]) if len(rest) == 1 else _fail(owner, name, hint)
        return None if inner is None else _optional(inner)
    if hint in _PLAIN:
        return None
    if hint is bool:
        return bool
    if hint is datetime:
        return from_db
    if hint is date:
        return date.fromisoformat
    if typing.get_origin(hint) is tuple and len(args) == 2 and args[1] is Ellipsis:
        kinds = typing.get_args(args[0]) or (args[0],)
        if all(kind in _PLAIN or kind is type(None) for kind in kinds):
            return _json_tuple
    return _fail(owner, name, hint)


def _fail(owner: str, name: str, hint: Any) -> Convert:
    raise RowMismatch(f"{owner}.{name}: no conversion from a column to {hint}; declare one")


class _Plan:
    """How one dataclass is read from rows: (field, column, conversion) for each init field."""

    def __init__(self, cls: type) -> None:
        hints = typing.get_type_hints(cls)
        self.name = cls.__name__
        self.steps: list[tuple[str, str, Convert | None]] = []
        for f in dataclasses.fields(cls):
            if not f.init:
                continue
            column = f.metadata.get("row_column", f.name)
            fn = f.metadata.get("row_convert") or _derive(self.name, f.name, hints[f.name])
            self.steps.append((f.name, column, fn))
        self.checked: set[tuple[Any, ...]] = set()
        self.build = self._compile(cls)

    def _compile(self, cls: type) -> Callable[[sqlite3.Row], Any]:
        """Write the constructor call once, as a hand-written mapper would be (hot path)."""
        scope: dict[str, Any] = {"cls": cls}
        args = []
        for number, (name, column, fn) in enumerate(self.steps):
            if fn is None:
                args.append(f"{name}=row[{column!r}]")
            else:
                scope[f"convert{number}"] = fn
                args.append(f"{name}=convert{number}(row[{column!r}])")
        exec(f"def build(row):\n    return cls({', '.join(args)})\n", scope)  # noqa: S102
        built: Callable[[sqlite3.Row], Any] = scope["build"]
        return built

    def check(self, keys: list[str], ignore: Collection[str], given: Iterable[str]) -> None:
        """Raise unless every wanted field has a column and every column a field or waiver."""
        key = (tuple(keys), tuple(ignore), tuple(given))
        if key in self.checked:
            return
        wanted = {column for field_name, column, _ in self.steps if field_name not in key[2]}
        missing = sorted(wanted - set(keys))
        unknown = sorted(set(keys) - wanted - set(ignore))
        if missing or unknown:
            raise RowMismatch(
                f"{self.name}: missing column(s) {missing}, unexpected column(s) {unknown}"
            )
        self.checked.add(key)


_PLANS: dict[type, _Plan] = {}


def from_row(cls: type[T], row: sqlite3.Row, /, *, ignore: Collection[str] = (), **given: Any) -> T:
    """Build `cls` from `row` by column name; `given` fills fields the row doesn't hold."""
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = _Plan(cls)
    plan.check(row.keys(), ignore, given)
    if not given:
        built: T = plan.build(row)
        return built
    values = dict(given)
    for name, column, fn in plan.steps:
        if name not in given:
            values[name] = row[column] if fn is None else fn(row[column])
    return cls(**values)


def from_rows(
    cls: type[T], rows: Iterable[sqlite3.Row], /, *, ignore: Collection[str] = ()
) -> list[T]:
    """Build one `cls` per row, by column name (rows of one query share their columns)."""
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = _Plan(cls)
    built: list[T] = []
    for row in rows:
        if not built:
            plan.check(row.keys(), ignore, ())
        built.append(plan.build(row))
    return built
