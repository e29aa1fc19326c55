"""Glossary entries for benchmarks: the shipped file, plus generated terms shaped like it.

Each generated term copies the shape of a shipped term picked by a seeded RNG: the length of
its definition and contested note, how many viewpoints (and how long each is), aliases,
sources and related terms. Member perspectives are added to shipped and generated terms alike.
"""

from __future__ import annotations

import json
import random
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bot.core.config import PROJECT_ROOT
from bot.core.text import fold
from bot.core.timeutil import ManualClock, to_db
from bot.db import Database
from bot.glossary import GlossaryService
from bot.glossary.shipped import ShippedTerm, load_shipped

WORDS = [
    "peer",
    "power",
    "voice",
    "care",
    "trust",
    "hope",
    "harm",
    "trauma",
    "lived",
    "practice",
    "support",
    "recovery",
    "model",
    "safety",
    "labour",
    "boundary",
    "story",
    "table",
    "board",
    "budget",
    "access",
    "equity",
    "council",
    "carer",
    "survivor",
    "madness",
    "rights",
    "advocacy",
    "network",
    "listening",
    "solidarity",
    "language",
    "coercion",
    "choice",
]
MEMBER_PERSPECTIVES = (0, 1, 2, 3)  # per term, picked uniformly


def words(rng: random.Random, length: int) -> str:
    """Return seeded prose of about `length` characters."""
    out: list[str] = []
    size = 0
    while size < length:
        word = rng.choice(WORDS)
        out.append(word)
        size += len(word) + 1
    return " ".join(out).capitalize()[: max(1, length - 1)] + "."


async def load_shipped_glossary(path: Path, guild_id: int) -> list[ShippedTerm]:
    """Load the shipped glossary into a server through the bot's own service; return its terms."""
    db = await Database.open(path)
    clock = ManualClock(datetime.now(UTC))
    await GlossaryService(db, PROJECT_ROOT / "data", clock).ensure_shipped(guild_id)
    await db.close()
    return list(load_shipped(PROJECT_ROOT / "data" / "glossary.toml").terms)


def seed_shaped(
    path: Path, guild_id: int, shipped: list[ShippedTerm], terms: int, seed: int = 7
) -> list[str]:
    """Add `terms` generated terms shaped like the shipped ones, and member perspectives on all."""
    rng = random.Random(seed)
    now = to_db(datetime.now(UTC))
    with sqlite3.connect(path) as conn:
        first = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM glossary_terms").fetchone()[0]
        used = {row[0] for row in conn.execute("SELECT folded FROM glossary_names")}
        shipped_ids = dict(
            conn.execute("SELECT slug, id FROM glossary_terms WHERE guild_id = ?", (guild_id,))
        )
        slugs = [f"term-{n}" for n in range(1, terms + 1)]
        term_rows, name_rows, view_rows, fts_rows = [], [], [], []
        for number, slug in enumerate(slugs):
            term_id = first + number
            template = rng.choice(shipped)
            shape = template.fields
            name = _unique(rng, used, f" {number + 1}")
            aliases = [_unique(rng, used, f" {number + 1}a{k}") for k in range(len(shape.aliases))]
            definition = words(rng, len(shape.definition))
            note = words(rng, len(shape.contested_note)) if shape.contested else ""
            related = rng.sample(slugs, len(shape.related))
            sources = [{"org": words(rng, 30), "title": words(rng, 50)} for _ in shape.sources]
            term_rows.append(
                (
                    term_id,
                    guild_id,
                    slug,
                    name,
                    definition,
                    int(shape.contested),
                    note,
                    json.dumps(related),
                    json.dumps(sources),
                    "moderator",
                    0,
                    now,
                    now,
                )
            )
            name_rows.append((guild_id, fold(name), name, term_id, 0))
            name_rows.extend((guild_id, fold(a), a, term_id, 1) for a in aliases)
            texts = []
            for label, text in template.viewpoints if shape.contested else ():
                texts.append(words(rng, len(text)))
                view_rows.append((term_id, guild_id, None, "shipped", label, texts[-1], now))
            fts_rows.append((term_id, name, " ".join(aliases), definition, " ".join(texts)))
        member_rows = [
            (term_id, guild_id, 5000 + rng.randrange(50), "named", "", words(rng, 300), now)
            for term_id in [*shipped_ids.values(), *range(first, first + terms)]
            for _ in range(rng.choice(MEMBER_PERSPECTIVES))
        ]
        # co-production always has member perspectives beside its viewpoints, as in the issue.
        member_rows += [
            (shipped_ids["co-production"], guild_id, 5001, "named", "", words(rng, 300), now)
        ] * 2
        conn.executemany("INSERT INTO glossary_terms VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", term_rows)
        conn.executemany("INSERT INTO glossary_names VALUES (?,?,?,?,?)", name_rows)
        conn.executemany(
            "INSERT INTO glossary_perspectives (term_id, guild_id, author_id, credit, label, text,"
            " status, created_at) VALUES (?,?,?,?,?,?,'approved',?)",
            view_rows + member_rows,
        )
        conn.executemany(
            "INSERT INTO glossary_fts (rowid, name, aliases, definition, perspectives)"
            " VALUES (?,?,?,?,?)",
            fts_rows,
        )
    return slugs


def _unique(rng: random.Random, used: set[str], suffix: str) -> str:
    while True:
        name = " ".join(rng.sample(WORDS, 2)).capitalize() + suffix
        if fold(name) not in used:
            used.add(fold(name))
            return name
