"""Restoring a backup never brings back what was withdrawn, rejected or erased since.

What the erasure ledger (kept beside the anonymity key, never with the database) reveals to
someone who holds it: how many erasures there have been, and, for someone who also has a list
of member ids, which members used `/mydata delete` in which server (its keyed hashes can be
tested with the secret in the file); with an old backup, which submissions in it were later
withdrawn or rejected. Never any words, times or who wrote an anonymous submission.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.app.services import Services, build_services, reapply
from bot.core.config import PROJECT_ROOT, Settings
from bot.core.timeutil import ManualClock
from bot.db import Database
from bot.db.migrate import apply_migrations
from bot.privacy.erasures import ledger_path
from tests.conftest import make_settings

GUILD = 1_100_000_000_000_000_001
ASH, BEA, CAL, DEV = (1_200_000_000_000_000_002 + n for n in range(4))


async def opened(settings: Settings, clock: ManualClock) -> tuple[Database, Services]:
    db = await Database.open(settings.database_path)
    await apply_migrations(db)
    return db, build_services(settings, db, clock)


async def bodies(services: Services) -> list[str]:
    rows = await services.db.fetch_all("SELECT body FROM unsaid_items ORDER BY body")
    return [str(row["body"]) for row in rows]


async def consented(services: Services, user_id: int) -> bool:
    return await services.checkins.consent(GUILD, user_id) is not None


async def test_restore_then_start_brings_nothing_back(tmp_path: Path, clock: ManualClock) -> None:
    key_file = tmp_path / "secrets" / "anonymity-key"
    settings = make_settings(tmp_path / "data", ANONYMITY_KEY_FILE=str(key_file))
    db, services = await opened(settings, clock)
    unsaid = services.unsaid
    await services.settings.set_many(GUILD, {"unsaid_channel": 11, "unsaid_review_channel": 12})
    withdrawn = await unsaid.submit(GUILD, ASH, "ash: take this back", None)
    await unsaid.submit(GUILD, BEA, "bea: moderators say no", None)
    await unsaid.submit(GUILD, DEV, "dev: this one stays", None)
    await services.checkins.agree(GUILD, CAL)
    await services.checkins.agree(GUILD, DEV)
    clock.advance(minutes=31)
    [batch] = await unsaid.review_batches()
    for item in batch.items:
        await unsaid.mark_in_review(item, 12, 99)
    backup = await services.maintenance.backup_now()

    # After the backup: Ash withdraws, moderators reject Bea's, Cal erases their data.
    await unsaid.forget(await unsaid.withdrawal(withdrawn.receipt, ASH))
    [bea] = [i for i in batch.items if i.body and i.body.startswith("bea")]
    await unsaid.reject(GUILD, bea.public_id, "Not this one")
    await services.member_data.erase(GUILD, CAL)
    assert not await consented(services, CAL)
    await db.close()

    # The tombstones live beside the key, outside the database folder and the backup.
    ledger = ledger_path(settings)
    assert ledger.parent == key_file.parent
    assert settings.database_path.parent not in ledger.parents
    text = ledger.read_text()
    clear = ("take this back", "moderators say no", str(ASH), str(CAL), bea.public_id)
    for secret in (*clear, withdrawn.receipt):
        assert secret not in text

    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(PROJECT_ROOT),
        "DATABASE_PATH": str(settings.database_path),
        "ANONYMITY_KEY_FILE": str(key_file),
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", "restore", str(backup)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Re-applied 3 withdrawals, rejections and erasures" in done.stdout

    db, services = await opened(settings, clock)
    try:
        assert await reapply(services) == 0  # start-up finds nothing left to erase
        assert await bodies(services) == ["dev: this one stays"]
        assert not await consented(services, CAL)
        assert await consented(services, DEV)  # only what was erased stays erased
        clock.advance(hours=1)
        assert await services.unsaid.due_posts() == []  # nothing withdrawn can be published
    finally:
        await db.close()


async def test_a_backup_copied_back_by_hand_is_cleaned_at_start_up(
    tmp_path: Path, clock: ManualClock
) -> None:
    settings = make_settings(tmp_path / "data", ANONYMITY_KEY_FILE=str(tmp_path / "k" / "key"))
    db, services = await opened(settings, clock)
    await services.settings.set_many(
        GUILD, {"unsaid_channel": 11, "unsaid_review_channel": 12, "unsaid_review": False}
    )
    shared = await services.unsaid.submit(GUILD, ASH, "ash: timed post", None)
    backup = await services.maintenance.backup_now()
    await services.unsaid.forget(await services.unsaid.withdrawal(shared.receipt, ASH))
    await services.member_data.erase(GUILD, BEA)  # nothing stored: a tombstone all the same
    await db.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{settings.database_path}{suffix}").unlink(missing_ok=True)
    settings.database_path.write_bytes(backup.read_bytes())  # no `restore` command used

    db, services = await opened(settings, clock)
    try:
        assert await bodies(services) == ["ash: timed post"]  # back, until the bot starts
        assert await reapply(services) == 1  # what the bot's start-up runs before the scheduler
        clock.advance(minutes=20)
        assert await services.unsaid.due_posts() == []
        assert await bodies(services) == []
    finally:
        await db.close()
