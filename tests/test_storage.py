"""Storage: migrations, transactions and the occurrence ledger against a real SQLite file."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.db import Database
from bot.db.ledger import Occurrence, OccurrenceLedger
from bot.db.migrate import Migration, apply_migrations, current_version, shipped_migrations

DUE = datetime(2026, 3, 29, 8, 0, tzinfo=UTC)


async def table_names(db: Database) -> set[str]:
    rows = await db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {row[0] for row in rows}


async def test_migrations_apply_to_an_empty_database_and_reapply_as_no_ops(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "fresh.db")
    try:
        first = await apply_migrations(db)
        tables = await table_names(db)
        second = await apply_migrations(db)
        assert first == [m.version for m in shipped_migrations()]
        assert second == []
        assert await table_names(db) == tables
        assert {"guild_settings", "occurrences", "meta", "audit_log"} <= tables
        assert await current_version(db) == first[-1]
    finally:
        await db.close()


async def test_a_failing_migration_applies_nothing(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "broken.db")
    broken = [
        Migration(1, "good", "CREATE TABLE kept (id INTEGER PRIMARY KEY);"),
        Migration(2, "bad", "CREATE TABLE half (id INTEGER PRIMARY KEY);\nNOT SQL AT ALL;"),
    ]
    try:
        with pytest.raises(Exception, match="syntax error"):
            await apply_migrations(db, broken)
        assert "kept" not in await table_names(db)
        assert await current_version(db) == 0
    finally:
        await db.close()


async def test_connection_uses_durable_private_pragmas(db: Database) -> None:
    assert (await db.fetch_value("PRAGMA journal_mode")).lower() == "wal"
    assert await db.fetch_value("PRAGMA synchronous") == 2  # FULL
    assert await db.fetch_value("PRAGMA foreign_keys") == 1
    assert await db.fetch_value("PRAGMA secure_delete") == 1
    assert await db.fetch_value("PRAGMA busy_timeout") >= 1000


async def test_transaction_rolls_back_everything_on_error(db: Database) -> None:
    async def two_writes_then_failure() -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO meta (key, value) VALUES ('a', '1')")
            await tx.execute("INSERT INTO meta (key, value) VALUES ('b', '2')")
            raise RuntimeError("stop half-way")

    with pytest.raises(RuntimeError):
        await two_writes_then_failure()
    assert await db.fetch_all("SELECT * FROM meta") == []


async def test_two_concurrent_claims_of_one_occurrence_have_exactly_one_winner(
    db: Database, tmp_path: Path
) -> None:
    # A second connection stands for a second process (e.g. an old instance still running).
    second = await Database.open(db.path)
    try:
        occurrence = Occurrence("prompts:schedule:7", DUE)
        ledgers = [OccurrenceLedger(db), OccurrenceLedger(second)] * 4
        results = await asyncio.gather(*(ledger.claim(occurrence, DUE) for ledger in ledgers))
        assert results.count(True) == 1
        count = await db.fetch_value("SELECT COUNT(*) FROM occurrences")
        assert count == 1
    finally:
        await second.close()


async def test_claimed_but_unfinished_occurrences_survive_a_reopen(db: Database) -> None:
    ledger = OccurrenceLedger(db)
    finished = Occurrence("reminders:1", DUE)
    unfinished = Occurrence("reminders:2", DUE)
    other_feature = Occurrence("feeds:1", DUE)
    for occurrence in (finished, unfinished, other_feature):
        assert await ledger.claim(occurrence, DUE)
    await ledger.complete(finished, DUE + timedelta(minutes=1))

    reopened = await Database.open(db.path)
    try:
        pending = await OccurrenceLedger(reopened).open_occurrences("reminders:")
        assert [(p.schedule_key, p.due_at) for p in pending] == [("reminders:2", DUE)]
        assert not await OccurrenceLedger(reopened).claim(finished, DUE)
    finally:
        await reopened.close()


async def test_pruning_forgets_only_old_finished_occurrences(db: Database) -> None:
    ledger = OccurrenceLedger(db)
    old, recent, open_one = (Occurrence(f"k:{i}", DUE + timedelta(days=i)) for i in range(3))
    for occurrence in (old, recent, open_one):
        await ledger.claim(occurrence, DUE)
    await ledger.complete(old, DUE)
    await ledger.complete(recent, DUE + timedelta(days=40))
    removed = await ledger.prune(DUE + timedelta(days=30))
    assert removed == 1
    assert not await ledger.is_claimed(old)
    assert await ledger.is_claimed(recent)
    assert await ledger.is_claimed(open_one)


async def test_online_backup_copies_a_live_database(db: Database, tmp_path: Path) -> None:
    await db.execute("INSERT INTO meta (key, value) VALUES ('greeting', 'hello')")
    target = tmp_path / "backups" / "copy.db"
    await db.backup(target)
    copy = await Database.open(target)
    try:
        assert await copy.fetch_value("SELECT value FROM meta WHERE key = 'greeting'") == "hello"
        assert await copy.fetch_value("PRAGMA integrity_check") == "ok"
    finally:
        await copy.close()
