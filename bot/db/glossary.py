"""SQL for glossary terms, their names and aliases, and the shipped version."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.core.timeutil import to_db
from bot.db.connection import Database, Transaction
from bot.db.glossary_contributions import INSERT_REVISION, ContributionQueries
from bot.db.glossary_search import DELETE_FTS, SELECT_ALIASES, SearchQueries
from bot.db.rows import convert, from_row, from_rows

TERM_COLUMNS = (
    "id, guild_id, slug, name, definition, contested, contested_note, related, sources, origin, "
    "locally_edited"
)
SELECT_TERM_BY_ID = f"SELECT {TERM_COLUMNS} FROM glossary_terms WHERE guild_id = ? AND id = ?"
SELECT_TERM_BY_SLUG = f"SELECT {TERM_COLUMNS} FROM glossary_terms WHERE guild_id = ? AND slug = ?"
SELECT_TERMS_BY_SLUGS = (
    "SELECT id, slug, name FROM glossary_terms WHERE guild_id = ? AND slug IN ({marks})"
)

SELECT_NAMES = """
SELECT n.folded, n.display, n.term_id, n.is_alias, t.slug, t.name AS term_name
FROM glossary_names n JOIN glossary_terms t ON t.id = n.term_id
WHERE n.guild_id = ?
"""
SELECT_NAME = "SELECT term_id FROM glossary_names WHERE guild_id = ? AND folded = ?"
SELECT_TERM_LIST = "SELECT slug, name FROM glossary_terms WHERE guild_id = ? ORDER BY name"
COUNT_TERMS = "SELECT COUNT(*) FROM glossary_terms WHERE guild_id = ?"
INSERT_TERM = """
INSERT INTO glossary_terms (guild_id, slug, name, definition, contested, contested_note, related,
    sources, origin, locally_edited, created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
UPDATE_TERM = """
UPDATE glossary_terms SET name = ?, definition = ?, contested = ?, contested_note = ?,
    related = ?, sources = ?, locally_edited = ?, updated_at = ?
WHERE id = ?
"""
DELETE_TERM = "DELETE FROM glossary_terms WHERE id = ?"
DELETE_NAMES = "DELETE FROM glossary_names WHERE term_id = ?"
INSERT_NAME = """
INSERT INTO glossary_names (guild_id, folded, display, term_id, is_alias) VALUES (?, ?, ?, ?, ?)
"""

SELECT_SHIPPED_VERSION = "SELECT version FROM glossary_shipped WHERE guild_id = ?"
UPSERT_SHIPPED_VERSION = """
INSERT INTO glossary_shipped (guild_id, version) VALUES (?, ?)
ON CONFLICT (guild_id) DO UPDATE SET version = excluded.version
"""


@dataclass(frozen=True, slots=True)
class Source:
    """Where an idea comes from in public material."""

    org: str
    title: str


def _sources(text: str) -> tuple[Source, ...]:
    return tuple(Source(s["org"], s["title"]) for s in json.loads(text))


@dataclass(frozen=True, slots=True)
class Term:
    """A glossary entry as stored."""

    id: int
    guild_id: int
    slug: str
    name: str
    definition: str
    contested: bool
    contested_note: str
    related: tuple[str, ...]
    sources: tuple[Source, ...] = field(metadata=convert(_sources))
    origin: str
    locally_edited: bool
    aliases: tuple[str, ...] = ()  # from glossary_names, given by the repository


@dataclass(frozen=True, slots=True)
class NameEntry:
    """A name or alias in a server's glossary, for lookup and autocomplete."""

    folded: str
    display: str
    term_id: int
    is_alias: bool
    slug: str
    term_name: str


def sources_json(sources: tuple[Source, ...]) -> str:
    """Encode sources for storage."""
    return json.dumps([{"org": s.org, "title": s.title} for s in sources], ensure_ascii=False)


class GlossaryRepo(ContributionQueries, SearchQueries):
    """Every glossary query; multi-statement writes take a Transaction."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def _with_aliases(self, reader: Database | Transaction, row: sqlite3.Row) -> Term:
        rows = await reader.fetch_all(SELECT_ALIASES, (row["id"],))
        return from_row(Term, row, aliases=tuple(r["display"] for r in rows))

    async def term_by_id(
        self, guild_id: int, term_id: int, reader: Database | Transaction | None = None
    ) -> Term | None:
        """Return a term by id, with its aliases."""
        source = reader or self.db
        row = await source.fetch_one(SELECT_TERM_BY_ID, (guild_id, term_id))
        return None if row is None else await self._with_aliases(source, row)

    async def term_by_slug(
        self, guild_id: int, slug: str, reader: Database | Transaction | None = None
    ) -> Term | None:
        """Return a term by slug, with its aliases."""
        source = reader or self.db
        row = await source.fetch_one(SELECT_TERM_BY_SLUG, (guild_id, slug))
        return None if row is None else await self._with_aliases(source, row)

    async def term_id_by_folded(self, guild_id: int, folded: str) -> int | None:
        """Return the id of the term with this folded name or alias."""
        value = await self.db.fetch_value(SELECT_NAME, (guild_id, folded))
        return None if value is None else int(value)

    async def terms_by_slugs(
        self, guild_id: int, slugs: tuple[str, ...]
    ) -> dict[str, tuple[int, str]]:
        """Map the slugs that exist to their term id and display name."""
        if not slugs:
            return {}
        sql = SELECT_TERMS_BY_SLUGS.format(marks=",".join("?" * len(slugs)))
        rows = await self.db.fetch_all(sql, (guild_id, *slugs))
        return {row["slug"]: (row["id"], row["name"]) for row in rows}

    async def names(self, guild_id: int) -> list[NameEntry]:
        """Return every name and alias in a server's glossary."""
        rows = await self.db.fetch_all(SELECT_NAMES, (guild_id,))
        return from_rows(NameEntry, rows)

    async def term_list(self, guild_id: int) -> list[tuple[str, str]]:
        """Return (slug, name) for every term, sorted by name."""
        rows = await self.db.fetch_all(SELECT_TERM_LIST, (guild_id,))
        return [(r["slug"], r["name"]) for r in rows]

    async def count_terms(self, guild_id: int) -> int:
        """Return how many terms a server's glossary holds."""
        return int(await self.db.fetch_value(COUNT_TERMS, (guild_id,)) or 0)

    async def insert_term(self, tx: Transaction, term: Term, now: datetime) -> int:
        """Insert a term (its names are set separately) and return its id."""
        stamp = to_db(now)
        return await tx.insert(
            INSERT_TERM,
            (
                term.guild_id,
                term.slug,
                term.name,
                term.definition,
                int(term.contested),
                term.contested_note,
                json.dumps(list(term.related)),
                sources_json(term.sources),
                term.origin,
                int(term.locally_edited),
                stamp,
                stamp,
            ),
        )

    async def update_term(self, tx: Transaction, term: Term, now: datetime) -> None:
        """Write a term's fields back."""
        await tx.execute(
            UPDATE_TERM,
            (
                term.name,
                term.definition,
                int(term.contested),
                term.contested_note,
                json.dumps(list(term.related)),
                sources_json(term.sources),
                int(term.locally_edited),
                to_db(now),
                term.id,
            ),
        )

    async def delete_term(self, tx: Transaction, term_id: int) -> None:
        """Remove a term with its names, perspectives and revisions."""
        await tx.execute(DELETE_FTS, (term_id,))
        await tx.execute(DELETE_TERM, (term_id,))

    async def set_names(
        self, tx: Transaction, guild_id: int, term_id: int, names: list[tuple[str, str, bool]]
    ) -> None:
        """Replace a term's names: (folded, display, is_alias); duplicates raise IntegrityError."""
        await tx.execute(DELETE_NAMES, (term_id,))
        await tx.executemany(
            INSERT_NAME,
            [(guild_id, folded, display, term_id, int(alias)) for folded, display, alias in names],
        )

    async def taken_by(self, tx: Transaction, guild_id: int, folded: str) -> int | None:
        """Return the id of the term already using this folded name, if any."""
        row = await tx.fetch_one(SELECT_NAME, (guild_id, folded))
        return None if row is None else int(row[0])

    async def shipped_version(self, guild_id: int) -> int:
        """Return the version of the shipped file this server has loaded (0 if none)."""
        return int(await self.db.fetch_value(SELECT_SHIPPED_VERSION, (guild_id,)) or 0)

    async def set_shipped_version(self, tx: Transaction, guild_id: int, version: int) -> None:
        """Record that this server has loaded `version` of the shipped file."""
        await tx.execute(UPSERT_SHIPPED_VERSION, (guild_id, version))

    async def add_revision(
        self,
        tx: Transaction,
        term: Term,
        actor_id: int | None,
        action: str,
        snapshot: dict[str, Any],
        now: datetime,
        perspective_id: int | None = None,
    ) -> int:
        """Record a term's (or one of its perspectives') state after a change."""
        return await tx.insert(
            INSERT_REVISION,
            (
                term.id,
                term.guild_id,
                actor_id,
                action,
                json.dumps(snapshot, ensure_ascii=False),
                to_db(now),
                perspective_id,
            ),
        )
