"""SQL for the glossary's full-text index, search and review queue."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.connection import Database, Transaction
from bot.db.rows import from_rows

SELECT_ALIASES = (
    "SELECT display FROM glossary_names WHERE term_id = ? AND is_alias = 1 ORDER BY display"
)

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
class SearchHit:
    """A ranked search result."""

    term_id: int
    slug: str
    name: str
    aliases: str
    excerpt: str


class SearchQueries:
    """The FTS5 index, search and the pending queue; mixed into GlossaryRepo."""

    db: Database

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
