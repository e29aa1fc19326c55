"""Signposting, not treatment: helplines and the crisis-phrase check."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

# Apostrophes vanish so that "can't", "can’t" and "cant" all read the same.
APOSTROPHES = str.maketrans({"’": "", "‘": "", "`": "", "´": "", "'": ""})
NOT_WORD = re.compile(r"[^\w\s]+")
SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Helpline:
    """One service people can contact, with when it was last checked."""

    name: str
    how: str
    when: str
    detail: str
    url: str
    last_verified: date
    where: str = ""
    emergency: bool = False

    def line(self) -> str:
        """Render the helpline as one Markdown line."""
        where = f" ({self.where})" if self.where else ""
        return f"**{self.name}**{where}: {self.how}, {self.when}. {self.detail}"


def load_helplines(data_dir: Path) -> list[Helpline]:
    """Read the shipped helplines file."""
    with (data_dir / "helplines.toml").open("rb") as handle:
        raw = tomllib.load(handle)
    helplines = [
        Helpline(
            name=entry["name"],
            how=entry["how"],
            when=entry["when"],
            detail=entry.get("detail", ""),
            url=entry.get("url", ""),
            last_verified=entry["last_verified"],
            where=entry.get("where", ""),
            emergency=bool(entry.get("emergency", False)),
        )
        for entry in raw["helpline"]
    ]
    if not helplines:
        raise ValueError("helplines.toml lists no helplines")
    return helplines


def normalise(text: str) -> str:
    """Lower-case, unify apostrophes, drop punctuation and collapse spaces, for matching."""
    folded = text.casefold().translate(APOSTROPHES)
    return SPACES.sub(" ", NOT_WORD.sub(" ", folded)).strip()


class CrisisMatcher:
    """Finds first-person crisis phrases as whole words; professional phrases are excluded."""

    def __init__(self, phrases: list[str], exclusions: list[str]) -> None:
        cleaned = sorted({normalise(p) for p in phrases if normalise(p)}, key=len, reverse=True)
        self._pattern = re.compile(
            r"(?<!\w)(" + "|".join(re.escape(p) for p in cleaned) + r")(?!\w)"
        )
        self._exclusions = [normalise(e) for e in exclusions if normalise(e)]

    @classmethod
    def from_data(cls, data_dir: Path) -> CrisisMatcher:
        """Load the shipped, editable phrase list."""
        with (data_dir / "safeguarding.toml").open("rb") as handle:
            raw = tomllib.load(handle)
        return cls(list(raw["phrases"]), list(raw.get("exclusions", [])))

    def matches(self, text: str) -> bool:
        """Say whether `text` contains a crisis phrase outside the excluded professional ones."""
        flat = normalise(text)
        for exclusion in self._exclusions:
            flat = flat.replace(exclusion, " ")
        return self._pattern.search(flat) is not None


class Safety:
    """Helplines and the crisis check, loaded once from `data/`."""

    def __init__(self, helplines: list[Helpline], matcher: CrisisMatcher) -> None:
        self.helplines = helplines
        self.matcher = matcher

    @classmethod
    def from_data(cls, data_dir: Path) -> Safety:
        """Load helplines and phrases from the data folder."""
        return cls(load_helplines(data_dir), CrisisMatcher.from_data(data_dir))

    def helpline_lines(
        self, local: str | None = None, *, include_defaults: bool = True
    ) -> list[str]:
        """Return the helplines to show: a server's own first, then the shipped ones."""
        lines = [local.strip()] if local and local.strip() else []
        if include_defaults:
            lines.extend(h.line() for h in self.helplines)
        return lines
