"""The command line: configuration errors, `check`, `migrate` and `backup`, as subprocesses."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.config import PROJECT_ROOT
from bot.db.migrate import shipped_migrations

LATEST = shipped_migrations()[-1].version


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run `python -m bot` with exactly `env` (plus PATH), in a folder without a .env file."""
    full_env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(PROJECT_ROOT), **env}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=full_env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "DISCORD_TOKEN is not set"),
        ({"DISCORD_TOKEN": "t", "DEV_GUILD_ID": "my-server"}, "DEV_GUILD_ID must be a server id"),
        ({"DISCORD_TOKEN": "t", "TIMEZONE": "Europe/Londn"}, "not a known IANA timezone"),
        ({"DISCORD_TOKEN": "t", "DATABASE_PATH": "/etc/hostname/db.sqlite"}, "cannot be created"),
        ({"DISCORD_TOKEN": "t", "DATABASE_PATH": "/proc/alongside.db"}, "cannot be opened"),
        ({"DISCORD_TOKEN": "t", "LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be one of"),
    ],
)
def test_bad_configuration_exits_2_with_one_plain_line(
    tmp_path: Path, env: dict[str, str], expected: str
) -> None:
    env.setdefault("DATABASE_PATH", str(tmp_path / "db.sqlite"))
    result = run_cli("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    env = {"DEV_GUILD_ID": "12", "TIMEZONE": "Nowhere/Land", "DATABASE_PATH": str(tmp_path / "d")}
    result = run_cli(env=env, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3
    assert all(line.startswith("alongside: ") for line in lines)


def test_check_validates_and_migrates_without_touching_the_network(tmp_path: Path) -> None:
    database = tmp_path / "state" / "alongside.db"
    env = {
        "DISCORD_TOKEN": "secret-token-value",
        "DATABASE_PATH": str(database),
        # An unreachable API proves `check` does not call it.
        "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10",
    }
    result = run_cli("check", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Configuration is valid." in result.stdout
    assert f"schema version: {LATEST}" in result.stdout
    assert "secret-token-value" not in result.stdout + result.stderr
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0] >= 1


def test_migrate_then_backup_produces_a_sound_copy(tmp_path: Path) -> None:
    env = {"DATABASE_PATH": str(tmp_path / "live.db")}
    migrated = run_cli("migrate", env=env, cwd=tmp_path)
    assert migrated.returncode == 0, migrated.stderr
    assert f"schema version is {LATEST}" in migrated.stdout
    copy = tmp_path / "backup.db"
    backed_up = run_cli("backup", str(copy), env=env, cwd=tmp_path)
    assert backed_up.returncode == 0, backed_up.stderr
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM guild_settings").fetchone()[0] == 0
