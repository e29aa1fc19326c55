"""Move a glossary between servers: export its terms, plan an import, then apply it."""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.core.errors import UserFacingError
from bot.core.text import fold
from bot.db.glossary import Term
from bot.db.glossary_contributions import Perspective
from bot.glossary.model import TermFields, snapshot
from bot.glossary.shipped import ShippedTerm
from bot.glossary.writing import GlossaryWriter


@dataclass(frozen=True, slots=True)
class ImportPlan:
    """What an import would do, shown to the moderator before anything changes."""

    add: list[str]
    update: list[str]
    unchanged: list[str]
    problems: list[str]
    terms: tuple[ShippedTerm, ...]


class GlossaryMoves(GlossaryWriter):
    """Export and import of whole glossaries; applying an import forgets the cache."""

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
