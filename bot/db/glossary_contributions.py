"""SQL for what people add to a term: perspectives, suggested terms, revisions."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.core.timeutil import to_db
from bot.db.connection import Database, Transaction
from bot.db.rows import convert, from_row, from_rows

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


class ContributionQueries:
    """Perspectives, suggestions and revisions; mixed into GlossaryRepo."""

    db: Database

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

    async def revisions(self, term_id: int) -> list[Revision]:
        """Return a term's revisions, newest first."""
        rows = await self.db.fetch_all(SELECT_REVISIONS, (term_id,))
        return from_rows(Revision, rows)

    async def revision(self, guild_id: int, revision_id: int) -> Revision | None:
        """Return one revision."""
        row = await self.db.fetch_one(SELECT_REVISION, (guild_id, revision_id))
        return None if row is None else from_row(Revision, row)
