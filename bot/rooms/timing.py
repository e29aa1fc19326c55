"""When a meeting is, and when to remind the member of it: wall-clock, DST-correct."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.errors import UserFacingError
from bot.core.recurrence import WEEKDAY_NAMES, in_quiet_hours, local_to_utc
from bot.core.text import clip

TIME = r"(?P<hour>[01]?\d|2[0-3])[:.](?P<minute>[0-5]\d)"
ISO = re.compile(rf"^(?P<day>\d{{4}}-\d{{2}}-\d{{2}})[ T]+{TIME}$")
UK = re.compile(rf"^(?P<d>\d{{1,2}})/(?P<m>\d{{1,2}})(?:/(?P<y>\d{{4}}))?\s+{TIME}$")
WORDED = re.compile(rf"^(?P<word>[a-z]+)\s+(?:at\s+)?{TIME}$")
ONLY_TIME = re.compile(rf"^{TIME}$")
# Far enough ahead for a board that meets quarterly; further is probably a typo.
FURTHEST = timedelta(days=366)
WHEN_HELP = (
    "Please write when it starts like 2026-12-07 14:00, 7/12 14:00, tomorrow 14:00, "
    "friday 09:30 or just 14:00 (today), on the 24-hour clock."
)


def parse_when(text: str, zone: str, now: datetime) -> datetime:
    """Turn what the member typed into the meeting's start, in UTC, or explain kindly."""
    typed = " ".join(text.strip().lower().split())
    tz = ZoneInfo(zone)
    today = now.astimezone(tz).date()
    day, at = _day_and_time(typed, today)
    starts = local_to_utc(day, at, tz)
    if starts <= now:
        raise UserFacingError(
            f"“{clip(text.strip(), 40)}” has already passed ({zone}). " + WHEN_HELP
        )
    if starts - now > FURTHEST:
        raise UserFacingError("That is more than a year away. Please check the date.")
    return starts


def _day_and_time(typed: str, today: date) -> tuple[date, time]:
    if match := ISO.match(typed):
        try:
            return date.fromisoformat(match["day"]), _time(match)
        except ValueError:
            raise UserFacingError(f"That date doesn't exist. {WHEN_HELP}") from None
    if match := UK.match(typed):
        year = int(match["y"]) if match["y"] else today.year
        try:
            day = date(year, int(match["m"]), int(match["d"]))
        except ValueError:
            raise UserFacingError(f"That date doesn't exist. {WHEN_HELP}") from None
        if not match["y"] and day < today:
            day = date(year + 1, day.month, day.day)
        return day, _time(match)
    if match := WORDED.match(typed):
        return _worded_day(match["word"], today), _time(match)
    if match := ONLY_TIME.match(typed):
        return today, _time(match)
    raise UserFacingError(WHEN_HELP)


def _time(match: re.Match[str]) -> time:
    return time(int(match["hour"]), int(match["minute"]))


def _worded_day(word: str, today: date) -> date:
    if word == "today":
        return today
    if word == "tomorrow":
        return today + timedelta(days=1)
    for index, name in enumerate(WEEKDAY_NAMES):
        if len(word) >= 3 and name.startswith(word):
            ahead = (index - today.weekday()) % 7
            return today + timedelta(days=ahead)
    raise UserFacingError(WHEN_HELP)


def reminder_time(
    starts: datetime,
    minutes_before: int,
    zone: str,
    quiet: tuple[time, time],
    now: datetime,
) -> datetime | None:
    """When to remind: `minutes_before` the start, moved earlier (never later) out of quiet hours.

    None means no reminder (the member chose 0). A reminder that would have to move into the
    past is sent at once.
    """
    if minutes_before <= 0:
        return None
    remind = starts - timedelta(minutes=minutes_before)
    start, end = quiet
    if in_quiet_hours(remind, zone, start, end):
        remind = _quiet_began(remind, zone, start) - timedelta(minutes=1)
    return max(remind, now)


def _quiet_began(moment: datetime, zone: str, start: time) -> datetime:
    """The moment the quiet hours containing `moment` began."""
    tz = ZoneInfo(zone)
    local_day = moment.astimezone(tz).date()
    for offset in (0, 1):
        began = local_to_utc(local_day - timedelta(days=offset), start, tz)
        if began <= moment:
            return began
    raise ValueError("quiet hours never began")


def month_of(moment: datetime, zone: str) -> str:
    """The calendar month (YYYY-MM) of `moment` in `zone`."""
    return f"{moment.astimezone(ZoneInfo(zone)):%Y-%m}"
