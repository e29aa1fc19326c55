"""Glossary export and import in the shipped TOML format."""

from __future__ import annotations

import json
import re
import tomllib
from typing import Any

from bot.core.errors import UserFacingError
from bot.core.text import clip
from bot.db.glossary import Source, Term
from bot.db.glossary_contributions import Perspective
from bot.glossary.model import (
    DEFINITION_MAX,
    NAME_MAX,
    NOTE_MAX,
    PERSPECTIVE_MAX,
    SOURCE_MAX,
    TermFields,
    clean,
    clean_name,
)
from bot.glossary.shipped import ShippedTerm

MAX_IMPORT_BYTES = 2 * 1024 * 1024
# Slugs are what autocomplete offers as values (at most 100 characters there); the ones
# Alongside makes are at most 60.
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_MAX = 60


def _string(value: str) -> str:
    # A JSON string is also a valid TOML basic string (same escapes, \uXXXX for controls).
    return json.dumps(value, ensure_ascii=False)


def _strings(values: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(_string(v) for v in values) + "]"


def to_toml(terms: list[tuple[Term, list[Perspective]]], version: int = 1) -> str:
    """Write terms in the same format as data/glossary.toml."""
    lines = [
        "# Alongside glossary export. Import it with /mod glossary import.",
        f"version = {version}",
        "",
    ]
    for term, viewpoints in terms:
        lines += [
            "[[term]]",
            f"slug = {_string(term.slug)}",
            f"name = {_string(term.name)}",
            f"aliases = {_strings(term.aliases)}",
            f"definition = {_string(term.definition)}",
            f"contested = {'true' if term.contested else 'false'}",
        ]
        if term.contested_note:
            lines.append(f"contested_note = {_string(term.contested_note)}")
        lines.append(f"related = {_strings(term.related)}")
        sources = ", ".join(
            f"{{ org = {_string(s.org)}, title = {_string(s.title)} }}" for s in term.sources
        )
        lines += [f"sources = [{sources}]", ""]
        for viewpoint in viewpoints:
            lines += [
                "[[term.viewpoint]]",
                f"label = {_string(viewpoint.label)}",
                f"text = {_string(viewpoint.text)}",
                "",
            ]
    return "\n".join(lines)


def _text(entry: dict[str, Any], key: str, what: str, limit: int, *, required: bool) -> str:
    if required and key not in entry:
        raise UserFacingError(f"its {what} is missing")
    value = entry.get(key, "")
    if not isinstance(value, str):
        raise UserFacingError(f"its {what} must be text in quotes")
    return clean(value, what, limit, required=required)


def _texts(entry: dict[str, Any], key: str, what: str) -> list[str]:
    values = entry.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise UserFacingError(f'its {what} must be a list of text in quotes, like ["a", "b"]')
    return [v for v in values if v.strip()]


def _tables(entry: dict[str, Any], key: str, what: str) -> list[dict[str, Any]]:
    values = entry.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
        raise UserFacingError(f"its {what} must each be a table")
    return values


def _term(entry: Any) -> ShippedTerm:
    """Check every value of one [[term]] table, or raise a kind message naming the problem."""
    if not isinstance(entry, dict):
        raise UserFacingError("it isn't a table of values")
    slug = entry.get("slug")
    if not isinstance(slug, str) or not SLUG.fullmatch(slug) or len(slug) > SLUG_MAX:
        raise UserFacingError(
            f"its slug must be up to {SLUG_MAX} lowercase letters, digits and hyphens, "
            'like "peer-support"'
        )
    if not isinstance(entry.get("contested", False), bool):
        raise UserFacingError("its contested value must be true or false")
    sources: list[Source] = []
    for source in _tables(entry, "sources", "sources"):
        org = _text(source, "org", "source's organisation", SOURCE_MAX, required=True)
        title = _text(source, "title", "source's title", SOURCE_MAX, required=False)
        sources.append(Source(org, title))
    viewpoints = tuple(
        (
            clean_name(_text(v, "label", "viewpoint label", NAME_MAX, required=True), "label"),
            _text(v, "text", "viewpoint", PERSPECTIVE_MAX, required=True),
        )
        for v in _tables(entry, "viewpoint", "viewpoints")
    )
    related = _texts(entry, "related", "related slugs")
    if any(not SLUG.fullmatch(r) or len(r) > SLUG_MAX for r in related):
        raise UserFacingError('its related terms must be slugs, like "peer-support"')
    fields = TermFields(
        name=clean_name(_text(entry, "name", "name", NAME_MAX, required=True)),
        definition=_text(entry, "definition", "definition", DEFINITION_MAX, required=True),
        aliases=tuple(clean_name(a, "alias") for a in _texts(entry, "aliases", "aliases")),
        contested=entry.get("contested", False),
        contested_note=_text(entry, "contested_note", "contested note", NOTE_MAX, required=False),
        related=tuple(related),
        sources=tuple(sources),
    )
    return ShippedTerm(slug, fields, viewpoints)


def parse_import(data: bytes) -> tuple[ShippedTerm, ...]:
    """Read an uploaded glossary file and check every value, explaining plainly what is wrong."""
    if len(data) > MAX_IMPORT_BYTES:
        raise UserFacingError("That file is larger than 2 MiB, too large for a glossary import.")
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise UserFacingError(
            "That file isn't text (UTF-8). Export a glossary and edit that."
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise UserFacingError(f"That file isn't valid TOML: {error}.") from None
    except RecursionError:
        raise UserFacingError(
            "That file nests lists or tables too deeply to be a glossary. "
            "Export a glossary and edit that."
        ) from None
    entries = raw.get("term")
    if not isinstance(entries, list) or not entries:
        raise UserFacingError("That file has no [[term]] entries to import.")
    terms: list[ShippedTerm] = []
    for number, entry in enumerate(entries, start=1):
        try:
            terms.append(_term(entry))
        except UserFacingError as error:
            slug = entry.get("slug") if isinstance(entry, dict) else None
            named = f" ({clip(slug, 40)})" if isinstance(slug, str) and slug else ""
            problem = error.message[0].lower() + error.message[1:]
            raise UserFacingError(
                f"Term {number}{named} in the file can't be imported: {problem.rstrip('.')}. "
                "Nothing was imported."
            ) from None
    slugs = [t.slug for t in terms]
    if len(set(slugs)) != len(slugs):
        raise UserFacingError("Two terms in the file share a slug; each slug must be unique.")
    return tuple(terms)
