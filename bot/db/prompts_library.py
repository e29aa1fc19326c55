"""SQL for the prompt library, its retirements, and each scope's rotation."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.core.timeutil import from_db, to_db
from bot.db.connection import Database, Transaction
from bot.db.rows import from_row, from_rows

PROMPT_COLUMNS = (
    "p.id, p.guild_id, p.key, p.theme, p.text, p.model, p.heavy, p.content_note, p.grounding"
)
SELECT_LIBRARY = f"""
SELECT {PROMPT_COLUMNS}, r.prompt_id IS NOT NULL AS retired
FROM prompts p LEFT JOIN prompt_retirements r ON r.prompt_id = p.id AND r.guild_id = ?
WHERE (p.guild_id = 0 AND p.withdrawn = 0) OR p.guild_id = ?
ORDER BY p.theme, p.guild_id, p.id
"""
SELECT_PROMPT = f"SELECT {PROMPT_COLUMNS}, 0 AS retired FROM prompts p WHERE p.id = ?"
UPSERT_SHIPPED = """
INSERT INTO prompts (guild_id, key, theme, text, model, heavy, content_note, grounding, withdrawn,
    created_at, updated_at)
VALUES (0, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)
ON CONFLICT (guild_id, key) DO UPDATE SET
    theme = excluded.theme, text = excluded.text, model = excluded.model,
    heavy = excluded.heavy, content_note = excluded.content_note,
    grounding = excluded.grounding, withdrawn = 0, updated_at = excluded.updated_at
WHERE prompts.theme IS NOT excluded.theme OR prompts.text IS NOT excluded.text
    OR prompts.model IS NOT excluded.model OR prompts.heavy IS NOT excluded.heavy
    OR prompts.content_note IS NOT excluded.content_note
    OR prompts.grounding IS NOT excluded.grounding OR prompts.withdrawn = 1
"""
SELECT_SHIPPED_KEYS = "SELECT key FROM prompts WHERE guild_id = 0 AND withdrawn = 0"
WITHDRAW_SHIPPED = "UPDATE prompts SET withdrawn = 1, updated_at = ? WHERE guild_id = 0 AND key = ?"
INSERT_PROMPT = """
INSERT INTO prompts (guild_id, key, theme, text, model, heavy, content_note, grounding,
    created_at, updated_at)
VALUES (?, NULL, ?, ?, ?, ?, ?, ?, ?, ?)
"""
RETIRE = """
INSERT INTO prompt_retirements (guild_id, prompt_id, retired_by, retired_at) VALUES (?, ?, ?, ?)
ON CONFLICT (guild_id, prompt_id) DO NOTHING
"""
RESTORE = "DELETE FROM prompt_retirements WHERE guild_id = ? AND prompt_id = ?"

SELECT_CYCLE = """
SELECT cycle, prompt_id FROM prompt_history
WHERE scope = ? AND cycle = (SELECT MAX(cycle) FROM prompt_history WHERE scope = ?)
ORDER BY id
"""
INSERT_HISTORY = """
INSERT INTO prompt_history (scope, cycle, prompt_id, sent_at) VALUES (?, ?, ?, ?)
"""
PRUNE_HISTORY = "DELETE FROM prompt_history WHERE scope = ? AND cycle < ?"
SELECT_HISTORY = "SELECT cycle, prompt_id, sent_at FROM prompt_history WHERE scope = ? ORDER BY id"
DELETE_HISTORY = "DELETE FROM prompt_history WHERE scope = ?"


@dataclass(frozen=True, slots=True)
class Prompt:
    """One prompt of the library, as seen from one server."""

    id: int
    guild_id: int
    key: str | None
    theme: str
    text: str
    model: str | None
    heavy: bool
    content_note: str | None
    grounding: str | None
    retired: bool = False

    @property
    def code(self) -> str:
        """The name moderators use: the shipped id, or local-<n> for a server's own."""
        return self.key or f"local-{self.id}"


class LibraryQueries:
    """The library, retirements and rotation; mixed into PromptsRepo."""

    db: Database

    # ----- library ---------------------------------------------------------------------------

    async def upsert_shipped(
        self,
        tx: Transaction,
        rows: Sequence[tuple[str, str, str, str | None, bool, str | None, str | None]],
        now: datetime,
    ) -> int:
        """Insert or update shipped prompts by key; withdraw keys the file no longer has."""
        changed = 0
        stamp = to_db(now)
        for key, theme, text, model, heavy, note, grounding in rows:
            changed += await tx.execute(
                UPSERT_SHIPPED,
                (key, theme, text, model, int(heavy), note, grounding, stamp, stamp),
            )
        wanted = {row[0] for row in rows}
        for row in await tx.fetch_all(SELECT_SHIPPED_KEYS):
            if row["key"] not in wanted:
                changed += await tx.execute(WITHDRAW_SHIPPED, (stamp, row["key"]))
        return changed

    async def library(self, guild_id: int) -> list[Prompt]:
        """Every prompt this server can see, with whether it retired each."""
        return from_rows(Prompt, await self.db.fetch_all(SELECT_LIBRARY, (guild_id, guild_id)))

    async def prompt(self, prompt_id: int) -> Prompt | None:
        """One prompt by id, whoever owns it."""
        row = await self.db.fetch_one(SELECT_PROMPT, (prompt_id,))
        return from_row(Prompt, row) if row else None

    async def add_prompt(
        self,
        tx: Transaction,
        guild_id: int,
        theme: str,
        text: str,
        heavy: bool,
        content_note: str | None,
        grounding: str | None,
        now: datetime,
    ) -> int:
        """Add a server's own prompt; return its id."""
        stamp = to_db(now)
        return await tx.insert(
            INSERT_PROMPT,
            (guild_id, theme, text, None, int(heavy), content_note, grounding, stamp, stamp),
        )

    async def retire(self, guild_id: int, prompt_id: int, actor_id: int, now: datetime) -> bool:
        """Stop using a prompt in one server; False if it already was."""
        return await self.db.execute(RETIRE, (guild_id, prompt_id, actor_id, to_db(now))) == 1

    async def restore(self, guild_id: int, prompt_id: int) -> bool:
        """Use a retired prompt again; False if it was not retired."""
        return await self.db.execute(RESTORE, (guild_id, prompt_id)) == 1

    # ----- rotation --------------------------------------------------------------------------

    async def cycle(self, tx: Transaction, scope: str) -> tuple[int, list[int]]:
        """The scope's current cycle number and the prompts it has had in it, oldest first."""
        rows = await tx.fetch_all(SELECT_CYCLE, (scope, scope))
        if not rows:
            return 0, []
        return rows[0]["cycle"], [row["prompt_id"] for row in rows]

    async def record_pick(
        self,
        tx: Transaction,
        scope: str,
        cycle: int,
        prompt_id: int,
        now: datetime,
        *,
        prune: bool = False,
    ) -> None:
        """Note that the scope had this prompt; a new cycle forgets the ones before it."""
        if prune:
            await tx.execute(PRUNE_HISTORY, (scope, cycle))
        await tx.execute(INSERT_HISTORY, (scope, cycle, prompt_id, to_db(now)))

    async def erase_member_history(self, scope: str) -> None:
        """Forget a scope's rotation."""
        await self.db.execute(DELETE_HISTORY, (scope,))

    async def history(self, scope: str) -> list[tuple[int, int, datetime]]:
        """A scope's remembered picks: (cycle, prompt id, when)."""
        rows = await self.db.fetch_all(SELECT_HISTORY, (scope,))
        return [(r["cycle"], r["prompt_id"], from_db(r["sent_at"])) for r in rows]
