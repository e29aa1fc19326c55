"""Checking what people type: prompt and journal text, and the times they choose."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.errors import UserFacingError
from bot.core.recurrence import Cadence, Recurrence, parse_weekday
from bot.core.text import MENTION, renders_blank, strip_invisible
from bot.core.timeutil import parse_time
from bot.settings.registry import TIME_PATTERN, parse_timezone

MEMBER_CADENCES = ("daily", "weekdays", "weekly", "fortnightly")
CHANNEL_CADENCES = (*MEMBER_CADENCES, "monthly")
NEEDS_DAY = {Cadence.WEEKLY, Cadence.FORTNIGHTLY, Cadence.MONTHLY}


def clean_text(text: str, limit: int, what: str, *, allow_mentions: bool = False) -> str:
    """Tidy what someone typed, or explain kindly why it can't be used."""
    cleaned = strip_invisible(text).strip()
    if not cleaned or renders_blank(cleaned):
        raise UserFacingError(
            f"The {what} would show as blank once invisible characters are taken out. "
            "Please write something and try again."
        )
    if len(cleaned) > limit:
        raise UserFacingError(
            f"The {what} can be at most {limit} characters; that was {len(cleaned)}."
        )
    if not allow_mentions and MENTION.search(cleaned):
        raise UserFacingError(f"The {what} can't hold mentions of people, roles or channels.")
    return cleaned


def build_rule(
    cadence: str,
    day: str | None,
    at: str,
    zone: str,
    now: datetime,
    allowed: tuple[str, ...] = MEMBER_CADENCES,
) -> tuple[Recurrence, str]:
    """Turn what someone chose into a wall-clock rule; return it with the time as HH:MM."""
    if cadence not in allowed:
        raise UserFacingError(f"How often can be: {', '.join(allowed)}.")
    kind = Cadence(cadence)
    weekday = 0
    if kind in NEEDS_DAY:
        if not day:
            raise UserFacingError(f"For {cadence} prompts, please also choose a day.")
        try:
            weekday = parse_weekday(day)
        except ValueError:
            raise UserFacingError(f"“{day}” isn't a day of the week I know.") from None
    match = TIME_PATTERN.match(at.strip())
    if not match:
        raise UserFacingError("Please give the time as 24-hour hours and minutes, like 09:00.")
    clock_time = f"{int(match[1]):02d}:{match[2]}"
    zone = parse_timezone(zone)
    anchor = now.date()
    if kind is Cadence.FORTNIGHTLY:
        # Count fortnights from the first such day ahead, so the first prompt comes this week.
        weekly = Recurrence(Cadence.WEEKLY, parse_time(clock_time), zone, weekday)
        first = weekly.next_after(now)
        anchor = first.astimezone(ZoneInfo(zone)).date()
    return Recurrence(kind, parse_time(clock_time), zone, weekday, anchor), clock_time
