# Over 400 lines: every glossary query with its row types. Issue #17 splits it.
"""SQL for the glossary: terms, names and aliases, perspectives, suggestions, revisions, search."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.db.connection import Database, Transaction
from bot.db.rows import convert, from_row, from_rows
from bot.timeutil import to_db

TERM_COLUMNS = (
    "id, guild_id, slug, name, definition, contested, contested_note, related, sources, origin, "
    "locally_edited"
)
SELECT_TERM_BY_ID = f"SELECT {TERM_COLUMNS} FROM glossary_terms WHERE guild_id = ? AND id = ?"
SELECT_TERM_BY_SLUG = f"SELECT {TERM_COLUMNS} FROM glossary_terms WHERE guild_id = ? AND slug = ?"
SELECT_TERMS_BY_SLUGS = (
    "SELECT id, slug, name FROM glossary_terms WHERE guild_id = ? AND slug IN ({marks})"
)
SELECT_ALIASES = (
    "SELECT display FROM glossary_names WHERE term_id = ? AND is_alias = 1 ORDER BY display"
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
PERSPECTIVE_COLUMNS = """id, term_id, author_id, credit, label, text, status, created_at, reason,
    pending_text, author_tag, author_seal, author_key"""
SELECT_PERSPECTIVES = f"""
SELECT {PERSPECTIVE_COLUMNS} FROM glossary_perspectives
WHERE term_id = ? AND status = 'approved' ORDER BY credit = 'shipped' DESC, id
"""
SELECT_PERSPECTIVE = f"""
SELECT {PERSPECTIVE_COLUMNS} FROM glossary_perspectives
WHERE guild_id = ? AND id = ?
"""
INSERT_PERSPECTIVE = """
INSERT INTO glossary_perspectives (term_id, guild_id, author_id, credit, label, text, status,
    created_at, author_tag, author_seal, author_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
DECIDE_PERSPECTIVE = """
UPDATE glossary_perspectives SET status = ?, reason = ?, decided_at = ?
WHERE id = ? AND status = 'pending'
"""
DELETE_SHIPPED_PERSPECTIVES = (
    "DELETE FROM glossary_perspectives WHERE term_id = ? AND credit = 'shipped'"
)
SELECT_SUGGESTION = """
SELECT id, guild_id, author_id, name, definition, source, status, reason, term_id
FROM glossary_suggestions WHERE guild_id = ? AND id = ?
"""
INSERT_SUGGESTION = """
INSERT INTO glossary_suggestions (guild_id, author_id, name, definition, source, status,
    created_at) VALUES (?, ?, ?, ?, ?, 'pending', ?)
"""
DECIDE_SUGGESTION = """
UPDATE glossary_suggestions SET status = ?, reason = ?, term_id = ?, decided_at = ?
WHERE id = ? AND status = 'pending'
"""
INSERT_REVISION = """
INSERT INTO glossary_revisions (term_id, guild_id, actor_id, action, snapshot, created_at,
    perspective_id) VALUES (?, ?, ?, ?, ?, ?, ?)
"""
SELECT_REVISIONS = """
SELECT id, term_id, actor_id, action, snapshot, created_at, perspective_id FROM glossary_revisions
WHERE term_id = ? ORDER BY id DESC
"""
SELECT_REVISION = """
SELECT id, term_id, actor_id, action, snapshot, created_at, perspective_id FROM glossary_revisions
WHERE guild_id = ? AND id = ?
"""
SELECT_SHIPPED_VERSION = "SELECT version FROM glossary_shipped WHERE guild_id = ?"
UPSERT_SHIPPED_VERSION = """
INSERT INTO glossary_shipped (guild_id, version) VALUES (?, ?)
ON CONFLICT (guild_id) DO UPDATE SET version = excluded.version
"""
DELETE_FTS = "DELETE FROM glossary_fts WHERE rowid = ?"
OPTIMIZE_FTS = "INSERT INTO glossary_fts (glossary_fts) VALUES ('optimize')"
INSERT_FTS = """
INSERT INTO glossary_fts (rowid, name, aliases, definition, perspectives) VALUES (?, ?, ?, ?, ?)
"""
APPROVED_TEXT = """
SELECT group_concat(text, ' ') FROM glossary_perspectives WHERE term_id = ? AND status = 'approved'
"""
# bm25 weights: a hit in the name counts most, then aliases, the definition, perspectives.
SEARCH = """
SELECT t.id AS term_id, t.slug, t.name, glossary_fts.aliases AS aliases,
    snippet(glossary_fts, -1, '**', '**', '…', 12) AS excerpt
FROM glossary_fts JOIN glossary_terms t ON t.id = glossary_fts.rowid
WHERE glossary_fts MATCH ? AND t.guild_id = ?
ORDER BY bm25(glossary_fts, 10.0, 6.0, 2.0, 1.0) LIMIT ?
"""
COUNT_SEARCH = """
SELECT COUNT(*) FROM glossary_fts JOIN glossary_terms t ON t.id = glossary_fts.rowid
WHERE glossary_fts MATCH ? AND t.guild_id = ?
"""
PENDING = """
SELECT 's' AS kind, id, created_at FROM glossary_suggestions
WHERE guild_id = ? AND status = 'pending'
UNION ALL
SELECT 'p', id, created_at FROM glossary_perspectives WHERE guild_id = ? AND status = 'pending'
UNION ALL
SELECT 'e', id, edited_at FROM glossary_perspectives
WHERE guild_id = ? AND status = 'approved' AND pending_text IS NOT NULL
ORDER BY 3 LIMIT ?
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
class Perspective:
    """One voice on a term."""

    id: int
    term_id: int
    author_id: int | None
    credit: str
    label: str
    text: str
    status: str
    created_at: datetime
    reason: str = ""
    pending_text: str | None = None  # an author's edit waiting for review
    author_tag: str | None = None  # anonymous authors: see bot/glossary/authors.py
    author_seal: str | None = None
    author_key: int | None = None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A proposed new term."""

    id: int
    guild_id: int
    author_id: int
    name: str
    definition: str
    source: str
    status: str
    reason: str
    term_id: int | None


@dataclass(frozen=True, slots=True)
class Revision:
    """A term's whole state after one change."""

    id: int
    term_id: int
    actor_id: int | None
    action: str
    snapshot: dict[str, Any] = field(metadata=convert(json.loads))
    created_at: datetime
    perspective_id: int | None = None  # set when the revision is about one perspective


@dataclass(frozen=True, slots=True)
class NameEntry:
    """A name or alias in a server's glossary, for lookup and autocomplete."""

    folded: str
    display: str
    term_id: int
    is_alias: bool
    slug: str
    term_name: str


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A ranked search result."""

    term_id: int
    slug: str
    name: str
    aliases: str
    excerpt: str


def sources_json(sources: tuple[Source, ...]) -> str:
    """Encode sources for storage."""
    return json.dumps([{"org": s.org, "title": s.title} for s in sources], ensure_ascii=False)


class GlossaryRepo:
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

    async def perspectives(self, term_id: int) -> list[Perspective]:
        """Return a term's approved perspectives, shipped viewpoints first."""
        rows = await self.db.fetch_all(SELECT_PERSPECTIVES, (term_id,))
        return from_rows(Perspective, rows)

    async def perspective(self, guild_id: int, perspective_id: int) -> Perspective | None:
        """Return one perspective."""
        row = await self.db.fetch_one(SELECT_PERSPECTIVE, (guild_id, perspective_id))
        return None if row is None else from_row(Perspective, row)

    async def insert_perspective(
        self,
        tx: Transaction,
        *,
        term_id: int,
        guild_id: int,
        author_id: int | None,
        credit: str,
        label: str,
        text: str,
        status: str,
        now: datetime,
        sealed: tuple[str, str, int] | None = None,
    ) -> int:
        """Store a perspective; `sealed` is an anonymous author's (tag, seal, key id)."""
        tag, seal, key = sealed or (None, None, None)
        return await tx.insert(
            INSERT_PERSPECTIVE,
            (term_id, guild_id, author_id, credit, label, text, status, to_db(now), tag, seal, key),
        )

    async def decide_perspective(
        self, tx: Transaction, perspective_id: int, status: str, reason: str, now: datetime
    ) -> bool:
        """Approve or reject a pending perspective; False if it was already decided."""
        changed = await tx.execute(DECIDE_PERSPECTIVE, (status, reason, to_db(now), perspective_id))
        return changed == 1

    async def delete_shipped_perspectives(self, tx: Transaction, term_id: int) -> None:
        """Remove a term's shipped viewpoints (before loading newer ones)."""
        await tx.execute(DELETE_SHIPPED_PERSPECTIVES, (term_id,))

    async def suggestion(self, guild_id: int, suggestion_id: int) -> Suggestion | None:
        """Return one suggestion."""
        row = await self.db.fetch_one(SELECT_SUGGESTION, (guild_id, suggestion_id))
        if row is None:
            return None
        return from_row(Suggestion, row)

    async def insert_suggestion(
        self, guild_id: int, author_id: int, name: str, definition: str, source: str, now: datetime
    ) -> int:
        """Store a proposed term and return its id."""
        return await self.db.insert(
            INSERT_SUGGESTION, (guild_id, author_id, name, definition, source, to_db(now))
        )

    async def decide_suggestion(
        self,
        tx: Transaction,
        suggestion_id: int,
        status: str,
        reason: str,
        term_id: int | None,
        now: datetime,
    ) -> bool:
        """Approve or reject a pending suggestion; False if it was already decided."""
        changed = await tx.execute(
            DECIDE_SUGGESTION, (status, reason, term_id, to_db(now), suggestion_id)
        )
        return changed == 1

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

    async def revisions(self, term_id: int) -> list[Revision]:
        """Return a term's revisions, newest first."""
        rows = await self.db.fetch_all(SELECT_REVISIONS, (term_id,))
        return from_rows(Revision, rows)

    async def revision(self, guild_id: int, revision_id: int) -> Revision | None:
        """Return one revision."""
        row = await self.db.fetch_one(SELECT_REVISION, (guild_id, revision_id))
        return None if row is None else from_row(Revision, row)

    async def shipped_version(self, guild_id: int) -> int:
        """Return the version of the shipped file this server has loaded (0 if none)."""
        return int(await self.db.fetch_value(SELECT_SHIPPED_VERSION, (guild_id,)) or 0)

    async def set_shipped_version(self, tx: Transaction, guild_id: int, version: int) -> None:
        """Record that this server has loaded `version` of the shipped file."""
        await tx.execute(UPSERT_SHIPPED_VERSION, (guild_id, version))

    async def reindex(self, tx: Transaction, term_id: int) -> None:
        """Rebuild one term's full-text row from its current state."""
        row = await tx.fetch_one(
            "SELECT name, definition FROM glossary_terms WHERE id = ?", (term_id,)
        )
        await tx.execute(DELETE_FTS, (term_id,))
        if row is None:
            return
        aliases = await tx.fetch_all(SELECT_ALIASES, (term_id,))
        approved = await tx.fetch_one(APPROVED_TEXT, (term_id,))
        await tx.execute(
            INSERT_FTS,
            (
                term_id,
                row["name"],
                " ".join(a["display"] for a in aliases),
                row["definition"],
                (approved[0] if approved else None) or "",
            ),
        )

    async def search(self, guild_id: int, match: str, limit: int) -> tuple[list[SearchHit], int]:
        """Run an FTS5 query; return up to `limit` hits in bm25 order, and the total."""
        rows = await self.db.fetch_all(SEARCH, (match, guild_id, limit))
        total = await self.db.fetch_value(COUNT_SEARCH, (match, guild_id))
        return from_rows(SearchHit, rows), int(total or 0)

    async def pending(self, guild_id: int, limit: int) -> list[tuple[str, int]]:
        """Return (kind, id) of the oldest items waiting for review; kind s, p, or e (an edit)."""
        rows = await self.db.fetch_all(PENDING, (guild_id, guild_id, guild_id, limit))
        return [(r["kind"], r["id"]) for r in rows]

    async def optimize(self, tx: Transaction) -> None:
        """Merge the search index, so deleted words don't linger in old segments."""
        await tx.execute(OPTIMIZE_FTS)
