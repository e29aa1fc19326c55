"""Wall-clock schedules ("weekdays at 09:00, Europe/London") that stay right across DST."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class Cadence(enum.Enum):
    """How often something recurs."""

    DAILY = "daily"
    WEEKDAYS = "weekdays"
    WEEKLY = "weekly"
    FORTNIGHTLY = "fortnightly"
    MONTHLY = "monthly"


@dataclass(frozen=True, slots=True)
class Recurrence:
    """A cadence at a local time of day in a timezone.

    `weekday` (0 = Monday) is used by weekly, fortnightly and monthly (the first such weekday
    of the month). Fortnightly counts weeks from the Monday of `anchor`.
    """

    cadence: Cadence
    at: time
    zone: str
    weekday: int = 0
    anchor: date = date(2024, 1, 1)

    def _runs_on(self, day: date) -> bool:
        if self.cadence is Cadence.DAILY:
            return True
        if self.cadence is Cadence.WEEKDAYS:
            return day.weekday() < 5
        if day.weekday() != self.weekday:
            return False
        if self.cadence is Cadence.WEEKLY:
            return True
        if self.cadence is Cadence.FORTNIGHTLY:
            anchor_monday = self.anchor - timedelta(days=self.anchor.weekday())
            return ((day - anchor_monday).days // 7) % 2 == 0
        return day.day <= 7  # monthly: the first such weekday of the month

    def next_after(self, moment: datetime) -> datetime:
        """Return the first occurrence strictly after `moment`, in UTC."""
        zone = ZoneInfo(self.zone)
        local_day = moment.astimezone(zone).date()
        for offset in range(64):
            day = local_day + timedelta(days=offset)
            if not self._runs_on(day):
                continue
            candidate = local_to_utc(day, self.at, zone)
            if candidate > moment:
                return candidate
        raise ValueError(f"no occurrence within 64 days for {self}")

    def between(self, start: datetime, end: datetime) -> list[datetime]:
        """Return every occurrence in (start, end], in UTC, oldest first."""
        found: list[datetime] = []
        current = start
        while True:
            following = self.next_after(current)
            if following > end:
                return found
            found.append(following)
            current = following


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """Turn a local date and time into UTC, the DST way people expect.

    A time skipped by the spring change happens at the next minute that exists; a time the
    autumn change repeats happens once, at its first occurrence.
    """
    naive = datetime.combine(day, at)
    for minutes in range(24 * 60):
        attempt = naive + timedelta(minutes=minutes)
        aware = attempt.replace(tzinfo=zone, fold=0)
        round_trip = aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        if round_trip == attempt:
            return aware.astimezone(UTC)
    raise ValueError(f"{naive} never exists in {zone}")


def in_quiet_hours(moment: datetime, zone: str, start: time, end: time) -> bool:
    """Say whether `moment` falls inside quiet hours (which may span midnight)."""
    local = moment.astimezone(ZoneInfo(zone)).time()
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def quiet_hours_end(moment: datetime, zone: str, start: time, end: time) -> datetime:
    """Return when the quiet hours containing `moment` end (or `moment` if not quiet)."""
    if not in_quiet_hours(moment, zone, start, end):
        return moment
    tz = ZoneInfo(zone)
    local_day = moment.astimezone(tz).date()
    for offset in (0, 1):
        candidate = local_to_utc(local_day + timedelta(days=offset), end, tz)
        if candidate > moment:
            return candidate
    raise ValueError("quiet hours never end")


def parse_weekday(text: str) -> int:
    """Turn "mon", "Monday" or "1" into 0 (Monday) … 6 (Sunday)."""
    word = text.strip().lower()
    for index, name in enumerate(WEEKDAY_NAMES):
        if word and name.startswith(word[:3]) and name.startswith(word):
            return index
    if word.isdigit() and 1 <= int(word) <= 7:
        return int(word) - 1
    raise ValueError(f"not a day of the week: {text!r}")
