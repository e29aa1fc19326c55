"""Check-in services against a real SQLite file: consent, logging, history, data rights."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta

import pytest

from bot.app.services import Services
from bot.checkins.service import CheckinService
from bot.core.errors import UserFacingError
from bot.core.timeutil import ManualClock
from bot.db import Database
from bot.db.ledger import Occurrence

GUILD = 1
ASH = 101
BEA = 102

CHECKIN_TABLES = (
    "checkin_members",
    "checkins",
    "checkin_reminders",
    "buddy_members",
    "buddy_avoid",
    "buddy_groups",
    "support_requests",
)


async def row_counts(db: Database) -> dict[str, int]:
    return {
        table: await db.fetch_value(f"SELECT COUNT(*) FROM {table}") for table in CHECKIN_TABLES
    }


@pytest.fixture
def checkins(services: Services) -> CheckinService:
    return services.checkins


async def test_nothing_is_stored_before_agreeing(checkins: CheckinService, db: Database) -> None:
    with pytest.raises(UserFacingError, match="consent"):
        await checkins.log(GUILD, ASH, 3, 3, "a note")
    with pytest.raises(UserFacingError, match="consent"):
        await checkins.set_available(GUILD, ASH, True)
    with pytest.raises(UserFacingError, match="consent"):
        await checkins.buddies.join(GUILD, ASH)
    with pytest.raises(UserFacingError, match="consent"):
        await checkins.requests.open(GUILD, ASH, 555)
    assert set((await row_counts(db)).values()) == {0}


async def test_consent_time_is_recorded_and_logging_works(
    checkins: CheckinService, clock: ManualClock
) -> None:
    agreed = await checkins.agree(GUILD, ASH)
    assert agreed == clock.now()
    consent = await checkins.consent(GUILD, ASH)
    assert consent is not None and consent.consented_at == clock.now() and consent.active
    logged = await checkins.log(GUILD, ASH, 2, 4, "  a calm week\u200b ", welcome_peer=False)
    assert not logged.signpost
    rows = await checkins.repo.history(GUILD, ASH, clock.now() - timedelta(days=1))
    assert [(r.load, r.energy, r.note) for r in rows] == [(2, 4, "a calm week")]


async def test_withdrawing_stops_logging_at_once_and_everything_else(
    checkins: CheckinService, db: Database
) -> None:
    await checkins.agree(GUILD, ASH)
    await checkins.log(GUILD, ASH, 3, 3)
    await checkins.set_available(GUILD, ASH, True)
    await checkins.buddies.join(GUILD, ASH)
    await checkins.reminders.set(GUILD, ASH, "weekly", 4, time(16, 0), "Europe/London")
    await checkins.withdraw(GUILD, ASH)
    with pytest.raises(UserFacingError, match="consent"):
        await checkins.log(GUILD, ASH, 3, 3)
    assert not await checkins.is_available(GUILD, ASH)
    assert await checkins.reminders.plan(GUILD, ASH) is None
    assert await checkins.buddies.status(GUILD, ASH) is None
    # Stored check-ins stay until the member chooses to erase them.
    assert (await row_counts(db))["checkins"] == 1
    with pytest.raises(UserFacingError):
        await checkins.withdraw(GUILD, ASH)


@pytest.mark.parametrize(
    ("load", "energy", "note", "signpost"),
    [
        (5, 1, None, True),
        (5, 2, None, False),
        (4, 1, None, False),
        (2, 3, "I want to end it all", True),
        (2, 3, "we discussed suicide prevention training", False),
        (3, 3, "tired but fine", False),
    ],
)
async def test_helplines_go_with_crisis_words_or_heaviest_load_and_no_energy(
    checkins: CheckinService, load: int, energy: int, note: str | None, signpost: bool
) -> None:
    await checkins.agree(GUILD, ASH)
    logged = await checkins.log(GUILD, ASH, load, energy, note)
    assert logged.signpost is signpost


async def test_a_note_is_limited_and_values_are_checked(checkins: CheckinService) -> None:
    await checkins.agree(GUILD, ASH)
    with pytest.raises(UserFacingError, match="1,000"):
        await checkins.log(GUILD, ASH, 3, 3, "x" * 1001)
    with pytest.raises(UserFacingError, match="1 to 5"):
        await checkins.log(GUILD, ASH, 6, 3)
    logged = await checkins.log(GUILD, ASH, 3, 3, "   ")
    rows = await checkins.repo.history(GUILD, ASH, datetime(2000, 1, 1, tzinfo=UTC))
    assert logged.checkin_id == rows[0].id and rows[0].note is None


async def test_history_is_only_ever_the_members_own(
    checkins: CheckinService, clock: ManualClock
) -> None:
    for user in (ASH, BEA):
        await checkins.agree(GUILD, user)
    await checkins.log(GUILD, ASH, 1, 5)
    clock.advance(days=2)
    await checkins.log(GUILD, BEA, 5, 1)
    await checkins.log(GUILD, ASH, 2, 4)
    ash = await checkins.history(GUILD, ASH, 4)
    bea = await checkins.history(GUILD, BEA, 4)
    assert [(p.load, p.energy) for p in ash] == [(1, 5), (2, 4)]
    assert [(p.load, p.energy) for p in bea] == [(5, 1)]
    assert await checkins.history(2, ASH, 4) == []  # another server's check-ins are separate


async def test_history_window_counts_back_in_weeks(
    checkins: CheckinService, clock: ManualClock
) -> None:
    await checkins.agree(GUILD, ASH)
    await checkins.log(GUILD, ASH, 1, 1)
    clock.advance(weeks=5)
    await checkins.log(GUILD, ASH, 2, 2)
    assert len(await checkins.history(GUILD, ASH, 4)) == 1
    assert len(await checkins.history(GUILD, ASH, 6)) == 2


async def test_export_holds_everything_and_erase_leaves_nothing(
    checkins: CheckinService, db: Database, clock: ManualClock
) -> None:
    for user in (ASH, BEA):
        await checkins.agree(GUILD, user)
    await checkins.log(GUILD, ASH, 4, 2, "private words", welcome_peer=True)
    await checkins.log(GUILD, BEA, 2, 4)
    await checkins.buddies.join(GUILD, ASH)
    await checkins.buddies.avoid(GUILD, ASH, BEA, avoid=True)
    request = await checkins.requests.open(GUILD, ASH, 555)
    await checkins.requests.posted(request.id, 777)
    exported = await checkins.export_member(GUILD, ASH)
    json.dumps(exported)  # JSON-ready
    assert exported["consent"]["consented_at"] == clock.now().isoformat()
    assert [c["note"] for c in exported["checkins"]] == ["private words"]
    assert exported["buddies"]["avoiding"] == [BEA]
    assert exported["support_requests"][0]["status"] == "open"

    erased = await checkins.erase_member(GUILD, ASH)
    assert erased.request_posts == [(555, 777)]
    assert await checkins.export_member(GUILD, ASH) == {
        "consent": None,
        "checkins": [],
        "reminder": None,
        "buddies": None,
        "buddy_rounds": [],
        "support_requests": [],
        "requests_you_took": 0,
        "request_message_quiet_hours": None,
    }
    assert (await row_counts(db))["checkins"] == 1  # Bea's stays
    raw = db.path.read_bytes()
    assert b"private words" not in raw


async def test_old_check_ins_are_deleted_after_the_retention_period(
    checkins: CheckinService, clock: ManualClock
) -> None:
    await checkins.agree(GUILD, ASH)
    await checkins.log(GUILD, ASH, 3, 3)
    clock.advance(days=200)
    await checkins.log(GUILD, ASH, 3, 3)
    clock.advance(days=200)
    assert await checkins.prune_expired() == 1
    assert len(await checkins.history(GUILD, ASH, 100)) == 1


async def test_a_buddy_round_interrupted_before_it_was_stored_is_finished_once(
    checkins: CheckinService, services: Services, clock: ManualClock
) -> None:
    for user in (ASH, BEA):
        await checkins.agree(GUILD, user)
        await checkins.buddies.join(GUILD, user)
    due = datetime(2026, 1, 12, 10, tzinfo=UTC)
    clock.set(due)
    # A crash after claiming, before storing the round:
    await services.ledger.claim(Occurrence(f"checkin:buddies:{GUILD}", due), clock.now())
    assert len(await checkins.buddies.run_due_rounds()) == 1
    assert await checkins.buddies.run_due_rounds() == []
    assert await services.ledger.open_occurrences("checkin:buddies:") == []
    intros = await checkins.buddies.introductions()
    assert sorted((i.user_id, i.buddies) for i in intros) == [(ASH, (BEA,)), (BEA, (ASH,))]
