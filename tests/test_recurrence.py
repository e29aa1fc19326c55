"""Wall-clock schedules across the UK's daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.recurrence import (
    Cadence,
    Recurrence,
    in_quiet_hours,
    parse_weekday,
    quiet_hours_end,
)

LONDON = "Europe/London"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_nine_am_stays_nine_am_local_through_the_march_change() -> None:
    daily = Recurrence(Cadence.DAILY, time(9, 0), LONDON)
    runs = daily.between(utc(2026, 3, 27, 12), utc(2026, 3, 31, 12))
    # 28 March is GMT (09:00 UTC); from 29 March it is BST (08:00 UTC).
    assert runs == [
        utc(2026, 3, 28, 9),
        utc(2026, 3, 29, 8),
        utc(2026, 3, 30, 8),
        utc(2026, 3, 31, 8),
    ]


def test_nine_am_stays_nine_am_local_through_the_october_change() -> None:
    daily = Recurrence(Cadence.DAILY, time(9, 0), LONDON)
    runs = daily.between(utc(2026, 10, 23, 12), utc(2026, 10, 26, 12))
    assert runs == [utc(2026, 10, 24, 8), utc(2026, 10, 25, 9), utc(2026, 10, 26, 9)]


def test_a_time_skipped_in_spring_happens_at_the_next_valid_minute() -> None:
    daily = Recurrence(Cadence.DAILY, time(1, 30), LONDON)
    run = daily.next_after(utc(2026, 3, 28, 12))
    # 01:30 does not exist on 29 March 2026; 02:00 BST (01:00 UTC) is the next valid minute.
    assert run == utc(2026, 3, 29, 1, 0)


def test_a_time_repeated_in_autumn_happens_once() -> None:
    daily = Recurrence(Cadence.DAILY, time(1, 30), LONDON)
    runs = daily.between(utc(2026, 10, 24, 12), utc(2026, 10, 25, 12))
    # 01:30 happens twice on 25 October 2026 (BST, then GMT); only the first counts.
    assert runs == [utc(2026, 10, 25, 0, 30)]


def test_weekdays_skip_the_weekend() -> None:
    rule = Recurrence(Cadence.WEEKDAYS, time(8, 0), LONDON)
    runs = rule.between(utc(2026, 1, 9, 12), utc(2026, 1, 13, 12))  # Fri noon → Tue noon
    assert [r.date() for r in runs] == [date(2026, 1, 12), date(2026, 1, 13)]


def test_fortnightly_alternates_weeks_from_its_anchor() -> None:
    rule = Recurrence(Cadence.FORTNIGHTLY, time(10, 0), LONDON, weekday=2, anchor=date(2026, 1, 5))
    runs = rule.between(utc(2026, 1, 1), utc(2026, 2, 10))
    assert [r.date() for r in runs] == [date(2026, 1, 7), date(2026, 1, 21), date(2026, 2, 4)]


def test_monthly_is_the_first_chosen_weekday_of_each_month() -> None:
    rule = Recurrence(Cadence.MONTHLY, time(10, 0), LONDON, weekday=0)
    runs = rule.between(utc(2026, 1, 1), utc(2026, 4, 1))
    assert [r.date() for r in runs] == [date(2026, 1, 5), date(2026, 2, 2), date(2026, 3, 2)]


@given(
    moment=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 1, 1)),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    cadence=st.sampled_from(list(Cadence)),
    zone=st.sampled_from([LONDON, "America/New_York", "Australia/Sydney", "UTC"]),
)
def test_next_occurrence_is_always_later_and_at_most_about_five_weeks_away(
    moment: datetime, hour: int, minute: int, cadence: Cadence, zone: str
) -> None:
    start = moment.replace(tzinfo=UTC)
    following = Recurrence(cadence, time(hour, minute), zone, weekday=3).next_after(start)
    assert following > start
    assert (following - start).days <= 36


def test_quiet_hours_span_midnight_and_end_in_the_morning() -> None:
    start, end = time(21, 0), time(8, 0)
    evening = utc(2026, 7, 1, 20, 30)  # 21:30 BST
    assert in_quiet_hours(evening, LONDON, start, end)
    assert quiet_hours_end(evening, LONDON, start, end) == utc(2026, 7, 2, 7, 0)
    afternoon = utc(2026, 7, 1, 13, 0)
    assert not in_quiet_hours(afternoon, LONDON, start, end)
    assert quiet_hours_end(afternoon, LONDON, start, end) == afternoon


@pytest.mark.parametrize(("text", "day"), [("Mon", 0), ("wednesday", 2), ("su", 6), ("7", 6)])
def test_weekday_names(text: str, day: int) -> None:
    assert parse_weekday(text) == day


def test_an_unknown_weekday_is_refused() -> None:
    with pytest.raises(ValueError, match="day of the week"):
        parse_weekday("someday")
