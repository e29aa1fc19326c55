"""/room's rules on their own: when, reminders and quiet hours, and the k-anonymous summary."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.app.services import Services
from bot.core.errors import UserFacingError
from bot.rooms.models import Plan
from bot.rooms.summary import previous_months
from bot.rooms.timing import parse_when, reminder_time

LONDON = "Europe/London"
QUIET = (time(21, 0), time(8, 0))


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-07-01 14:00", at(2026, 7, 1, 13, 0)),  # BST
        ("1/12 09:30", at(2026, 12, 1, 9, 30)),  # GMT
        ("tomorrow 14:00", at(2026, 1, 13, 14, 0)),
        ("Friday 9:15", at(2026, 1, 16, 9, 15)),
        ("14:00", at(2026, 1, 12, 14, 0)),
        # 01:30 on 29 March 2026 does not exist in London; it happens at the next real minute.
        ("2026-03-29 01:30", at(2026, 3, 29, 1, 0)),
    ],
)
def test_when_is_read_in_the_members_timezone(typed: str, expected: datetime) -> None:
    assert parse_when(typed, LONDON, at(2026, 1, 12, 9, 0)) == expected


@pytest.mark.parametrize("typed", ["08:00", "2025-01-01 10:00", "31/02 10:00", "soonish", ""])
def test_past_impossible_or_unreadable_times_are_explained(typed: str) -> None:
    with pytest.raises(UserFacingError):
        parse_when(typed, LONDON, at(2026, 1, 12, 9, 0))


def test_reminders_move_earlier_out_of_quiet_hours_and_never_into_the_past() -> None:
    now = at(2026, 1, 12, 12, 0)
    assert reminder_time(at(2026, 1, 13, 15, 0), 60, LONDON, QUIET, now) == at(2026, 1, 13, 14, 0)
    assert reminder_time(at(2026, 1, 13, 8, 30), 60, LONDON, QUIET, now) == at(2026, 1, 12, 20, 59)
    assert reminder_time(at(2026, 1, 13, 15, 0), 0, LONDON, QUIET, now) is None
    late = at(2026, 1, 12, 22, 0)  # already inside quiet hours: at once, never later
    assert reminder_time(at(2026, 1, 13, 7, 0), 60, LONDON, QUIET, late) == late


@given(
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)),
    before=st.integers(min_value=1, max_value=1440),
)
@settings(max_examples=300, deadline=None)
def test_a_reminder_is_never_later_than_asked_nor_in_quiet_hours(
    start: datetime, before: int
) -> None:
    from datetime import timedelta

    from bot.core.recurrence import in_quiet_hours

    starts = start.replace(tzinfo=UTC)
    now = starts - timedelta(days=3)
    remind = reminder_time(starts, before, LONDON, QUIET, now)
    assert remind is not None
    assert remind <= starts - timedelta(minutes=before)
    assert not in_quiet_hours(remind, LONDON, *QUIET)


def test_previous_months_cross_the_new_year() -> None:
    assert previous_months(datetime(2026, 2, 10).date(), 3) == ["2026-01", "2025-12", "2025-11"]


async def add_member(services: Services, guild: int, user: int, weight: int) -> None:
    rooms = services.rooms
    await rooms.agree(guild, user)
    plan = Plan("Board", "2026-01-20 14:00", None, None, None, 60, 60, LONDON)
    await rooms.prepare(guild, user, plan)
    await rooms.debrief(guild, user, weight, "said", None, None)


async def test_small_groups_show_nothing_and_k_cannot_go_below_five(services: Services) -> None:
    for user in range(1, 4):
        await add_member(services, 1, user, 3)
    services.clock.set(at(2026, 2, 3, 9, 0))
    rows = await services.rooms.summary.months(1, k=2, count=1)  # k=2 asked; 5 applies
    assert rows[0].month == "2026-01" and rows[0].figures is None


async def test_a_completed_month_never_changes_after_erasure_or_withdrawal(
    services: Services,
) -> None:
    for user in range(1, 7):
        await add_member(services, 1, user, user % 5 + 1)
    services.clock.set(at(2026, 2, 3, 9, 0))
    first = await services.rooms.summary.months(1, k=5, count=1)
    assert first[0].figures is not None
    assert first[0].figures.members == 6 and first[0].figures.debriefed == 6
    # One member erases everything; a moderator who looks again learns nothing about them.
    await services.rooms.erase_member(1, 6)
    again = await services.rooms.summary.months(1, k=5, count=1)
    assert again == first


async def test_the_month_in_progress_is_never_shown(services: Services) -> None:
    for user in range(1, 7):
        await add_member(services, 1, user, 2)
    rows = await services.rooms.summary.months(1, k=5, count=12)
    assert all(row.month != "2026-01" for row in rows)


async def test_a_server_can_turn_rooms_off(services: Services) -> None:
    await services.settings.set_many(1, {"rooms_enabled": False})
    with pytest.raises(UserFacingError, match="turned /room off"):
        await services.rooms.ensure_enabled(1)
