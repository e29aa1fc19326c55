"""What `python -m bot check` looks at beyond configuration: SQLite, disk, key file, data."""

from __future__ import annotations

import shutil
import sqlite3
import stat
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bot.core.config import Settings
from bot.core.safety import CrisisMatcher, load_helplines
from bot.glossary.shipped import load_shipped
from bot.unsaid.keys import locate_key_file

# 3.51.3 fixed a bug that could corrupt a WAL-mode database under concurrent checkpoints.
SQLITE_WANTED = (3, 51, 3)
LOW_DISK_BYTES = 500 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Finding:
    """One line of the report: fine, or a warning with what to do."""

    ok: bool
    text: str


def sqlite_finding(version: str = sqlite3.sqlite_version) -> Finding:
    """Warn when the SQLite library is older than the release with the WAL fix."""
    parts = tuple(int(p) for p in version.split(".")[:3])
    if parts >= SQLITE_WANTED:
        return Finding(True, f"SQLite {version}")
    wanted = ".".join(map(str, SQLITE_WANTED))
    return Finding(
        False,
        f"SQLite {version} is older than {wanted}, which fixed a WAL corruption bug. "
        "Upgrade the system SQLite (or Python) where you can; keep daily backups on meanwhile.",
    )


def disk_finding(folder: Path) -> Finding:
    """Report free disk space where the database lives."""
    free = shutil.disk_usage(folder).free
    text = f"{free / 1024**3:,.1f} GiB free beside the database"
    if free < LOW_DISK_BYTES:
        return Finding(False, f"Only {text}: backups and the WAL need room; free some space.")
    return Finding(True, text)


def key_file_findings(settings: Settings) -> list[Finding]:
    """Check the anonymity key file is private and kept apart from the database and backups."""
    if settings.anonymity_key:
        return [Finding(True, "Anonymity key comes from ANONYMITY_KEY")]
    location = locate_key_file(settings)
    warnings = [Finding(False, warning) for warning in location.warnings]
    key_file = location.path
    if not key_file.exists():
        return [
            *warnings,
            Finding(True, f"Anonymity key file will be created at {key_file} (mode 0600)"),
        ]
    mode = stat.S_IMODE(key_file.stat().st_mode)
    if mode & 0o077:
        return [
            *warnings,
            Finding(
                False,
                f"{key_file} can be read by other users (mode {mode:o}); run chmod 600 on it.",
            ),
        ]
    return [*warnings, Finding(True, f"Anonymity key file {key_file} is private (mode {mode:o})")]


def _toml(path: Path) -> None:
    with path.open("rb") as handle:
        tomllib.load(handle)


def data_findings(data_dir: Path) -> list[Finding]:
    """Load every shipped data file the way the bot does and report any that fail."""
    loaders: dict[str, Callable[[], object]] = {
        "glossary.toml": lambda: load_shipped(data_dir / "glossary.toml"),
        "helplines.toml": lambda: load_helplines(data_dir),
        "safeguarding.toml": lambda: CrisisMatcher.from_data(data_dir),
        "prompts.toml": lambda: _toml(data_dir / "prompts.toml"),
        "sensitive_topics.toml": lambda: _toml(data_dir / "sensitive_topics.toml"),
    }
    findings = []
    for name, load in loaders.items():
        try:
            load()
        except (OSError, ValueError, KeyError, TypeError, tomllib.TOMLDecodeError) as error:
            findings.append(Finding(False, f"data/{name} can't be loaded: {error}"))
        else:
            findings.append(Finding(True, f"data/{name} is valid"))
    return findings


def run_checks(settings: Settings) -> list[Finding]:
    """Everything `check` reports after the configuration itself."""
    return [
        sqlite_finding(),
        disk_finding(settings.database_path.parent),
        *key_file_findings(settings),
        *data_findings(settings.data_dir),
    ]
