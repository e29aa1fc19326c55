"""Glossary service: the one object callers use, made of its reading, writing and review parts."""

from __future__ import annotations

import secrets
from pathlib import Path

from bot.core.timeutil import Clock
from bot.db.connection import Database
from bot.db.glossary import GlossaryRepo
from bot.glossary.authors import AuthorKeys
from bot.glossary.contributions import GlossaryContributions
from bot.glossary.editing import GlossaryEditor
from bot.glossary.moving import GlossaryMoves
from bot.glossary.perspectives import PerspectiveOwnership
from bot.unsaid.keys import EpochKey, KeyRing


class GlossaryService(GlossaryEditor, GlossaryContributions, GlossaryMoves):
    """All glossary behaviour; knows nothing of Discord."""

    def __init__(
        self, db: Database, data_dir: Path, clock: Clock, keys: KeyRing | None = None
    ) -> None:
        self.repo = GlossaryRepo(db)
        # Without the bot's key ring (some tests, benchmarks), a key that lives only in memory.
        ring = keys or KeyRing(EpochKey(secrets.token_bytes(32)), None, "memory")
        self.perspectives = PerspectiveOwnership(
            db, self.repo, clock, AuthorKeys(ring), self.forget
        )
        self._db = db
        self._clock = clock
        self._shipped_path = data_dir / "glossary.toml"
        self._shipped = None
        self._indexes = {}
        self._entries = {}
        self._generation = {}
        self._loaded = set()
        self._locks = {}

    # ----- members' data ---------------------------------------------------------------------

    async def export_member(self, guild_id: int, user_id: int) -> dict[str, object]:
        """Return the member's glossary contributions, anonymous perspectives included."""
        return dict(await self.perspectives.export_member(guild_id, user_id))

    async def erase_member(self, guild_id: int, user_id: int) -> None:
        """Delete the member's perspectives with their history, and their suggestions.

        Terms approved from their suggestions stay: a moderator made them part of the glossary.
        """
        await self.perspectives.erase_member(guild_id, user_id)
