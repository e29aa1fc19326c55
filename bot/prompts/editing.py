"""Take members' prompt suggestions, and let moderators add, approve and retire prompts."""

from __future__ import annotations

from bot.core.errors import UserFacingError
from bot.core.timeutil import Clock
from bot.db.connection import Database
from bot.db.prompts import PromptsRepo
from bot.db.prompts_journal import Suggestion
from bot.db.prompts_library import Prompt
from bot.prompts.catalogue import Catalogue
from bot.prompts.library import DEFAULT_GROUNDING, GROUNDING_MAX, NOTE_MAX, TEXT_MAX
from bot.prompts.rules import clean_text


class LibraryEditor:
    """Change a server's own prompts; every change clears the catalogue's cache."""

    def __init__(self, db: Database, repo: PromptsRepo, catalogue: Catalogue, clock: Clock) -> None:
        self._db = db
        self._repo = repo
        self.catalogue = catalogue
        self._clock = clock

    async def suggest(
        self, guild_id: int, user_id: int, theme: str, text: str, content_note: str | None
    ) -> Suggestion:
        """Store a member's proposed prompt for moderators to review."""
        key = self.catalogue.library.theme_key(theme)
        words = clean_text(text, TEXT_MAX, "prompt")
        note = clean_text(content_note, NOTE_MAX, "content note") if content_note else None
        return await self._repo.add_suggestion(
            guild_id, user_id, key, words, note, self._clock.now()
        )

    async def suggestion(self, guild_id: int, suggestion_id: int) -> Suggestion:
        """A pending suggestion, or an explanation that it was already decided."""
        found = await self._repo.suggestion(guild_id, suggestion_id)
        if found is None or found.status != "pending":
            raise UserFacingError("That suggestion has already been decided.")
        return found

    async def approve(self, guild_id: int, suggestion_id: int) -> tuple[Suggestion, Prompt]:
        """Add a suggested prompt to the server's library."""
        found = await self.suggestion(guild_id, suggestion_id)
        now = self._clock.now()
        heavy = found.content_note is not None
        async with self._db.transaction() as tx:
            prompt_id = await self._repo.add_prompt(
                tx,
                guild_id,
                found.theme,
                found.text,
                heavy,
                found.content_note,
                DEFAULT_GROUNDING if heavy else None,
                now,
            )
            if not await self._repo.decide_suggestion(
                tx, guild_id, suggestion_id, "approved", None, prompt_id, now
            ):
                raise UserFacingError("That suggestion has already been decided.")
        self.catalogue.invalidate(guild_id)
        prompt = await self.catalogue.get(prompt_id)
        assert prompt is not None
        return found, prompt

    async def reject(self, guild_id: int, suggestion_id: int, reason: str) -> Suggestion:
        """Decline a suggestion with a reason its author will read."""
        found = await self.suggestion(guild_id, suggestion_id)
        words = clean_text(reason, 500, "reason")
        async with self._db.transaction() as tx:
            if not await self._repo.decide_suggestion(
                tx, guild_id, suggestion_id, "rejected", words, None, self._clock.now()
            ):
                raise UserFacingError("That suggestion has already been decided.")
        return found

    # ----- moderators ------------------------------------------------------------------------

    async def add_prompt(
        self,
        guild_id: int,
        theme: str,
        text: str,
        content_note: str | None,
        grounding: str | None,
    ) -> Prompt:
        """Add a moderator's prompt; a content note makes it heavy."""
        key = self.catalogue.library.theme_key(theme)
        words = clean_text(text, TEXT_MAX, "prompt")
        note = clean_text(content_note, NOTE_MAX, "content note") if content_note else None
        steady = clean_text(grounding, GROUNDING_MAX, "grounding line") if grounding else None
        if steady and not note:
            raise UserFacingError(
                "A grounding line goes with a content note: add one, or leave both empty."
            )
        async with self._db.transaction() as tx:
            prompt_id = await self._repo.add_prompt(
                tx,
                guild_id,
                key,
                words,
                note is not None,
                note,
                (steady or DEFAULT_GROUNDING) if note else None,
                self._clock.now(),
            )
        self.catalogue.invalidate(guild_id)
        prompt = await self.catalogue.get(prompt_id)
        assert prompt is not None
        return prompt

    async def retire(self, guild_id: int, code: str, actor_id: int, *, restore: bool) -> Prompt:
        """Stop (or start again) using a prompt in this server."""
        prompt = await self.catalogue.find(guild_id, code)
        if restore:
            changed = await self._repo.restore(guild_id, prompt.id)
        else:
            changed = await self._repo.retire(guild_id, prompt.id, actor_id, self._clock.now())
        if not changed:
            state = "in use" if restore else "retired"
            raise UserFacingError(f"{prompt.code} is already {state}.")
        self.catalogue.invalidate(guild_id)
        return prompt
