"""Anonymous glossary authors: stored only as a keyed tag and seal, kept across key rotations."""

from __future__ import annotations

import secrets

from bot.core.config import PROJECT_ROOT
from bot.core.timeutil import ManualClock
from bot.db import Database
from bot.glossary import GlossaryService
from bot.unsaid.keys import EpochKey, KeyRing
from tests.bytescan import id_patterns, traces

GUILD = 111111111111111111
MEMBER = 222222222222222222
OTHER = 444444444444444444


def ring(current: EpochKey, previous: EpochKey | None = None) -> KeyRing:
    return KeyRing(current, previous, "test")


async def test_plain_ids_from_before_are_sealed_and_the_author_keeps_their_link(
    db: Database, clock: ManualClock
) -> None:
    glossary = GlossaryService(db, PROJECT_ROOT / "data", clock, ring(EpochKey(b"k" * 32)))
    await glossary.ensure_shipped(GUILD)
    term = await glossary.resolve(GUILD, "recovery")
    # An anonymous perspective as the previous version stored it: the author's id in plain.
    await db.execute(
        "INSERT INTO glossary_perspectives (term_id, guild_id, author_id, credit, text, status,"
        " created_at) VALUES (?, ?, ?, 'anonymous', 'Old words.', 'approved',"
        " '2026-01-01T00:00:00.000000Z')",
        (term.id, GUILD, MEMBER),
    )
    await GlossaryService(
        db, PROJECT_ROOT / "data", clock, ring(EpochKey(b"k" * 32))
    ).ensure_shipped(GUILD)
    await db.checkpoint()
    assert traces(db.path, id_patterns(MEMBER)) == []
    fresh = GlossaryService(db, PROJECT_ROOT / "data", clock, ring(EpochKey(b"k" * 32)))
    mine, _ = await fresh.perspectives.mine(GUILD, MEMBER)
    assert [p.text for p, _ in mine] == ["Old words."]
    assert (await fresh.perspectives.mine(GUILD, OTHER))[0] == []
    assert fresh.perspectives.recipient(GUILD, mine[0][0]) == MEMBER


async def test_an_anonymous_author_is_resealed_after_a_rotation_so_two_rotations_lose_nothing(
    db: Database, clock: ManualClock
) -> None:
    first, second, third = (EpochKey(secrets.token_bytes(32)) for _ in range(3))
    glossary = GlossaryService(db, PROJECT_ROOT / "data", clock, ring(first))
    perspective, _ = await glossary.add_perspective(
        GUILD, MEMBER, "recovery", "My words.", anonymous=True
    )
    assert perspective.author_id is None
    # Rotated once: the start-up pass reseals under the new key while the old one still works.
    await GlossaryService(db, PROJECT_ROOT / "data", clock, ring(second, first)).ensure_shipped(
        GUILD
    )
    # Rotated again: the first key has lapsed, yet the author is still recognised.
    later = GlossaryService(db, PROJECT_ROOT / "data", clock, ring(third, second))
    await later.ensure_shipped(GUILD)
    later_mine, _ = await later.perspectives.mine(GUILD, MEMBER)
    assert [p.text for p, _ in later_mine] == ["My words."]
    await later.perspectives.withdraw(GUILD, MEMBER, perspective.id)
    assert (await later.perspectives.mine(GUILD, MEMBER))[0] == []
