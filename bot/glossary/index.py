"""An in-memory index of names and aliases, so autocomplete answers in microseconds."""

from __future__ import annotations

import difflib
from bisect import bisect_left
from dataclasses import dataclass

from bot.core.text import fold
from bot.db.glossary import NameEntry

MAX_CHOICES = 25


@dataclass(frozen=True, slots=True)
class Choice:
    """One autocomplete suggestion: what to show and the slug it stands for."""

    label: str
    slug: str


class NameIndex:
    """Names and aliases of one server's glossary, sorted by their folded form."""

    def __init__(self, entries: list[NameEntry]) -> None:
        self._entries = sorted(entries, key=lambda e: (e.folded, e.is_alias))
        self._folded = [e.folded for e in self._entries]
        self._by_folded = {e.folded: e for e in self._entries}

    def __len__(self) -> int:
        return len(self._entries)

    def exact(self, text: str) -> NameEntry | None:
        """Return the entry whose name or alias is `text` (ignoring case and accents)."""
        return self._by_folded.get(fold(text))

    def complete(self, text: str, limit: int = MAX_CHOICES) -> list[Choice]:
        """Return names starting with `text`, then names containing it, one choice per term."""
        needle = fold(text)
        seen: set[int] = set()
        choices: list[Choice] = []

        def add(entry: NameEntry) -> bool:
            if entry.term_id in seen:
                return False
            seen.add(entry.term_id)
            label = entry.display if not entry.is_alias else f"{entry.display} → {entry.term_name}"
            choices.append(Choice(label[:100], entry.slug))
            return len(choices) >= limit

        if not needle:
            for entry in self._entries:
                if not entry.is_alias and add(entry):
                    break
            return choices
        # Prefix matches are a contiguous run of the sorted list: bisect to its start.
        start = bisect_left(self._folded, needle)
        for entry in self._entries[start:]:
            if not entry.folded.startswith(needle):
                break
            if add(entry):
                return choices
        # Within the substring matches, a term's own name is a better label than an alias.
        for want_alias in (False, True):
            for entry in self._entries:
                if entry.is_alias != want_alias or entry.folded.startswith(needle):
                    continue
                if needle in entry.folded and add(entry):
                    return choices
        return choices

    def suggest(self, text: str, limit: int = 5) -> list[str]:
        """Return names that look like `text`, for "did you mean"."""
        needle = fold(text)
        close = difflib.get_close_matches(needle, self._folded, n=limit * 2, cutoff=0.6)
        names: list[str] = []
        for folded in close + [f for f in self._folded if needle and needle in f]:
            name = self._by_folded[folded].term_name
            if name not in names:
                names.append(name)
        return names[:limit]
