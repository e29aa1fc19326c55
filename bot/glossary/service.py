# Over 400 lines: terms, suggestions, perspectives and imports share one cache and index.
# Issue #17 splits it.
"""Glossary service: lookups for members, reviewed contributions, moderators' edits."""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

from bot.core.errors import UserFacingError
from bot.core.text import fold
from bot.core.timeutil import Clock
from bot.db.connection import Database, Transaction
from bot.db.glossary import GlossaryRepo, Source, Term
from bot.db.glossary_contributions import Perspective, Revision, Suggestion
from bot.db.glossary_search import SearchHit
from bot.glossary.authors import AuthorKeys
from bot.glossary.index import Choice, NameIndex
from bot.glossary.model import (
    DEFINITION_MAX,
    NOTE_MAX,
    PERSPECTIVE_MAX,
    SOURCE_MAX,
    TermEntry,
    TermFields,
    clean,
    clean_name,
    fields_from_snapshot,
    slugify,
    snapshot,
)
from bot.glossary.perspectives import PerspectiveOwnership
from bot.glossary.shipped import ShippedGlossary, ShippedTerm, load_shipped
from bot.unsaid.keys import EpochKey, KeyRing

log = logging.getLogger(__name__)

WORD = re.compile(r"\w+")
SEARCH_PAGE = 5
SEARCH_POOL = 200  # hits re-ranked in Python; later pages beyond this are not shown
ENTRY_CACHE = 2000  # entries kept per server for define


class UnknownTerm(UserFacingError):
    """The term asked for is not in the glossary."""

    def __init__(self, query: str, suggestions: list[str]) -> None:
        shown = query.strip()[:80]
        if suggestions:
            message = (
                f"“{shown}” isn't in the glossary yet. Did you mean: {', '.join(suggestions)}?"
            )
        else:
            message = (
                f"“{shown}” isn't in the glossary yet. You can propose it with /glossary suggest."
            )
        super().__init__(message)
        self.suggestions = suggestions


@dataclass(frozen=True, slots=True)
class LoadSummary:
    """What loading the shipped file changed in one server."""

    added: int
    updated: int
    kept: int


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """What an import would do, shown to the moderator before anything changes."""

    add: list[str]
    update: list[str]
    unchanged: list[str]
    problems: list[str]
    terms: tuple[ShippedTerm, ...]


class GlossaryService:
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
        self._shipped: ShippedGlossary | None = None
        self._indexes: dict[int, NameIndex] = {}
        # What define shows, per server, keyed by the text asked for: an entry changes only
        # when the glossary is written to, and every write calls `forget`. Re-reading it was
        # the largest share of a define's CPU (docs/profiles/define-before.txt).
        self._entries: dict[int, dict[str, TermEntry]] = {}
        self._generation: dict[int, int] = {}
        self._loaded: set[int] = set()
        # One lock per server, so fifty first lookups arriving together build the index (and
        # load the shipped file) once, not fifty times.
        self._locks: dict[int, asyncio.Lock] = {}

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

    # ----- members: reading ------------------------------------------------------------------

    async def index(self, guild_id: int) -> NameIndex:
        """Return the server's name index, building it on first use after a change."""
        await self.ensure_shipped(guild_id)
        index = self._indexes.get(guild_id)
        if index is not None:
            return index
        async with self._lock(guild_id):
            index = self._indexes.get(guild_id)
            if index is None:
                index = NameIndex(await self.repo.names(guild_id))
                self._indexes[guild_id] = index
        return index

    async def autocomplete(self, guild_id: int, current: str) -> list[Choice]:
        """Return up to 25 names and aliases matching what was typed."""
        return (await self.index(guild_id)).complete(current)

    async def resolve(self, guild_id: int, query: str) -> Term:
        """Find a term by slug, name or alias, or raise UnknownTerm with suggestions."""
        index = await self.index(guild_id)
        text = query.strip()
        term = await self.repo.term_by_slug(guild_id, text) if text else None
        if term is None:
            entry = index.exact(text)
            if entry is not None:
                term = await self.repo.term_by_id(guild_id, entry.term_id)
        if term is None:
            raise UnknownTerm(text, index.suggest(text))
        return term

    async def entry(self, term: Term) -> TermEntry:
        """Gather a term's perspectives and related terms."""
        perspectives = await self.repo.perspectives(term.id)
        names = await self.repo.terms_by_slugs(term.guild_id, term.related)
        related = [names[slug] for slug in term.related if slug in names]
        return TermEntry(term, perspectives, related)

    async def define(self, guild_id: int, query: str) -> TermEntry:
        """Return everything to show for the term a member asked about."""
        await self.ensure_shipped(guild_id)
        key = query.strip()
        cached = self._entries.get(guild_id, {}).get(key)
        if cached is not None:
            return cached
        generation = self._generation.get(guild_id, 0)
        entry = await self.entry(await self.resolve(guild_id, query))
        if self._generation.get(guild_id, 0) == generation:
            entries = self._entries.setdefault(guild_id, {})
            if len(entries) >= ENTRY_CACHE:
                del entries[next(iter(entries))]  # the oldest
            entries[key] = entry
        return entry

    async def search(
        self, guild_id: int, query: str, page: int = 0, per_page: int = SEARCH_PAGE
    ) -> tuple[list[SearchHit], int]:
        """Full-text search over names, aliases, definitions and perspectives, best first."""
        await self.ensure_shipped(guild_id)
        words = WORD.findall(fold(query))[:12]
        if not words:
            raise UserFacingError("Please search for at least one word.")
        every = " ".join(f'"{w}"*' for w in words)
        hits, total = await self.repo.search(guild_id, every, SEARCH_POOL)
        if total == 0 and len(words) > 1:
            either = " OR ".join(f'"{w}"*' for w in words)
            hits, total = await self.repo.search(guild_id, either, SEARCH_POOL)

        # bm25 normalises by the whole row's length, so a much-discussed term (long perspectives)
        # can sink below a short definition that repeats the word. A hit in a term's own name,
        # then in an alias, is what people mean first; bm25 orders within each tier.
        def tier(hit: SearchHit) -> int:
            if _covers(words, hit.name):
                return 0
            return 1 if _covers(words, hit.aliases) else 2

        ranked = sorted(hits, key=tier)
        return ranked[page * per_page : (page + 1) * per_page], total

    async def list_terms(self, guild_id: int, letter: str | None = None) -> list[tuple[str, str]]:
        """Return (slug, name) of every term, optionally only those starting with `letter`."""
        await self.ensure_shipped(guild_id)
        terms = await self.repo.term_list(guild_id)
        if letter:
            start = fold(letter)[:1]
            terms = [t for t in terms if fold(t[1]).startswith(start)]
        return terms

    # ----- members: contributing -------------------------------------------------------------

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

    # ----- moderators: editing ---------------------------------------------------------------

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

    # ----- moderators: moving glossaries between servers ------------------------------------

    async def export_terms(self, guild_id: int) -> list[tuple[Term, list[Perspective]]]:
        """Return every term with its shipped-style viewpoints, for export."""
        await self.ensure_shipped(guild_id)
        out: list[tuple[Term, list[Perspective]]] = []
        for slug, _ in await self.repo.term_list(guild_id):
            term = await self.repo.term_by_slug(guild_id, slug)
            if term is not None:
                viewpoints = [
                    p for p in await self.repo.perspectives(term.id) if p.credit == "shipped"
                ]
                out.append((term, viewpoints))
        return out

    async def plan_import(self, guild_id: int, terms: tuple[ShippedTerm, ...]) -> ImportPlan:
        """Say what importing `terms` would add and change, without changing anything."""
        await self.ensure_shipped(guild_id)
        add: list[str] = []
        update: list[str] = []
        unchanged: list[str] = []
        problems: list[str] = []
        valid_terms: list[ShippedTerm] = []
        for item in terms:
            try:
                fields = self._validated(item.fields)
            except UserFacingError as error:
                problems.append(f"{item.slug}: {error.message}")
                continue
            valid_terms.append(replace(item, fields=fields))
            existing = await self.repo.term_by_slug(guild_id, item.slug)
            if existing is None:
                add.append(fields.name)
            elif snapshot(existing) == {**snapshot(existing), **_fields_dict(fields)}:
                unchanged.append(fields.name)
            else:
                update.append(fields.name)
        return ImportPlan(add, update, unchanged, problems, tuple(valid_terms))

    async def apply_import(self, guild_id: int, actor_id: int, plan: ImportPlan) -> ImportPlan:
        """Apply a planned import in one transaction: all of it, or none of it."""
        now = self._clock.now()
        async with self._db.transaction() as tx:
            for item in plan.terms:
                existing = await self.repo.term_by_slug(guild_id, item.slug, tx)
                if existing is None:
                    term = await self._create(tx, guild_id, item.slug, item.fields, "moderator")
                elif item.fields.name in plan.update:
                    term = await self._update(tx, existing, item.fields)
                else:
                    continue
                if item.viewpoints:
                    await self._replace_viewpoints(tx, term, item.viewpoints)
                await self.repo.add_revision(tx, term, actor_id, "import", snapshot(term), now)
                await self.repo.reindex(tx, term.id)
        self.forget(guild_id)
        return plan

    # ----- members' data ---------------------------------------------------------------------

    async def export_member(self, guild_id: int, user_id: int) -> dict[str, object]:
        """Return the member's glossary contributions, anonymous perspectives included."""
        return dict(await self.perspectives.export_member(guild_id, user_id))

    async def erase_member(self, guild_id: int, user_id: int) -> None:
        """Delete the member's perspectives with their history, and their suggestions.

        Terms approved from their suggestions stay: a moderator made them part of the glossary.
        """
        await self.perspectives.erase_member(guild_id, user_id)


def _covers(words: list[str], text: str) -> bool:
    """Say whether every searched word starts some word of `text`."""
    tokens = WORD.findall(fold(text))
    return all(any(token.startswith(word) for token in tokens) for word in words)


def _fields_dict(fields: TermFields) -> dict[str, object]:
    return {
        "name": fields.name,
        "definition": fields.definition,
        "aliases": sorted(fields.aliases, key=fold),
        "contested": fields.contested,
        "contested_note": fields.contested_note,
        "related": list(fields.related),
        "sources": [{"org": s.org, "title": s.title} for s in fields.sources],
    }
