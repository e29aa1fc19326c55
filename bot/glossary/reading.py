"""Look terms up for members: names, autocomplete, define (cached per server), search, lists."""

from __future__ import annotations

import re

from bot.core.errors import UserFacingError
from bot.core.text import fold
from bot.db.glossary import Term
from bot.db.glossary_search import SearchHit
from bot.glossary.index import Choice, NameIndex
from bot.glossary.model import TermEntry
from bot.glossary.writing import GlossaryWriter

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


class GlossaryReader(GlossaryWriter):
    """Members' lookups, built on the server's name index and entry cache."""

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


def _covers(words: list[str], text: str) -> bool:
    """Say whether every searched word starts some word of `text`."""
    tokens = WORD.findall(fold(text))
    return all(any(token.startswith(word) for token in tokens) for word in words)
