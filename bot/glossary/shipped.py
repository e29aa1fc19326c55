"""Read the shipped glossary file."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.db.glossary import Source
from bot.glossary.model import TermFields


@dataclass(frozen=True, slots=True)
class ShippedTerm:
    """One term of the shipped file, with its side-by-side viewpoints."""

    slug: str
    fields: TermFields
    viewpoints: tuple[tuple[str, str], ...]  # (label, text)


@dataclass(frozen=True, slots=True)
class ShippedGlossary:
    """The file's version and terms."""

    version: int
    terms: tuple[ShippedTerm, ...]


def term_from_toml(entry: dict[str, Any]) -> ShippedTerm:
    """Turn one [[term]] table into a ShippedTerm (also used by moderators' imports)."""
    fields = TermFields(
        name=str(entry["name"]),
        definition=str(entry["definition"]),
        aliases=tuple(str(a) for a in entry.get("aliases", ())),
        contested=bool(entry.get("contested", False)),
        contested_note=str(entry.get("contested_note", "")),
        related=tuple(str(r) for r in entry.get("related", ())),
        sources=tuple(Source(str(s["org"]), str(s["title"])) for s in entry.get("sources", ())),
    )
    viewpoints = tuple((str(v["label"]), str(v["text"])) for v in entry.get("viewpoint", ()))
    return ShippedTerm(str(entry["slug"]), fields, viewpoints)


def load_shipped(path: Path) -> ShippedGlossary:
    """Parse data/glossary.toml."""
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    terms = tuple(term_from_toml(entry) for entry in raw.get("term", ()))
    return ShippedGlossary(int(raw["version"]), terms)
