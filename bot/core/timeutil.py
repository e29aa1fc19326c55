"""Time helpers: one storage format (ISO 8601, UTC) and an injectable clock."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Protocol


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def to_db(moment: datetime) -> str:
    """Format an aware datetime for storage; text sorts in time order."""
    if moment.tzinfo is None:
        raise ValueError("refusing to store a naive datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_db(text: str) -> datetime:
    """Parse a stored timestamp back into an aware UTC datetime."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


class Clock(Protocol):
    """Where services read the time, so tests can drive it."""

    def now(self) -> datetime:
        """Return the current aware UTC time."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """Return the current aware UTC time."""
        return utcnow()


class ManualClock:
    """A clock that moves only when told to (tests, benchmarks and the offline demo)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        """Return the clock's current time."""
        return self._now

    def set(self, moment: datetime) -> None:
        """Jump to `moment`."""
        self._now = moment.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        """Move forward by a timedelta given as keyword arguments."""
        self._now += timedelta(**delta)


def parse_time(value: str) -> time:
    """Turn a stored "HH:MM" into a time."""
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))
