"""Take members' suggested terms and perspectives, and let moderators review them."""

from __future__ import annotations

from dataclasses import replace

from bot.core.errors import UserFacingError
from bot.db.glossary import Source, Term
from bot.db.glossary_contributions import Perspective, Suggestion
from bot.glossary.model import (
    DEFINITION_MAX,
    PERSPECTIVE_MAX,
    SOURCE_MAX,
    TermFields,
    clean,
    clean_name,
    snapshot,
)
from bot.glossary.reading import GlossaryReader


class GlossaryContributions(GlossaryReader):
    """Members' contributions and their review; every decision that changes terms forgets."""

    async def suggest_term(
        self, guild_id: int, author_id: int, name: str, definition: str, source: str
    ) -> Suggestion:
        """Store a proposed term for review."""
        clean_term = clean_name(name)
        clean_definition = clean(definition, "definition", DEFINITION_MAX)
        clean_source = clean(source, "source", SOURCE_MAX, required=False)
        existing = (await self.index(guild_id)).exact(clean_term)
        if existing is not None:
            raise UserFacingError(
                f"“{existing.term_name}” is already in the glossary. You can add your own "
                "perspective on it with /glossary perspective."
            )
        suggestion_id = await self.repo.insert_suggestion(
            guild_id, author_id, clean_term, clean_definition, clean_source, self._clock.now()
        )
        suggestion = await self.repo.suggestion(guild_id, suggestion_id)
        assert suggestion is not None
        return suggestion

    async def add_perspective(
        self, guild_id: int, author_id: int, term_query: str, text: str, *, anonymous: bool
    ) -> tuple[Perspective, Term]:
        """Store a member's perspective on a term, pending review."""
        term = await self.resolve(guild_id, term_query)
        body = clean(text, "perspective", PERSPECTIVE_MAX)
        async with self._db.transaction() as tx:
            # An anonymous author is stored only as a keyed tag and seal, never as an id.
            perspective_id = await self.repo.insert_perspective(
                tx,
                term_id=term.id,
                guild_id=guild_id,
                author_id=None if anonymous else author_id,
                credit="anonymous" if anonymous else "named",
                label="",
                text=body,
                status="pending",
                now=self._clock.now(),
                sealed=self.perspectives.sealed(guild_id, author_id) if anonymous else None,
            )
        perspective = await self.repo.perspective(guild_id, perspective_id)
        assert perspective is not None
        return perspective, term

    # ----- moderators: review ----------------------------------------------------------------

    async def approve_suggestion(
        self,
        guild_id: int,
        suggestion_id: int,
        moderator_id: int,
        *,
        name: str | None = None,
        definition: str | None = None,
    ) -> tuple[Suggestion, Term]:
        """Turn a suggestion into a term (optionally as edited by the moderator)."""
        suggestion = await self._pending_suggestion(guild_id, suggestion_id)
        fields = self._validated(
            TermFields(
                name=name if name is not None else suggestion.name,
                definition=definition if definition is not None else suggestion.definition,
                sources=(Source(suggestion.source, ""),) if suggestion.source else (),
            )
        )
        async with self._db.transaction() as tx:
            slug = await self._unique_slug(tx, guild_id, fields.name)
            term = await self._create(tx, guild_id, slug, fields, "member")
            if not await self.repo.decide_suggestion(
                tx, suggestion_id, "approved", "", term.id, self._clock.now()
            ):
                raise UserFacingError("Another moderator has already decided on this suggestion.")
            await self.repo.add_revision(
                tx, term, moderator_id, "create", snapshot(term), self._clock.now()
            )
            await self.repo.reindex(tx, term.id)
        self.forget(guild_id)
        return suggestion, term

    async def reject_suggestion(self, guild_id: int, suggestion_id: int, reason: str) -> Suggestion:
        """Decline a suggestion with a reason the contributor will read."""
        suggestion = await self._pending_suggestion(guild_id, suggestion_id)
        why = clean(reason, "reason", 500)
        async with self._db.transaction() as tx:
            if not await self.repo.decide_suggestion(
                tx, suggestion_id, "rejected", why, None, self._clock.now()
            ):
                raise UserFacingError("Another moderator has already decided on this suggestion.")
        return replace(suggestion, status="rejected", reason=why)

    async def _pending_suggestion(self, guild_id: int, suggestion_id: int) -> Suggestion:
        suggestion = await self.repo.suggestion(guild_id, suggestion_id)
        if suggestion is None:
            raise UserFacingError("That suggestion no longer exists.")
        if suggestion.status != "pending":
            raise UserFacingError(f"That suggestion was already {suggestion.status}.")
        return suggestion

    async def _pending_perspective(self, guild_id: int, perspective_id: int) -> Perspective:
        perspective = await self.repo.perspective(guild_id, perspective_id)
        if perspective is None:
            raise UserFacingError("That perspective no longer exists.")
        if perspective.status != "pending":
            raise UserFacingError(f"That perspective was already {perspective.status}.")
        return perspective

    async def check_pending(self, guild_id: int, kind: str, item_id: int) -> None:
        """Explain, kindly, when a suggestion (s), perspective (p) or edit (e) awaits no review."""
        if kind == "s":
            await self._pending_suggestion(guild_id, item_id)
        elif kind == "e":
            perspective = await self.repo.perspective(guild_id, item_id)
            if (
                perspective is None
                or perspective.status != "approved"
                or not perspective.pending_text
            ):
                raise UserFacingError("That edit has already been decided or withdrawn.")
        else:
            await self._pending_perspective(guild_id, item_id)

    async def decide_perspective(
        self,
        guild_id: int,
        perspective_id: int,
        *,
        approve: bool,
        reason: str = "",
        moderator_id: int | None = None,
    ) -> tuple[Perspective, Term]:
        """Approve or reject a pending perspective."""
        perspective = await self._pending_perspective(guild_id, perspective_id)
        why = "" if approve else clean(reason, "reason", 500)
        async with self._db.transaction() as tx:
            status = "approved" if approve else "rejected"
            if not await self.repo.decide_perspective(
                tx, perspective_id, status, why, self._clock.now()
            ):
                raise UserFacingError("Another moderator has already decided on this.")
            if approve:
                await self.perspectives.record_approval(
                    tx, guild_id, replace(perspective, status=status), moderator_id
                )
            await self.repo.reindex(tx, perspective.term_id)
        self.forget(guild_id)
        term = await self.repo.term_by_id(guild_id, perspective.term_id)
        assert term is not None
        return replace(perspective, status=status), term
