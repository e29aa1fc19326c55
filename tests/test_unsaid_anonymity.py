"""Anonymity requirements 1-3 and 6, proven: the schema, the bytes on disk, and the logs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
import simcord

from tests.bytescan import id_patterns, traces
from tests.conftest import World
from tests.test_unsaid_helpers import (
    UNSAID_EXTENSIONS,
    configure,
    posts,
    receipt_of,
    release,
    review_messages,
    share,
)

UNSAID_TABLES = ("unsaid_items", "unsaid_blocks", "unsaid_limit_slots", "unsaid_counters")
IDENTIFYING = ("user", "member", "author_id", "username", "name", "nick", "display")


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return UNSAID_EXTENSIONS


async def full_flow(world: World, authors: list[simcord.MemberActor]) -> None:
    """Share, release, approve, reject, reply, block and withdraw, by many known members."""
    review = await configure(world, daily_limit=5)
    receipts = []
    for n, author in enumerate(authors):
        for k in range(3):
            result = await share(author, world, f"Submission {k} from writer {n}.", note="")
            receipts.append(receipt_of(result))
    await share(authors[0], world, "Some days I want to kill myself after those meetings.")
    await release(world)
    for index, message in enumerate(review_messages(review)):
        if index % 3 == 0:
            shown = await world.moderator.click(message, label="Reject")
            await world.moderator.submit_modal(shown, {"reason": "Not this one."})
        else:
            await world.moderator.click(message, label="Approve")
    first_post = posts(world.general)[0]
    for author in authors[:3]:
        shown = await author.click(first_post, label="Reply anonymously")
        await author.submit_modal(shown, {"body": "A reply, anonymously."})
    await release(world)
    for message in review_messages(review):
        await world.moderator.click(message, label="Approve")
    await authors[0].slash(world.general, "unsaid withdraw", receipt=receipts[0])
    await authors[0].slash(world.general, "unsaid status", receipt=receipts[1])
    # Withdrawal folds the WAL; keep writing so the scan also covers a WAL with fresh pages.
    await share(authors[-1], world, "One more, after the withdrawal.")
    await release(world)
    blockable = next(m for m in review.history() if "block" in str(m.components))
    await world.moderator.click(blockable, label="Block author")


async def test_no_unsaid_table_has_a_column_for_a_person(world: World) -> None:
    for table in UNSAID_TABLES:
        rows = await world.services.db.fetch_all(f"PRAGMA table_info({table})")
        assert rows, table
        for row in rows:
            column = row["name"].lower()
            assert not any(word in column for word in IDENTIFYING), f"{table}.{column}"


async def test_database_and_wal_never_hold_an_authors_id(world: World) -> None:
    authors = [world.member, world.other] + [
        world.guild.add_member(world.env.create_user(f"writer{n}")) for n in range(6)
    ]
    await full_flow(world, authors)
    assert await world.services.db.fetch_value("SELECT COUNT(*) FROM unsaid_items") > 20
    assert await world.services.db.fetch_value("SELECT COUNT(*) FROM unsaid_blocks") == 1

    path = world.services.config.database_path
    wal = Path(f"{path}-wal")
    assert wal.exists()
    assert wal.stat().st_size > 0  # the WAL really holds recent pages to scan
    needles = [p for author in authors for p in id_patterns(author.id)]
    names = [author.name.encode() for author in authors if len(author.name) >= 5]
    assert traces(path, needles + names) == [], "before a checkpoint"
    await world.services.db.checkpoint()
    assert traces(path, needles + names) == [], "after a checkpoint"
    # The moderator's own id is in the audit log, as it should be: finding it proves the
    # scan can see ids at all.
    assert traces(path, id_patterns(world.moderator.id))


async def test_nothing_logged_names_the_author(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    author = world.guild.add_member(world.env.create_user("quillon_writer"))
    second = world.guild.add_member(world.env.create_user("marisol_writer"))
    # As in production: everything at DEBUG except discord.py, which bot.logs keeps at INFO
    # because its DEBUG output holds whole payloads.
    caplog.set_level(logging.DEBUG)
    discord_logger = logging.getLogger("discord")
    previous = discord_logger.level
    discord_logger.setLevel(logging.INFO)
    try:
        await full_flow(world, [author, second])
        for _ in range(3):  # also the refusals: limit reached, blocked
            await author.slash(world.general, "unsaid share")
        await author.slash(world.general, "unsaid about")
        await release(world, minutes=24 * 60)
    finally:
        discord_logger.setLevel(previous)
    records = [r for r in caplog.records if not r.name.startswith("simcord")]
    assert records, "the capture saw nothing"
    forbidden = [str(author.id), author.name, str(second.id), second.name]
    for record in records:
        text = record.getMessage() + (record.exc_text or "") + repr(record.args)
        for value in forbidden:
            assert value not in text, f"{record.name}: {text[:200]}"
