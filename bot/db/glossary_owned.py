"""SQL for perspectives as their authors' own: edits, withdrawal, removal, members' data."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.timeutil import to_db
from bot.db.connection import Database, Transaction
from bot.db.glossary_contributions import PERSPECTIVE_COLUMNS, Perspective
from bot.db.rows import from_rows

OWNER = "(author_id = ? OR author_tag IN ({marks}))"
SELECT_OWNED = f"""
SELECT {PERSPECTIVE_COLUMNS} FROM glossary_perspectives
WHERE guild_id = ? AND credit != 'shipped' AND status != 'withdrawn' AND {OWNER}
ORDER BY id
"""
SELECT_OWNED_SUGGESTIONS = """
SELECT id, name, definition, status, reason FROM glossary_suggestions
WHERE guild_id = ? AND author_id = ? AND status IN ('pending', 'rejected') ORDER BY id
"""
SELECT_TERM_NAMES = "SELECT id, name FROM glossary_terms WHERE guild_id = ?"
SELECT_MEMBER_PERSPECTIVES = f"""
SELECT p.id, t.name AS term, p.credit, p.text, p.pending_text, p.status, p.reason, p.created_at
FROM glossary_perspectives p JOIN glossary_terms t ON t.id = p.term_id
WHERE p.guild_id = ? AND p.credit != 'shipped' AND {OWNER.replace("author", "p.author")}
"""
SELECT_MEMBER_SUGGESTIONS = """
SELECT id, name, definition, source, status, reason, created_at FROM glossary_suggestions
WHERE guild_id = ? AND author_id = ?
"""
SELECT_TERM_SUBJECTS = """
SELECT id, term_id FROM glossary_perspectives
WHERE guild_id = ? AND credit != 'shipped' AND {owner}
""".replace("{owner}", OWNER)
SELECT_ANONYMOUS_LEGACY = """
SELECT id, author_id FROM glossary_perspectives
WHERE guild_id = ? AND credit = 'anonymous' AND author_id IS NOT NULL
"""
SELECT_SEALED_UNDER_OLD_KEY = f"""
SELECT {PERSPECTIVE_COLUMNS} FROM glossary_perspectives
WHERE guild_id = ? AND author_tag IS NOT NULL AND author_key != ?
"""
SEAL_AUTHOR = """
UPDATE glossary_perspectives SET author_id = NULL, author_tag = ?, author_seal = ?, author_key = ?
WHERE id = ?
"""
SET_PENDING_EDIT = """
UPDATE glossary_perspectives SET pending_text = ?, edited_at = ? WHERE id = ? AND status = ?
"""
SET_PENDING_TEXT = "UPDATE glossary_perspectives SET text = ? WHERE id = ? AND status = 'pending'"
APPLY_EDIT = """
UPDATE glossary_perspectives SET text = pending_text, pending_text = NULL, decided_at = ?
WHERE id = ? AND status = 'approved' AND pending_text IS NOT NULL
"""
DECLINE_EDIT = """
UPDATE glossary_perspectives SET pending_text = NULL, reason = ?, decided_at = ?
WHERE id = ? AND status = 'approved' AND pending_text IS NOT NULL
"""
SET_STATE = """
UPDATE glossary_perspectives SET text = ?, status = ?, reason = ?, pending_text = NULL,
    decided_at = ?
WHERE id = ? AND status = ?
"""
REDACT_REVISIONS = """
UPDATE glossary_revisions SET snapshot = json_set(snapshot, '$.text', '')
WHERE perspective_id = ?
"""
DELETE_REVISIONS_OF = "DELETE FROM glossary_revisions WHERE perspective_id = ?"
DELETE_PERSPECTIVE = "DELETE FROM glossary_perspectives WHERE id = ?"
WITHDRAW_SUGGESTION = """
UPDATE glossary_suggestions SET status = 'withdrawn', decided_at = ?
WHERE guild_id = ? AND id = ? AND author_id = ? AND status IN ('pending', 'rejected')
"""
ERASE_MEMBER_SUGGESTIONS = "DELETE FROM glossary_suggestions WHERE guild_id = ? AND author_id = ?"


@dataclass(frozen=True, slots=True)
class OwnedSuggestion:
    """A member's suggested term, as `/glossary mine` lists it."""

    id: int
    name: str
    definition: str
    status: str
    reason: str


def _owner_sql(sql: str, tags: list[str]) -> str:
    return sql.replace("{marks}", ",".join("?" * len(tags)) or "NULL")


class OwnedPerspectivesRepo:
    """Queries about whose a perspective is, and what its author or a moderator did to it."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def owned(self, guild_id: int, user_id: int, tags: list[str]) -> list[Perspective]:
        """Return the member's perspectives (named by id, anonymous by tag), oldest first."""
        rows = await self.db.fetch_all(_owner_sql(SELECT_OWNED, tags), (guild_id, user_id, *tags))
        return from_rows(Perspective, rows)

    async def owned_suggestions(self, guild_id: int, user_id: int) -> list[OwnedSuggestion]:
        """Return the member's suggested terms still pending, or declined."""
        rows = await self.db.fetch_all(SELECT_OWNED_SUGGESTIONS, (guild_id, user_id))
        return from_rows(OwnedSuggestion, rows)

    async def term_names(self, guild_id: int) -> dict[int, str]:
        """Map term ids to names."""
        rows = await self.db.fetch_all(SELECT_TERM_NAMES, (guild_id,))
        return {int(r["id"]): str(r["name"]) for r in rows}

    async def legacy_anonymous(self, guild_id: int) -> list[tuple[int, int]]:
        """Return (perspective id, author id) of anonymous perspectives stored before sealing."""
        rows = await self.db.fetch_all(SELECT_ANONYMOUS_LEGACY, (guild_id,))
        return [(int(r["id"]), int(r["author_id"])) for r in rows]

    async def sealed_under_old_key(self, guild_id: int, key_id: int) -> list[Perspective]:
        """Return anonymous perspectives whose author was sealed under an older key."""
        rows = await self.db.fetch_all(SELECT_SEALED_UNDER_OLD_KEY, (guild_id, key_id))
        return from_rows(Perspective, rows)

    async def seal_author(
        self, tx: Transaction, perspective_id: int, sealed: tuple[str, str, int]
    ) -> None:
        """Replace an anonymous perspective's author id with its tag and seal."""
        await tx.execute(SEAL_AUTHOR, (*sealed, perspective_id))

    async def set_pending_edit(
        self, tx: Transaction, perspective_id: int, text: str, now: datetime
    ) -> bool:
        """Keep an author's edit of an approved perspective for review."""
        return (
            await tx.execute(SET_PENDING_EDIT, (text, to_db(now), perspective_id, "approved")) == 1
        )

    async def set_pending_text(self, tx: Transaction, perspective_id: int, text: str) -> bool:
        """Change a perspective not yet reviewed."""
        return await tx.execute(SET_PENDING_TEXT, (text, perspective_id)) == 1

    async def apply_edit(self, tx: Transaction, perspective_id: int, now: datetime) -> bool:
        """Make an approved edit the shown text; False if it was already decided."""
        return await tx.execute(APPLY_EDIT, (to_db(now), perspective_id)) == 1

    async def decline_edit(
        self, tx: Transaction, perspective_id: int, reason: str, now: datetime
    ) -> bool:
        """Drop an edit a moderator declined; the approved text stays."""
        return await tx.execute(DECLINE_EDIT, (reason, to_db(now), perspective_id)) == 1

    async def set_state(
        self,
        tx: Transaction,
        perspective: Perspective,
        *,
        text: str,
        status: str,
        reason: str,
        now: datetime,
    ) -> bool:
        """Set text and status, if nobody changed the status meanwhile."""
        changed = await tx.execute(
            SET_STATE, (text, status, reason, to_db(now), perspective.id, perspective.status)
        )
        return changed == 1

    async def redact_revisions(self, tx: Transaction, perspective_id: int) -> None:
        """Remove a withdrawn perspective's words from its history (the changes stay listed)."""
        await tx.execute(REDACT_REVISIONS, (perspective_id,))

    async def withdraw_suggestion(
        self, guild_id: int, user_id: int, suggestion_id: int, now: datetime
    ) -> bool:
        """Withdraw the member's own suggestion; False if it isn't theirs or is decided."""
        changed = await self.db.execute(
            WITHDRAW_SUGGESTION, (to_db(now), guild_id, suggestion_id, user_id)
        )
        return changed == 1

    async def member_data(
        self, guild_id: int, user_id: int, tags: list[str]
    ) -> dict[str, list[dict[str, Any]]]:
        """Return everything stored against a member in the glossary, anonymous ones included."""
        perspectives = await self.db.fetch_all(
            _owner_sql(SELECT_MEMBER_PERSPECTIVES, tags), (guild_id, user_id, *tags)
        )
        suggestions = await self.db.fetch_all(SELECT_MEMBER_SUGGESTIONS, (guild_id, user_id))
        return {
            "perspectives": [_row(r) for r in perspectives],
            "suggestions": [_row(r) for r in suggestions],
        }

    async def erase_member(
        self, tx: Transaction, guild_id: int, user_id: int, tags: list[str]
    ) -> list[int]:
        """Delete the member's perspectives with their revisions, and their suggestions.

        Returns the terms whose search rows need rebuilding.
        """
        rows = await tx.fetch_all(
            _owner_sql(SELECT_TERM_SUBJECTS, tags), (guild_id, user_id, *tags)
        )
        for row in rows:
            await tx.execute(DELETE_REVISIONS_OF, (row["id"],))
            await tx.execute(DELETE_PERSPECTIVE, (row["id"],))
        await tx.execute(ERASE_MEMBER_SUGGESTIONS, (guild_id, user_id))
        return sorted({int(r["term_id"]) for r in rows})


def _row(row: sqlite3.Row) -> dict[str, Any]:
    return {key: row[key] for key in row.keys() if row[key] is not None}  # noqa: SIM118
