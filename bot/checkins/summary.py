"""Aggregates for moderators that never describe fewer than k people."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from bot.checkins.settings import MIN_K
from bot.db.checkin_weeks import WeekSummary

SCALE = range(1, 6)


def distribution(
    cells: dict[int, set[int]], counts: dict[int, int], k: int
) -> tuple[int | None, ...]:
    """Return counts per value 1–5, hiding any cell behind fewer than k members.

    A hidden cell could be worked out from the week's total and the cells still shown, so
    more cells are hidden (smallest first) until the hidden ones together cover k members.
    """
    hidden = {v for v in SCALE if 0 < len(cells.get(v, ())) < k}

    def covered() -> int:
        return len(set().union(*(cells[v] for v in hidden))) if hidden else k

    while covered() < k:
        visible = [v for v in SCALE if v not in hidden and counts.get(v, 0) > 0]
        if not visible:
            break
        hidden.add(min(visible, key=lambda v: (counts[v], v)))
    return tuple(None if v in hidden else counts.get(v, 0) for v in SCALE)


def summarise(
    rows: Iterable[tuple[date, int, int, int]], weeks: Sequence[date], k: int
) -> list[WeekSummary]:
    """Aggregate (week, member, load, energy) rows into one summary per week, newest first."""
    k = max(k, MIN_K)
    members: dict[date, set[int]] = {week: set() for week in weeks}
    totals: dict[date, int] = dict.fromkeys(weeks, 0)
    load_members: dict[date, dict[int, set[int]]] = {week: {} for week in weeks}
    load_counts: dict[date, dict[int, int]] = {week: {} for week in weeks}
    energy_members: dict[date, dict[int, set[int]]] = {week: {} for week in weeks}
    energy_counts: dict[date, dict[int, int]] = {week: {} for week in weeks}
    for week, member, load, energy in rows:
        if week not in members:
            continue
        members[week].add(member)
        totals[week] += 1
        load_members[week].setdefault(load, set()).add(member)
        load_counts[week][load] = load_counts[week].get(load, 0) + 1
        energy_members[week].setdefault(energy, set()).add(member)
        energy_counts[week][energy] = energy_counts[week].get(energy, 0) + 1
    summaries: list[WeekSummary] = []
    for week in sorted(weeks, reverse=True):
        if len(members[week]) < k:
            nothing = (None,) * len(SCALE)
            summaries.append(WeekSummary(week, None, None, nothing, nothing))
            continue
        summaries.append(
            WeekSummary(
                week,
                len(members[week]),
                totals[week],
                distribution(load_members[week], load_counts[week], k),
                distribution(energy_members[week], energy_counts[week], k),
            )
        )
    return summaries
