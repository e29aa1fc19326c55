"""Load the shipped glossary into a server and write terms with their names."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from pathlib import Path

from bot.core.errors import UserFacingError
from bot.core.text import fold
from bot.core.timeutil import Clock
from bot.db.connection import Database, Transaction
from bot.db.glossary import GlossaryRepo, Term
from bot.glossary.index import NameIndex
from bot.glossary.model import (
    DEFINITION_MAX,
    NOTE_MAX,
    TermEntry,
    TermFields,
    clean,
    clean_name,
    slugify,
    snapshot,
)
from bot.glossary.perspectives import PerspectiveOwnership
from bot.glossary.shipped import ShippedGlossary, load_shipped

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LoadSummary:
    """What loading the shipped file changed in one server."""

    added: int
    updated: int
    kept: int


class GlossaryWriter:
    """Shared state of the glossary service, the shipped load and the term writers."""

    # Set by GlossaryService.__init__; every part of the service shares them.
    repo: GlossaryRepo
    perspectives: PerspectiveOwnership
    _db: Database
    _clock: Clock
    _shipped_path: Path
    _shipped: ShippedGlossary | None
    _indexes: dict[int, NameIndex]
    # What define shows, per server, keyed by the text asked for: an entry changes only
    # when the glossary is written to, and every write calls `forget`. Re-reading it was
    # the largest share of a define's CPU (docs/profiles/define-before.txt).
    _entries: dict[int, dict[str, TermEntry]]
    _generation: dict[int, int]
    _loaded: set[int]
    # One lock per server, so fifty first lookups arriving together build the index (and
    # load the shipped file) once, not fifty times.
    _locks: dict[int, asyncio.Lock]

    # ----- shipped content -------------------------------------------------------------------

    def shipped(self) -> ShippedGlossary:
        """Return the shipped glossary file, parsed once."""
        if self._shipped is None:
            self._shipped = load_shipped(self._shipped_path)
        return self._shipped

    async def ensure_shipped(self, guild_id: int) -> None:
        """Load the shipped terms into a server the first time, and again when the file is newer."""
        if guild_id in self._loaded:
            return
        async with self._lock(guild_id):
            if guild_id in self._loaded:
                return
            shipped = self.shipped()
            if await self.repo.shipped_version(guild_id) < shipped.version:
                await self.load_shipped(guild_id, shipped)
            if await self.perspectives.seal_legacy(guild_id):
                log.info("Sealed the authors of anonymous perspectives in server %s", guild_id)
            self._loaded.add(guild_id)

    def forget(self, guild_id: int) -> None:
        """Drop a server's cached name index and entries: call after every glossary write."""
        self._indexes.pop(guild_id, None)
        self._entries.pop(guild_id, None)
        # A define that read the database before this write must not cache what it read.
        self._generation[guild_id] = self._generation.get(guild_id, 0) + 1

    def _lock(self, guild_id: int) -> asyncio.Lock:
        return self._locks.setdefault(guild_id, asyncio.Lock())

    async def load_shipped(self, guild_id: int, shipped: ShippedGlossary) -> LoadSummary:
        """Add new shipped terms and update untouched ones; never overwrite people's additions."""
        added = updated = kept = 0
        now = self._clock.now()
        async with self._db.transaction() as tx:
            for item in shipped.terms:
                existing = await self.repo.term_by_slug(guild_id, item.slug, tx)
                if existing is None:
                    if await self.repo.taken_by(tx, guild_id, fold(item.fields.name)) is not None:
                        kept += 1  # someone here already added a term with this name
                        continue
                    term = await self._create(tx, guild_id, item.slug, item.fields, "shipped")
                    await self._replace_viewpoints(tx, term, item.viewpoints)
                    await self.repo.add_revision(tx, term, None, "shipped", snapshot(term), now)
                    added += 1
                elif existing.origin == "shipped" and not existing.locally_edited:
                    term = await self._update(tx, existing, item.fields, shipped_load=True)
                    await self._replace_viewpoints(tx, term, item.viewpoints)
                    if snapshot(term) != snapshot(existing):
                        await self.repo.add_revision(
                            tx, term, None, "shipped-update", snapshot(term), now
                        )
                        updated += 1
                else:
                    kept += 1
                await self.repo.reindex(tx, term.id if existing is None else existing.id)
            await self.repo.set_shipped_version(tx, guild_id, shipped.version)
        self.forget(guild_id)
        log.info(
            "Glossary for server %s: %d added, %d updated, %d kept", guild_id, added, updated, kept
        )
        return LoadSummary(added, updated, kept)

    async def _replace_viewpoints(
        self, tx: Transaction, term: Term, viewpoints: tuple[tuple[str, str], ...]
    ) -> None:
        await self.repo.delete_shipped_perspectives(tx, term.id)
        for label, text in viewpoints:
            await self.repo.insert_perspective(
                tx,
                term_id=term.id,
                guild_id=term.guild_id,
                author_id=None,
                credit="shipped",
                label=label,
                text=text,
                status="approved",
                now=self._clock.now(),
            )

    # ----- writing terms ---------------------------------------------------------------------

    async def _set_names(
        self, tx: Transaction, term: Term, fields: TermFields, *, skip_taken: bool
    ) -> tuple[str, ...]:
        """Give a term its name and aliases; refuse (or, for shipped loads, skip) taken ones."""
        wanted: list[tuple[str, str, bool]] = []
        seen: set[str] = set()
        for display, is_alias in [(fields.name, False), *((a, True) for a in fields.aliases)]:
            folded = fold(display)
            if not folded or folded in seen:
                continue
            owner = await self.repo.taken_by(tx, term.guild_id, folded)
            if owner is not None and owner != term.id:
                if skip_taken:
                    log.info(
                        "Skipping name %r: another term in server %s uses it",
                        display,
                        term.guild_id,
                    )
                    continue
                other = await self.repo.term_by_id(term.guild_id, owner, tx)
                other_name = other.name if other else "another term"
                raise UserFacingError(
                    f"“{display}” is already used by {other_name}. Each name or alias can belong "
                    "to one term only. Nothing was changed."
                )
            seen.add(folded)
            wanted.append((folded, display, is_alias))
        await self.repo.set_names(tx, term.guild_id, term.id, wanted)
        return tuple(display for _, display, alias in wanted if alias)

    async def _create(
        self, tx: Transaction, guild_id: int, slug: str, fields: TermFields, origin: str
    ) -> Term:
        draft = Term(
            id=0,
            guild_id=guild_id,
            slug=slug,
            name=fields.name,
            definition=fields.definition,
            contested=fields.contested,
            contested_note=fields.contested_note,
            related=fields.related,
            sources=fields.sources,
            origin=origin,
            locally_edited=False,
        )
        term = replace(draft, id=await self.repo.insert_term(tx, draft, self._clock.now()))
        aliases = await self._set_names(tx, term, fields, skip_taken=origin == "shipped")
        return replace(term, aliases=aliases)

    async def _update(
        self, tx: Transaction, term: Term, fields: TermFields, *, shipped_load: bool = False
    ) -> Term:
        updated = replace(
            term,
            name=fields.name,
            definition=fields.definition,
            contested=fields.contested,
            contested_note=fields.contested_note,
            related=fields.related,
            sources=fields.sources,
            locally_edited=term.locally_edited or (term.origin == "shipped" and not shipped_load),
        )
        await self.repo.update_term(tx, updated, self._clock.now())
        aliases = await self._set_names(tx, updated, fields, skip_taken=shipped_load)
        return replace(updated, aliases=aliases)

    async def _unique_slug(self, tx: Transaction, guild_id: int, name: str) -> str:
        base = slugify(name)
        slug, number = base, 2
        while await self.repo.term_by_slug(guild_id, slug, tx) is not None:
            slug, number = f"{base}-{number}", number + 1
        return slug

    def _validated(self, fields: TermFields) -> TermFields:
        return TermFields(
            name=clean_name(fields.name),
            definition=clean(fields.definition, "definition", DEFINITION_MAX),
            aliases=tuple(clean_name(a, "alias") for a in fields.aliases if a.strip()),
            contested=fields.contested,
            contested_note=clean(fields.contested_note, "contested note", NOTE_MAX, required=False),
            related=fields.related,
            sources=fields.sources,
        )
