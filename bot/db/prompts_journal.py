"""SQL for members' private prompt journals and their prompt suggestions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.timeutil import to_db
from bot.db.connection import Database, Transaction
from bot.db.rows import from_row, from_rows

JOURNAL_COLUMNS = "j.id, j.guild_id, j.user_id, j.prompt_id, j.text, j.created_at, p.text AS prompt"
INSERT_JOURNAL = """
INSERT INTO prompt_journal (guild_id, user_id, prompt_id, text, created_at) VALUES (?, ?, ?, ?, ?)
"""
SELECT_JOURNAL_PAGE = f"""
SELECT {JOURNAL_COLUMNS} FROM prompt_journal j LEFT JOIN prompts p ON p.id = j.prompt_id
WHERE j.guild_id = ? AND j.user_id = ? ORDER BY j.id DESC LIMIT ? OFFSET ?
"""
COUNT_JOURNAL = "SELECT COUNT(*) FROM prompt_journal WHERE guild_id = ? AND user_id = ?"
DELETE_JOURNAL_ENTRY = "DELETE FROM prompt_journal WHERE guild_id = ? AND user_id = ? AND id = ?"
DELETE_JOURNAL = "DELETE FROM prompt_journal WHERE guild_id = ? AND user_id = ?"

SUGGESTION_COLUMNS = (
    "id, guild_id, author_id, theme, text, content_note, status, reason, prompt_id, created_at"
)
INSERT_SUGGESTION = """
INSERT INTO prompt_suggestions (guild_id, author_id, theme, text, content_note, created_at)
VALUES (?, ?, ?, ?, ?, ?)
"""
SELECT_SUGGESTION = (
    f"SELECT {SUGGESTION_COLUMNS} FROM prompt_suggestions WHERE guild_id = ? AND id = ?"
)
SELECT_SUGGESTIONS_BY = (
    f"SELECT {SUGGESTION_COLUMNS} FROM prompt_suggestions "
    "WHERE guild_id = ? AND author_id = ? ORDER BY id"
)
DECIDE_SUGGESTION = """
UPDATE prompt_suggestions SET status = ?, reason = ?, prompt_id = ?, decided_at = ?
WHERE guild_id = ? AND id = ? AND status = 'pending'
"""
DELETE_SUGGESTIONS_BY = "DELETE FROM prompt_suggestions WHERE guild_id = ? AND author_id = ?"


@dataclass(frozen=True, slots=True)
class JournalEntry:
    """A private journal entry, with the prompt it answers (if any)."""

    id: int
    guild_id: int
    user_id: int
    prompt_id: int | None
    text: str
    created_at: datetime
    prompt: str | None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A prompt a member proposed."""

    id: int
    guild_id: int
    author_id: int
    theme: str
    text: str
    content_note: str | None
    status: str
    reason: str | None
    prompt_id: int | None
    created_at: datetime


class JournalQueries:
    """Journal entries and suggestions; mixed into PromptsRepo."""

    db: Database

    # ----- journal ---------------------------------------------------------------------------

    async def add_journal(
        self, guild_id: int, user_id: int, prompt_id: int | None, text: str, now: datetime
    ) -> int:
        """Save a journal entry; return its id."""
        params = (guild_id, user_id, prompt_id, text, to_db(now))
        return await self.db.insert(INSERT_JOURNAL, params)

    async def journal_page(
        self, guild_id: int, user_id: int, limit: int, offset: int
    ) -> list[JournalEntry]:
        """One page of a member's own entries, newest first."""
        rows = await self.db.fetch_all(SELECT_JOURNAL_PAGE, (guild_id, user_id, limit, offset))
        return from_rows(JournalEntry, rows)

    async def journal_count(self, guild_id: int, user_id: int) -> int:
        """How many entries a member has."""
        return int(await self.db.fetch_value(COUNT_JOURNAL, (guild_id, user_id)) or 0)

    async def delete_journal_entry(self, guild_id: int, user_id: int, entry_id: int) -> bool:
        """Delete one of a member's own entries; False if it is not theirs or gone."""
        return await self.db.execute(DELETE_JOURNAL_ENTRY, (guild_id, user_id, entry_id)) == 1

    # ----- suggestions -----------------------------------------------------------------------

    async def add_suggestion(
        self,
        guild_id: int,
        author_id: int,
        theme: str,
        text: str,
        content_note: str | None,
        now: datetime,
    ) -> Suggestion:
        """Store a suggestion; return it."""
        new_id = await self.db.insert(
            INSERT_SUGGESTION, (guild_id, author_id, theme, text, content_note, to_db(now))
        )
        found = await self.suggestion(guild_id, new_id)
        assert found is not None
        return found

    async def suggestion(
        self, guild_id: int, suggestion_id: int, tx: Transaction | None = None
    ) -> Suggestion | None:
        """One suggestion of a server."""
        reader = tx or self.db
        row = await reader.fetch_one(SELECT_SUGGESTION, (guild_id, suggestion_id))
        return from_row(Suggestion, row) if row else None

    async def suggestions_by(self, guild_id: int, author_id: int) -> list[Suggestion]:
        """Everything a member suggested in a server."""
        rows = await self.db.fetch_all(SELECT_SUGGESTIONS_BY, (guild_id, author_id))
        return from_rows(Suggestion, rows)

    async def decide_suggestion(
        self,
        tx: Transaction,
        guild_id: int,
        suggestion_id: int,
        status: str,
        reason: str | None,
        prompt_id: int | None,
        now: datetime,
    ) -> bool:
        """Record a decision; False if someone decided it first."""
        params = (status, reason, prompt_id, to_db(now), guild_id, suggestion_id)
        return await tx.execute(DECIDE_SUGGESTION, params) == 1

    async def all_journal(self, guild_id: int, user_id: int) -> list[JournalEntry]:
        """Every entry a member wrote, newest first."""
        count = await self.journal_count(guild_id, user_id)
        return await self.journal_page(guild_id, user_id, max(count, 1), 0)
