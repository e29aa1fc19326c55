"""A thief copies the database's folder (with its backups): can they name an Unsaid author?

What a thief learns, by what they hold (the same statements as `/unsaid about` and README):
- The database folder alone (database, WAL, backups): the words of submissions not yet
  erased, when each was shared (the day), and random per-submission tags that no member id can
  be tested against. No member is identified.
- The database and the key file: for each submission still carrying a tag (up to 14 days), which
  member wrote it, and which members shared on each recent day (the daily-limit slots).
"""

from __future__ import annotations

import contextlib
import logging
import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.app.checks import key_file_findings
from bot.app.services import Services, build_services
from bot.core.config import Settings
from bot.db import Database
from bot.db.migrate import apply_migrations
from bot.unsaid import anonymity
from bot.unsaid.keys import EpochKey, KeyRing, key_file_path, locate_key_file, read_key_file
from tests.conftest import make_settings

GUILD = 1_100_000_000_000_000_001
MEMBERS = [1_200_000_000_000_000_100 + n for n in range(20)]
HEX_KEY = re.compile(rb"[0-9a-f]{64}")


def candidate_keys(folder: Path) -> list[EpochKey]:
    """Every key a thief could pull out of any file in the folder."""
    found: list[EpochKey] = []
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        with contextlib.suppress(ValueError, UnicodeDecodeError):
            found.extend(key for key in read_key_file(path) if key is not None)
        found.extend(
            EpochKey(bytes.fromhex(m.decode())) for m in HEX_KEY.findall(path.read_bytes())
        )
    return found


def tags_in(database: Path) -> list[tuple[bytes, bytes]]:
    with sqlite3.connect(database) as conn:
        rows = conn.execute("SELECT tag_salt, author_tag FROM unsaid_items").fetchall()
    return [(bytes(salt), bytes(tag)) for salt, tag in rows]


def identified(keys: list[EpochKey], database: Path) -> set[int]:
    """Try every member id against every tag with every key: who is named?"""
    return {
        member
        for key in keys
        for salt, tag in tags_in(database)
        for member in MEMBERS
        if anonymity.matches_author(key, salt, tag, GUILD, member)
    }


async def test_a_copy_of_the_database_folder_names_nobody(
    services: Services, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> None:
    await services.settings.set_many(GUILD, {"unsaid_channel": 11, "unsaid_review_channel": 12})
    for member in MEMBERS:
        await services.unsaid.submit(GUILD, member, f"Something I couldn't say, {member}", None)
    backup = await services.maintenance.backup_now()
    assert backup.parent == settings.backup_dir
    assert settings.database_path.parent in backup.parents  # backups sit in the database folder

    stolen = tmp_path_factory.mktemp("stolen") / "folder"
    shutil.copytree(settings.database_path.parent, stolen)
    copies = [
        stolen / settings.database_path.name,
        stolen / backup.relative_to(settings.database_path.parent),
    ]
    assert all(len(tags_in(copy)) == len(MEMBERS) for copy in copies)

    # With the folder alone, no key is found and no member id matches any tag.
    assert candidate_keys(stolen) == []
    for copy in copies:
        assert identified(candidate_keys(stolen), copy) == set()

    # With the key file as well (kept elsewhere by default), every recent author is named.
    key_file = settings.anonymity_key_file
    assert settings.database_path.parent not in key_file.parents
    ring = KeyRing.load(None, key_file)
    assert identified(list(ring.all()), copies[1]) == set(MEMBERS)


def test_check_warns_when_the_key_shares_the_database_folder(tmp_path: Path) -> None:
    beside = make_settings(tmp_path, ANONYMITY_KEY_FILE=str(tmp_path / "key"))
    findings = key_file_findings(beside)
    assert any(not f.ok and "database's folder" in f.text for f in findings)
    in_backups = make_settings(
        tmp_path,
        ANONYMITY_KEY_FILE=str(tmp_path / "elsewhere" / "key"),
        BACKUP_DIR=str(tmp_path / "elsewhere"),
    )
    assert any(not f.ok and "BACKUP_DIR" in f.text for f in key_file_findings(in_backups))
    apart = make_settings(tmp_path / "data", HOME=str(tmp_path / "home"))
    assert apart.anonymity_key_file == tmp_path / "home" / ".config" / "alongside" / "anonymity-key"
    assert all(f.ok for f in key_file_findings(apart))


async def test_an_old_key_beside_the_database_keeps_working_with_a_loud_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = make_settings(tmp_path, HOME=str(tmp_path.parent / f"{tmp_path.name}-home"))
    old = key_file_path(settings.database_path)
    KeyRing.load(None, old)  # an install from before made its key here
    db = await Database.open(settings.database_path)
    try:
        await apply_migrations(db)
        with caplog.at_level(logging.WARNING):
            services = build_services(settings, db)
        assert services.unsaid.keys.current.key_id == read_key_file(old)[0].key_id
        [warning] = locate_key_file(settings).warnings
        assert f"mv {old} {settings.anonymity_key_file}" in warning
        assert warning in caplog.text
        assert any(not f.ok and "mv " in f.text for f in key_file_findings(settings))
    finally:
        await db.close()
