"""Unsaid's service against a real SQLite file: tags, limits, blocks, keys, timing, retention."""

from __future__ import annotations

import os
import random
import stat
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app.services import Services
from bot.core.config import PROJECT_ROOT, Settings
from bot.core.errors import UserFacingError
from bot.core.timeutil import ManualClock
from bot.db.unsaid import UnsaidRepo
from bot.unsaid import anonymity, timing
from bot.unsaid.content import check_body, clean, has_link, spoiler
from bot.unsaid.keys import KeyRing, key_file_path, read_key_file, rotate_key_file
from bot.unsaid.service import UnsaidService

GUILD = 1_100_000_000_000_000_001
ASH = 1_200_000_000_000_000_002
BEA = 1_200_000_000_000_000_003


async def ready(services: Services, **values: object) -> UnsaidService:
    """Turn Unsaid on in GUILD with any extra settings."""
    await services.settings.set_many(
        GUILD, {"unsaid_channel": 11, "unsaid_review_channel": 12, **values}
    )
    return services.unsaid


def service_with(services: Services, keys: KeyRing) -> UnsaidService:
    """Another process's view of the same database, with a different key ring."""
    return UnsaidService(
        UnsaidRepo(services.db),
        services.settings,
        keys,
        services.ledger,
        services.clock,
        services.safety.matcher,
        random.Random(3),
    )


async def test_two_submissions_by_one_author_cannot_be_linked(services: Services) -> None:
    unsaid = await ready(services)
    await unsaid.submit(GUILD, ASH, "first", None)
    await unsaid.submit(GUILD, ASH, "second", None)
    rows = await services.db.fetch_all("SELECT tag_salt, author_tag, key_id FROM unsaid_items")
    salts = {bytes(r["tag_salt"]) for r in rows}
    tags = {bytes(r["author_tag"]) for r in rows}
    assert len(salts) == 2
    assert len(tags) == 2
    slots = await services.db.fetch_all("SELECT slot FROM unsaid_limit_slots")
    assert len({bytes(r["slot"]) for r in slots}) == 2
    # Only the key turns a person into a tag: the same person tests true against both.
    key = unsaid.keys.current
    for row in rows:
        salt, tag = bytes(row["tag_salt"]), bytes(row["author_tag"])
        assert anonymity.matches_author(key, salt, tag, GUILD, ASH)
        assert not anonymity.matches_author(key, salt, tag, GUILD, BEA)


async def test_receipt_is_stored_only_as_a_slow_hash(services: Services) -> None:
    unsaid = await ready(services)
    submitted = await unsaid.submit(GUILD, ASH, "words", None)
    stored = await services.db.fetch_value("SELECT receipt_hash FROM unsaid_items")
    assert bytes(stored) == anonymity.receipt_digest(submitted.receipt)
    assert submitted.receipt.encode() not in settings_bytes(services)
    found = await unsaid.by_receipt(" " + submitted.receipt.lower().replace("-", " ") + " ", ASH)
    assert found.body == "words"
    with pytest.raises(UserFacingError):
        await unsaid.by_receipt("not a code", ASH)


def settings_bytes(services: Services) -> bytes:
    path = services.config.database_path
    return b"".join(
        Path(f"{path}{suffix}").read_bytes()
        for suffix in ("", "-wal")
        if Path(f"{path}{suffix}").exists()
    )


async def test_daily_limit_counts_per_person_and_kind_and_resets(
    services: Services, clock: ManualClock
) -> None:
    unsaid = await ready(services, unsaid_daily_limit=2)
    await unsaid.submit(GUILD, ASH, "one", None)
    await unsaid.submit(GUILD, ASH, "two", None)
    with pytest.raises(UserFacingError, match="You've shared twice today"):
        await unsaid.submit(GUILD, ASH, "three", None)
    with pytest.raises(UserFacingError):
        await unsaid.check_allowed(GUILD, ASH)
    await unsaid.check_allowed(GUILD, BEA)
    clock.advance(days=1)
    await unsaid.check_allowed(GUILD, ASH)
    clock.advance(days=1)
    assert await unsaid.purge(clock.now()) == 2
    assert await services.db.fetch_value("SELECT COUNT(*) FROM unsaid_limit_slots") == 0


async def test_blocks_match_only_the_author_and_survive_one_rotation(
    services: Services, settings: Settings
) -> None:
    unsaid = await ready(services)
    await unsaid.submit(GUILD, ASH, "words", None)
    public_id = await services.db.fetch_value("SELECT public_id FROM unsaid_items")
    block_id, new = await unsaid.block(GUILD, public_id)
    assert new
    assert block_id.startswith("B-")
    assert await unsaid.block(GUILD, public_id) == (block_id, False)
    with pytest.raises(UserFacingError, match="paused for you"):
        await unsaid.submit(GUILD, ASH, "again", None)
    await unsaid.submit(GUILD, BEA, "someone else", None)

    path = settings.anonymity_key_file
    rotate_key_file(path)
    once = service_with(services, KeyRing.load(None, path))
    assert await once.is_blocked(GUILD, ASH)
    [info] = await once.blocks(GUILD)
    assert info.under_previous_key

    rotate_key_file(path)
    twice = service_with(services, KeyRing.load(None, path))
    assert not await twice.is_blocked(GUILD, ASH)  # lapsed with its key
    assert await twice.blocks(GUILD) == []
    assert await twice.purge(services.clock.now())
    assert await services.db.fetch_value("SELECT COUNT(*) FROM unsaid_blocks") == 0
    assert await services.db.fetch_value("SELECT COUNT(author_tag) FROM unsaid_items") == 0


async def test_unblock_lets_the_author_share_again(services: Services) -> None:
    unsaid = await ready(services)
    await unsaid.submit(GUILD, ASH, "words", None)
    public_id = await services.db.fetch_value("SELECT public_id FROM unsaid_items")
    block_id, _ = await unsaid.block(GUILD, public_id)
    await unsaid.unblock(GUILD, block_id.lower())
    await unsaid.check_allowed(GUILD, ASH)
    with pytest.raises(UserFacingError, match="no block called"):
        await unsaid.unblock(GUILD, block_id)


async def test_tags_are_forgotten_after_the_retention_period(
    services: Services, clock: ManualClock
) -> None:
    unsaid = await ready(services)
    await unsaid.submit(GUILD, ASH, "words", None)
    public_id = await services.db.fetch_value("SELECT public_id FROM unsaid_items")
    clock.advance(days=14)
    await unsaid.purge(clock.now())
    assert await services.db.fetch_value("SELECT COUNT(author_tag) FROM unsaid_items") == 1
    clock.advance(days=1)
    assert await unsaid.purge(clock.now()) == 1
    row = await services.db.fetch_one("SELECT key_id, tag_salt, author_tag FROM unsaid_items")
    assert tuple(row) == (None, None, None)
    with pytest.raises(UserFacingError, match="can't be blocked"):
        await unsaid.block(GUILD, public_id)


async def test_rejections_are_forgotten_after_the_retention_period(
    services: Services, clock: ManualClock
) -> None:
    unsaid = await ready(services)
    submitted = await unsaid.submit(GUILD, ASH, "words", None)
    clock.advance(minutes=31)
    [batch] = await unsaid.review_batches()
    [item] = batch.items
    await unsaid.mark_in_review(item, 12, 99)
    rejected = await unsaid.reject(GUILD, item.public_id, "Not \u200bthis one")
    assert (rejected.status, rejected.body, rejected.reason) == ("rejected", None, "Not this one")
    assert (await unsaid.by_receipt(submitted.receipt, ASH)).reason == "Not this one"
    clock.advance(days=15)
    await unsaid.purge(clock.now())
    with pytest.raises(UserFacingError, match="couldn't find anything"):
        await unsaid.by_receipt(submitted.receipt, ASH)


async def test_review_batches_are_claimed_once_and_shuffled(
    services: Services, clock: ManualClock
) -> None:
    unsaid = await ready(services)
    for n in range(6):
        await unsaid.submit(GUILD, 1_300_000_000_000_000_000 + n, f"thought {n}", None)
    assert await unsaid.review_batches() == []  # not at the moment of submission
    clock.advance(minutes=31)
    [batch] = await unsaid.review_batches()
    assert len(batch.items) == 6
    # Until the batch is finished its occurrence stays open, so a crash means a retry.
    opened = await services.ledger.open_occurrences("unsaid:review:")
    assert [o.due_at for o in opened] == [batch.occurrence.due_at]
    [again] = await unsaid.review_batches()
    assert again.occurrence == batch.occurrence
    for n, item in enumerate(batch.items):
        assert await unsaid.mark_in_review(item, 12, 1000 + n)
    await unsaid.finish_batch(batch)
    assert await unsaid.review_batches() == []
    assert await services.ledger.open_occurrences("unsaid:review:") == []


async def test_without_review_posting_waits_a_random_delay(
    services: Services, clock: ManualClock
) -> None:
    unsaid = await ready(services, unsaid_review=False)
    await unsaid.submit(GUILD, ASH, "words", None)
    post_at = await services.db.fetch_value("SELECT post_at FROM unsaid_items")
    delay = datetime.strptime(post_at, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC) - clock.now()
    assert timedelta(minutes=2) <= delay <= timedelta(minutes=10)
    assert await unsaid.due_posts() == []
    clock.advance(minutes=10)
    assert len(await unsaid.due_posts()) == 1


def test_batch_boundaries_never_release_at_the_moment_of_submission() -> None:
    start = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    for second in range(0, 3600, 7):
        now = start + timedelta(seconds=second)
        due = timing.next_batch(now, 30)
        assert due - now >= timing.MIN_WAIT
        assert due - now <= timedelta(minutes=32)
        assert due.minute in (0, 30)
        assert due.second == 0


def test_batches_are_shuffled() -> None:
    orders = {tuple(timing.shuffled(range(6), random.Random(seed))) for seed in range(20)}
    assert len(orders) > 10


def test_random_delays_stay_in_range() -> None:
    rng = random.Random(5)
    delays = {timing.random_delay(rng, 2, 10) for _ in range(500)}
    assert min(delays) >= timedelta(minutes=2)
    assert max(delays) <= timedelta(minutes=10)
    assert len(delays) > 100


def test_text_hygiene() -> None:
    assert clean("a\u200bb\u202ec\x07\r\nd") == "abc\nd"
    assert has_link("see https://x.org")
    assert has_link("join discord.gg/abc")
    assert has_link("www.example.com")
    assert not has_link("the meeting ran late")
    assert spoiler("a||b") == "||a\\|\\|b||"
    with pytest.raises(UserFacingError):
        check_body("\u200b \n ")
    with pytest.raises(UserFacingError):
        check_body("x" * 4001)


def test_receipt_codes_are_random_and_forgiving() -> None:
    codes = {anonymity.new_receipt() for _ in range(100)}
    assert len(codes) == 100
    code = next(iter(codes))
    assert anonymity.normalise_receipt(code.lower().replace("-", "")) == code
    assert anonymity.normalise_receipt("O" * 20) == "00000-00000-00000-00000"
    assert anonymity.normalise_receipt("short") is None


def test_key_file_is_private_and_rotates(tmp_path: Path) -> None:
    path = key_file_path(tmp_path / "alongside.db")
    ring = KeyRing.load(None, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ring.previous is None
    assert ring.source == "file"
    assert KeyRing.load(None, path).current.key_id == ring.current.key_id
    new, kept = rotate_key_file(path)
    assert kept == ring.current.key_id
    current, previous = read_key_file(path)
    assert previous is not None
    assert (current.key_id, previous.key_id) == (new, kept)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    os.chmod(path, 0o644)
    KeyRing.load(None, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "current=" not in repr(ring.current)


def test_the_environment_key_wins_and_purposes_differ(tmp_path: Path) -> None:
    ring = KeyRing.load("k" * 40, key_file_path(tmp_path / "db"))
    assert ring.source == "environment"
    assert not key_file_path(tmp_path / "db").exists()
    assert ring.current.purpose("author") != ring.current.purpose("limit")


def test_rotate_anonymity_key_command(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(PROJECT_ROOT),
        "DATABASE_PATH": str(tmp_path / "alongside.db"),
        "HOME": str(tmp_path / "home"),
    }
    command = [sys.executable, "-m", "bot", "rotate-anonymity-key"]
    done = subprocess.run(
        command, env=env, cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "new anonymity key" in done.stdout
    key_file = tmp_path / "home" / ".config" / "alongside" / "anonymity-key"
    assert read_key_file(key_file)[1] is not None
    assert not key_file_path(tmp_path / "alongside.db").exists()  # never beside the database
    refused = subprocess.run(
        command,
        env={**env, "ANONYMITY_KEY": "x" * 40},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 2
    assert "ANONYMITY_KEY is set" in refused.stderr
