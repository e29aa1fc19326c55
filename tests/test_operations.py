"""Running Alongside for real: backups, restore, retention hooks and crash-loop safety."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.app.checks import data_findings, key_file_findings, sqlite_finding
from bot.app.runstate import backoff_seconds, begin_run, end_run, record_identify, run_lock
from bot.app.services import Services
from bot.core.config import PROJECT_ROOT, Settings
from bot.core.timeutil import ManualClock
from bot.db import Database
from bot.db.meta import MetaStore
from tests.botprocess import BotProcess
from tests.conftest import make_settings
from tests.fakediscord import FakeDiscord


def cli(*args: str, database: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", ""), "DATABASE_PATH": str(database)}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=database.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path, BACKUP_KEEP="3")


async def test_daily_backups_keep_only_the_newest(services: Services, clock: ManualClock) -> None:
    await services.db.execute("INSERT INTO meta (key, value) VALUES ('marker', 'present')")
    written = []
    for _ in range(5):
        written.append(await services.maintenance.backup_now())
        clock.advance(days=1)
    kept = sorted(services.config.backup_dir.glob("alongside-*.db"))
    assert kept == written[-3:]
    with sqlite3.connect(kept[-1]) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'marker'").fetchone() == (
            "present",
        )
    assert await services.maintenance.last_backup() == clock.now() - timedelta(days=1)


async def test_retention_runs_every_step_even_if_one_fails(
    services: Services, clock: ManualClock
) -> None:
    seen: list[datetime] = []

    async def broken(now: datetime) -> int:
        raise RuntimeError("boom")

    async def working(now: datetime) -> int:
        seen.append(now)
        return 2

    services.maintenance.on_retention("broken", broken)
    services.maintenance.on_retention("working", working)
    removed = await services.maintenance.apply_retention(clock.now())
    assert removed == {"working": 2}
    assert seen == [clock.now()]


async def test_the_daily_job_is_scheduled_from_the_database_at_start(services: Services) -> None:
    await services.scheduler.start()
    try:
        assert "core:maintenance" in [job.id for job in services.scheduler.jobs()]
    finally:
        services.scheduler.shutdown()


def test_restore_swaps_in_a_sound_backup_and_keeps_the_old_database(tmp_path: Path) -> None:
    database = tmp_path / "live.db"
    assert cli("migrate", database=database).returncode == 0
    backup = tmp_path / "backup.db"
    assert cli("backup", str(backup), database=database).returncode == 0
    with sqlite3.connect(database) as conn:
        conn.execute("INSERT INTO meta (key, value) VALUES ('after', 'backup')")
    result = cli("restore", str(backup), database=database)
    assert result.returncode == 0, result.stderr
    assert "previous database was kept" in result.stdout
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT COUNT(*) FROM meta WHERE key = 'after'").fetchone() == (0,)
    kept = next(tmp_path.glob("live.before-restore-*.db"))
    with sqlite3.connect(kept) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'after'").fetchone() == ("backup",)


def test_restore_refuses_a_damaged_file(tmp_path: Path) -> None:
    database = tmp_path / "live.db"
    assert cli("migrate", database=database).returncode == 0
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(b"SQLite format 3\x00" + os.urandom(4096))
    result = cli("restore", str(damaged), database=database)
    assert result.returncode == 2
    assert "not a readable SQLite database" in result.stderr or "integrity" in result.stderr
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_restore_refuses_while_the_bot_is_running(tmp_path: Path) -> None:
    database = tmp_path / "live.db"
    assert cli("migrate", database=database).returncode == 0
    backup = tmp_path / "backup.db"
    assert cli("backup", str(backup), database=database).returncode == 0
    with run_lock(database):  # what a running bot holds
        result = cli("restore", str(backup), database=database)
    assert result.returncode == 2
    assert "already using" in result.stderr


def test_backoff_doubles_and_is_capped() -> None:
    assert [backoff_seconds(n) for n in range(5)] == [0, 1, 2, 4, 8]
    assert backoff_seconds(40) == 300


async def test_unclean_exits_back_off_and_a_clean_one_resets(db: Database) -> None:
    meta = MetaStore(db)
    assert await begin_run(meta) == 0  # first ever run
    assert await begin_run(meta) == 1  # the previous run never ended cleanly
    assert await begin_run(meta) == 2
    await end_run(meta)
    assert await begin_run(meta) == 0


async def test_identifies_are_counted_over_a_rolling_day(db: Database, clock: ManualClock) -> None:
    meta = MetaStore(db)
    assert await record_identify(meta, clock.now()) == 1
    clock.advance(hours=23)
    assert await record_identify(meta, clock.now()) == 2
    clock.advance(hours=2)
    assert await record_identify(meta, clock.now()) == 2  # the first has left the window


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    await server.start()
    yield server
    await server.stop()


@pytest.mark.process
async def test_after_kill_9_the_restart_backs_off_then_serves(
    fake: FakeDiscord, tmp_path: Path
) -> None:
    guild = fake.add_guild("Peer Network")
    channel = fake.add_channel(guild, "general")
    member = fake.add_member(guild, "ash")
    database = tmp_path / "alongside.db"
    first = await BotProcess.start(fake, database)
    await first.wait_for_log("Ready as", timeout=20)
    await first.kill()

    second = await BotProcess.start(fake, database)
    try:
        await second.wait_for_log("waiting 1 s before connecting", timeout=20)
        await second.wait_for_log("IDENTIFY number 2 in the last 24 hours", timeout=20)
        await second.wait_for_log("Ready as", timeout=20)
        answer = await fake.slash(guild, channel, member, "about")
        assert (await answer.response(timeout=5))["data"]["flags"] & 64
    finally:
        assert await second.stop() == 0
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_check_warns_about_an_old_sqlite() -> None:
    assert sqlite_finding("3.51.3").ok
    assert sqlite_finding("3.52.0").ok
    old = sqlite_finding("3.40.1")
    assert not old.ok and "3.51.3" in old.text


def test_check_warns_when_the_key_file_is_readable_by_others(tmp_path: Path) -> None:
    key = tmp_path / "keys" / "anonymity-key"
    settings = make_settings(tmp_path / "data", ANONYMITY_KEY_FILE=str(key))
    key.parent.mkdir()
    key.write_text("secret")
    key.chmod(0o644)
    assert not all(f.ok for f in key_file_findings(settings))
    key.chmod(0o600)
    assert all(f.ok for f in key_file_findings(settings))


def test_check_reports_a_broken_data_file(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", data)
    (data / "helplines.toml").write_text("[[helpline]]\nname = 'no number'\n")
    findings = {f.text.split(" ")[0]: f.ok for f in data_findings(data)}
    assert findings["data/helplines.toml"] is False
    assert findings["data/glossary.toml"] is True
