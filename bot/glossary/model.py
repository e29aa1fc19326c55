"""Glossary values, validation and the shape of a revision."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.core.errors import UserFacingError
from bot.core.text import MENTION, fold, has_control_characters, renders_blank, strip_invisible
from bot.db.glossary import Source, Term
from bot.db.glossary_contributions import Perspective

NAME_MAX = 80
DEFINITION_MAX = 1000
PERSPECTIVE_MAX = 1000
NOTE_MAX = 400
SOURCE_MAX = 200
NOT_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True, slots=True, weakref_slot=True)  # its rendering lives only as long
class TermEntry:
    """Everything `/glossary define` shows for a term."""

    term: Term
    perspectives: list[Perspective]
    related: list[tuple[int, str]]  # (term id, name) of related terms that exist


@dataclass(frozen=True, slots=True)
class TermFields:
    """What a moderator or the shipped file says a term should be."""

    name: str
    definition: str
    aliases: tuple[str, ...] = ()
    contested: bool = False
    contested_note: str = ""
    related: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()


def clean(value: str | None, field: str, limit: int, *, required: bool = True) -> str:
    """Return `value` trimmed, or raise a kind message saying what is wrong with it."""
    if has_control_characters(value or ""):
        raise UserFacingError(
            f"The {field} contains invisible or control characters. Please retype it."
        )
    text = strip_invisible(value or "").strip()
    if not text or renders_blank(text):
        if required:
            raise UserFacingError(f"The {field} is empty. Please write something there.")
        return ""
    if MENTION.search(text):
        raise UserFacingError(
            f"The {field} mentions someone or a channel. The glossary can't hold mentions, "
            "so please write the name out instead."
        )
    if len(text) > limit:
        raise UserFacingError(
            f"The {field} is {len(text)} characters; it can be at most {limit}. "
            "Nothing was saved, so you can shorten it and try again."
        )
    return text


def clean_name(value: str | None, field: str = "term") -> str:
    """Validate a term name or alias: one line, no mentions, at most 80 characters."""
    text = clean(value, field, NAME_MAX)
    if "\n" in text:
        raise UserFacingError(f"The {field} must fit on one line.")
    return " ".join(text.split())


def slugify(name: str) -> str:
    """Turn a name into a stable lowercase-hyphenated id."""
    slug = NOT_SLUG.sub("-", fold(name)).strip("-")
    return slug[:60] or "term"


def snapshot(term: Term) -> dict[str, Any]:
    """The whole editable state of a term, as stored in a revision."""
    return {
        "name": term.name,
        "definition": term.definition,
        "aliases": sorted(term.aliases, key=fold),
        "contested": term.contested,
        "contested_note": term.contested_note,
        "related": list(term.related),
        "sources": [{"org": s.org, "title": s.title} for s in term.sources],
    }


def fields_from_snapshot(data: dict[str, Any]) -> TermFields:
    """Rebuild editable fields from a revision's snapshot."""
    return TermFields(
        name=data["name"],
        definition=data["definition"],
        aliases=tuple(data.get("aliases", ())),
        contested=bool(data.get("contested", False)),
        contested_note=data.get("contested_note", ""),
        related=tuple(data.get("related", ())),
        sources=tuple(Source(s["org"], s["title"]) for s in data.get("sources", ())),
    )
