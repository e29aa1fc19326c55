"""Glossary export and import in the shipped TOML format."""

from __future__ import annotations

import json
import tomllib

from bot.db.glossary import Perspective, Term
from bot.errors import UserFacingError
from bot.glossary.shipped import ShippedTerm, term_from_toml

MAX_IMPORT_BYTES = 2 * 1024 * 1024


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


def parse_import(data: bytes) -> tuple[ShippedTerm, ...]:
    """Read an uploaded glossary file, explaining plainly what is wrong with a bad one."""
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
    entries = raw.get("term")
    if not isinstance(entries, list) or not entries:
        raise UserFacingError("That file has no [[term]] entries to import.")
    terms: list[ShippedTerm] = []
    for number, entry in enumerate(entries, start=1):
        try:
            terms.append(term_from_toml(entry))
        except (KeyError, TypeError) as error:
            raise UserFacingError(
                f"Term {number} in the file is missing {error} or has the wrong shape."
            ) from None
    slugs = [t.slug for t in terms]
    if len(set(slugs)) != len(slugs):
        raise UserFacingError("Two terms in the file share a slug; each slug must be unique.")
    return tuple(terms)
