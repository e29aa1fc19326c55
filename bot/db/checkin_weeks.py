"""Frozen weekly check-in summaries: what moderators were first shown, kept unchanged."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from bot.core.timeutil import to_db
from bot.db.connection import Database
from bot.db.rows import from_rows

SELECT_FROZEN = """
SELECT week_start, members, checkins, load, energy FROM checkin_frozen_weeks
WHERE guild_id = ? AND week_start >= ? AND week_start < ?
"""
FREEZE = """
INSERT INTO checkin_frozen_weeks (guild_id, week_start, members, checkins, load, energy,
    frozen_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
"""


@dataclass(frozen=True, slots=True)
class WeekSummary:
    """One week's figures; None marks a figure hidden because too few people are behind it."""

    week_start: date
    members: int | None
    checkins: int | None
    load: tuple[int | None, ...]
    energy: tuple[int | None, ...]

    @property
    def hidden(self) -> bool:
        """Say whether the whole week is hidden (fewer than k members took part)."""
        return self.members is None


class FrozenWeeks:
    """Reads and writes frozen week summaries (totals only, never a member)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def between(self, guild_id: int, first: date, end: date) -> dict[date, WeekSummary]:
        """Frozen weeks in [first, end), by week."""
        rows = await self.db.fetch_all(
            SELECT_FROZEN, (guild_id, first.isoformat(), end.isoformat())
        )
        return {week.week_start: week for week in from_rows(WeekSummary, rows)}

    async def freeze(self, guild_id: int, weeks: list[WeekSummary], now: datetime) -> None:
        """Keep each week as computed now; a week already frozen keeps its first figures."""
        async with self.db.transaction() as tx:
            for week in weeks:
                await tx.execute(
                    FREEZE,
                    (
                        guild_id,
                        week.week_start.isoformat(),
                        week.members,
                        week.checkins,
                        json.dumps(list(week.load)),
                        json.dumps(list(week.energy)),
                        to_db(now),
                    ),
                )
