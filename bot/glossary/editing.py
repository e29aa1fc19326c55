"""Let moderators add, edit, alias, remove and revert terms, each change kept as history."""

from __future__ import annotations

from dataclasses import replace

from bot.core.errors import UserFacingError
from bot.core.text import fold
from bot.db.glossary import Term
from bot.db.glossary_contributions import Revision
from bot.glossary.model import TermFields, clean_name, fields_from_snapshot, snapshot
from bot.glossary.reading import GlossaryReader


class GlossaryEditor(GlossaryReader):
    """Moderators' edits to terms; every write forgets the server's cached entries."""

    async def add_term(self, guild_id: int, actor_id: int, fields: TermFields) -> Term:
        """Add a term written by a moderator."""
        await self.ensure_shipped(guild_id)
        valid = self._validated(fields)
        async with self._db.transaction() as tx:
            slug = await self._unique_slug(tx, guild_id, valid.name)
            term = await self._create(tx, guild_id, slug, valid, "moderator")
            await self.repo.add_revision(
                tx, term, actor_id, "create", snapshot(term), self._clock.now()
            )
            await self.repo.reindex(tx, term.id)
        self.forget(guild_id)
        return term

    async def edit_term(
        self, guild_id: int, actor_id: int, query: str, fields: TermFields, action: str = "edit"
    ) -> Term:
        """Change a term; the old state stays in its history."""
        term = await self.resolve(guild_id, query)
        valid = self._validated(fields)
        async with self._db.transaction() as tx:
            updated = await self._update(tx, term, valid)
            await self.repo.add_revision(
                tx, updated, actor_id, action, snapshot(updated), self._clock.now()
            )
            await self.repo.reindex(tx, term.id)
        self.forget(guild_id)
        return updated

    async def remove_term(self, guild_id: int, query: str) -> Term:
        """Delete a term with its perspectives and history."""
        term = await self.resolve(guild_id, query)
        async with self._db.transaction() as tx:
            await self.repo.delete_term(tx, term.id)
        self.forget(guild_id)
        return term

    async def set_alias(
        self, guild_id: int, actor_id: int, query: str, alias: str, *, remove: bool = False
    ) -> Term:
        """Add an alias to a term, or remove one."""
        term = await self.resolve(guild_id, query)
        wanted = clean_name(alias, "alias")
        if remove:
            kept = tuple(a for a in term.aliases if fold(a) != fold(wanted))
            if len(kept) == len(term.aliases):
                raise UserFacingError(f"{term.name} has no alias “{wanted}”.")
        else:
            kept = (*term.aliases, wanted)
        fields = replace(fields_from_snapshot(snapshot(term)), aliases=kept)
        return await self.edit_term(guild_id, actor_id, term.slug, fields, action="alias")

    async def history(self, guild_id: int, query: str) -> tuple[Term, list[Revision]]:
        """Return a term and its revisions, newest first."""
        term = await self.resolve(guild_id, query)
        return term, await self.repo.revisions(term.id)

    async def revert(self, guild_id: int, actor_id: int, query: str, revision_id: int) -> Term:
        """Restore a term to the state of one of its revisions (itself a new revision)."""
        term = await self.resolve(guild_id, query)
        revision = await self.repo.revision(guild_id, revision_id)
        if revision is None or revision.term_id != term.id:
            raise UserFacingError(
                f"Revision {revision_id} isn't one of {term.name}'s. "
                "`/mod glossary history` lists them."
            )
        if revision.perspective_id is not None:
            return await self.perspectives.revert(
                guild_id, actor_id, term, revision.snapshot, revision_id
            )
        fields = fields_from_snapshot(revision.snapshot)
        return await self.edit_term(
            guild_id, actor_id, term.slug, fields, action=f"revert to {revision_id}"
        )
