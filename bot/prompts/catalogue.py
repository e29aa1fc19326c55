"""The prompts each server can use: shipped ones loaded from the file, plus its own."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from bot.core.errors import UserFacingError
from bot.core.timeutil import Clock
from bot.db.prompts import PromptsRepo
from bot.db.prompts_library import Prompt
from bot.prompts.library import Library

log = logging.getLogger(__name__)


class Catalogue:
    """A per-server cache of the library, invalidated whenever a moderator changes it."""

    def __init__(self, repo: PromptsRepo, library: Library, clock: Clock) -> None:
        self._repo = repo
        self.library = library
        self._clock = clock
        self._loaded = False
        self._load_lock = asyncio.Lock()
        self._by_guild: dict[int, list[Prompt]] = {}
        self._by_id: dict[int, Prompt] = {}

    async def ensure_loaded(self) -> None:
        """Bring the shipped prompts into the database once per start (idempotent by key)."""
        if self._loaded:
            return
        async with self._load_lock:
            if self._loaded:
                return
            rows = [
                (p.key, p.theme, p.text, p.model, p.heavy, p.content_note, p.grounding)
                for p in self.library.prompts
            ]
            async with self._repo.db.transaction() as tx:
                changed = await self._repo.upsert_shipped(tx, rows, self._clock.now())
            if changed:
                log.info("Prompt library: %d shipped prompts added, updated or withdrawn", changed)
            self._loaded = True

    async def visible(self, guild_id: int) -> list[Prompt]:
        """Every prompt the server can see, retired ones included (marked)."""
        await self.ensure_loaded()
        cached = self._by_guild.get(guild_id)
        if cached is None:
            cached = await self._repo.library(guild_id)
            self._by_guild[guild_id] = cached
            for prompt in cached:
                self._by_id[prompt.id] = prompt
        return cached

    async def eligible(self, guild_id: int, themes: Sequence[str] = ()) -> list[Prompt]:
        """Prompts in use in the server, limited to `themes` when any are given."""
        wanted = set(themes)
        return [
            p
            for p in await self.visible(guild_id)
            if not p.retired and (not wanted or p.theme in wanted)
        ]

    async def get(self, prompt_id: int) -> Prompt | None:
        """One prompt by id (retired or not)."""
        found = self._by_id.get(prompt_id)
        if found is None:
            found = await self._repo.prompt(prompt_id)
            if found is not None:
                self._by_id[prompt_id] = found
        return found

    def invalidate(self, guild_id: int) -> None:
        """Forget a server's cached view after a moderator changed its library."""
        self._by_guild.pop(guild_id, None)

    async def find(self, guild_id: int, code: str) -> Prompt:
        """A prompt by the name moderators use (power-01, local-12)."""
        wanted = code.strip().lower()
        for prompt in await self.visible(guild_id):
            if prompt.code.lower() == wanted:
                return prompt
        raise UserFacingError(f"There is no prompt called “{code[:40]}” here. `/mod prompts list`.")
