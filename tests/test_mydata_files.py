"""A thief with the data folder: erased words leave no bytes, and no file is readable by others."""

from __future__ import annotations

import os
import random
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app.services import Services, build_services
from bot.core.timeutil import ManualClock
from bot.db import Database
from bot.db.migrate import apply_migrations
from tests.bytescan import files_of, traces
from tests.conftest import SEED, make_settings

GUILD = 1_100_000_000_000_000_001
ASH = 1_200_000_000_000_000_002
REJECTED = "Cormorant wings drying: words a moderator turned down"
JOURNAL = "Oystercatcher journal entry the member deleted"


async def test_rejected_unsaid_words_leave_no_bytes(services: Services, clock: ManualClock) -> None:
    await services.settings.set_many(GUILD, {"unsaid_channel": 11, "unsaid_review_channel": 12})
    unsaid = services.unsaid
    await unsaid.submit(GUILD, ASH, REJECTED, None)
    clock.advance(minutes=31)
    [batch] = await unsaid.review_batches()
    [item] = batch.items
    await unsaid.mark_in_review(item, 12, 99)
    assert traces(services.db.path, [REJECTED.encode()])  # the scan can see the words

    await unsaid.reject(GUILD, item.public_id, "Not this one")

    assert traces(services.db.path, [REJECTED.encode()]) == []


async def test_a_deleted_journal_entry_leaves_no_bytes(services: Services) -> None:
    prompts = services.prompts
    entry_id = await prompts.write_journal(GUILD, ASH, JOURNAL, None)
    assert traces(services.db.path, [JOURNAL.encode()])

    await prompts.delete_entry(GUILD, ASH, entry_id)

    assert traces(services.db.path, [JOURNAL.encode()]) == []


@pytest.fixture
def loose_umask() -> Iterator[None]:
    """The common default: new files readable by everyone unless the bot says otherwise."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def too_open(folder: Path) -> list[str]:
    """Every file or folder under `folder` that someone other than its owner could read."""
    found = []
    for path in [folder, *folder.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            found.append(f"{path.relative_to(folder.parent)} is {oct(mode)}")
    return found


async def test_database_wal_shm_and_backups_are_for_the_bot_alone(
    tmp_path: Path, loose_umask: None
) -> None:
    data = tmp_path / "alongside-data"  # the bot creates this folder itself
    backups = tmp_path / "alongside-backups"
    settings = make_settings(
        tmp_path, DATABASE_PATH=str(data / "alongside.db"), BACKUP_DIR=str(backups)
    )
    db = await Database.open(settings.database_path)
    await apply_migrations(db)
    clock = ManualClock(datetime(2026, 1, 12, 9, 0, tzinfo=UTC))
    services = build_services(settings, db, clock, rng=random.Random(SEED))
    await services.prompts.write_journal(GUILD, ASH, "An ordinary day.", None)
    target = await services.maintenance.backup_now()
    try:
        assert len(files_of(db.path)) == 3  # database, WAL and shm all exist while open
        assert target.parent == backups and target.exists()
        assert too_open(data) == []
        assert too_open(backups) == []
    finally:
        await db.close()


async def test_files_left_readable_by_an_older_version_are_tightened(
    tmp_path: Path, loose_umask: None
) -> None:
    path = tmp_path / "alongside.db"
    first = await Database.open(path)
    await apply_migrations(first)
    await first.close()
    os.chmod(path, 0o644)  # as an earlier Alongside left it

    again = await Database.open(path)
    try:
        assert [oct(stat.S_IMODE(p.stat().st_mode)) for p in files_of(path)] == ["0o600"] * 3
    finally:
        await again.close()
