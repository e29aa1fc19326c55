"""Moderators' view of /room: monthly counts for groups of at least k members, never per person.

A completed month is frozen the first time it is looked at, so later erasures, withdrawals or
late debriefs can never change what a moderator sees (comparing two looks reveals nobody). The
month still in progress is never shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.core.timeutil import Clock
from bot.db.rooms import MonthFigures, RoomRepo

# The same floor as check-ins: below five people, counts start to describe individuals.
MIN_K = 5


@dataclass(frozen=True, slots=True)
class MonthRow:
    """One completed month as a moderator may see it (figures None when the group was small)."""

    month: str
    figures: MonthFigures | None


def previous_months(today: date, count: int) -> list[str]:
    """The `count` completed months before `today`'s, newest first, as YYYY-MM."""
    year, month = today.year, today.month
    months = []
    for _ in range(count):
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        months.append(f"{year:04d}-{month:02d}")
    return months


class RoomSummary:
    """Builds the k-anonymous monthly summary."""

    def __init__(self, repo: RoomRepo, clock: Clock) -> None:
        self._repo = repo
        self._clock = clock

    async def months(self, guild_id: int, k: int, count: int = 6) -> list[MonthRow]:
        """The last `count` completed months, each frozen on first look."""
        k = max(MIN_K, k)
        now = self._clock.now()
        rows = []
        for month in previous_months(now.date(), count):
            frozen = await self._repo.frozen(guild_id, month)
            if frozen is None:
                live = await self._repo.month(guild_id, month)
                if live is None:
                    rows.append(MonthRow(month, None))
                    continue
                shown = live.members >= k
                frozen = MonthFigures(
                    month,
                    live.members if shown else 0,
                    live.prepared if shown else 0,
                    live.debriefed if shown else 0,
                    live.weights if shown else (0, 0, 0, 0, 0),
                    shown=shown,
                )
                await self._repo.freeze(guild_id, frozen, now)
            rows.append(MonthRow(month, frozen if frozen.shown else None))
        return rows
