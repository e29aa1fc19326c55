"""Check-in reminders: a member's own cadence at their local time, at most one per period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.errors import UserFacingError
from bot.core.recurrence import Cadence, Recurrence, local_to_utc
from bot.core.timeutil import Clock, parse_time
from bot.db.checkins import CheckinRepo, ReminderRow
from bot.db.ledger import Occurrence, OccurrenceLedger

REMINDER_CADENCES: dict[str, Cadence] = {
    "daily": Cadence.DAILY,
    "weekdays": Cadence.WEEKDAYS,
    "weekly": Cadence.WEEKLY,
    "fortnightly": Cadence.FORTNIGHTLY,
    "monthly": Cadence.MONTHLY,
}
# A check-in this recently means the reminder would only nag, so it stays away.
ALREADY_CHECKED_IN = {
    Cadence.DAILY: timedelta(hours=20),
    Cadence.WEEKDAYS: timedelta(hours=20),
    Cadence.WEEKLY: timedelta(days=6),
    Cadence.FORTNIGHTLY: timedelta(days=13),
    Cadence.MONTHLY: timedelta(days=27),
}
# A reminder more than this late (the bot was down) is dropped rather than sent at an odd hour.
STALE_AFTER = timedelta(hours=6)
NOT_CONSENTED = (
    "Check-ins need your consent first. Use `/checkin log` to read what is stored and agree."
)


@dataclass(frozen=True, slots=True)
class ReminderPlan:
    """A member's reminder settings and when the next one is due."""

    cadence: str
    weekday: int
    at: time
    zone: str
    next_due: datetime


@dataclass(frozen=True, slots=True)
class DueReminder:
    """A reminder claimed for sending; call `ReminderService.sent` once it went out."""

    reminder_id: int
    guild_id: int
    user_id: int
    due_at: datetime
    occurrence: Occurrence


def recurrence_of(cadence: str, weekday: int, at: time, zone: str) -> Recurrence:
    """Build the wall-clock recurrence for a reminder plan."""
    return Recurrence(REMINDER_CADENCES[cadence], at, zone, weekday=weekday)


def start_of_next_week(moment: datetime, zone: str) -> datetime:
    """Return next Monday 00:00 local time, in UTC."""
    tz = ZoneInfo(zone)
    local = moment.astimezone(tz).date()
    monday = local + timedelta(days=7 - local.weekday())
    return local_to_utc(monday, time(0, 0), tz)


class ReminderService:
    """Plans, claims and skips reminders; the cog sends the messages."""

    def __init__(self, repo: CheckinRepo, clock: Clock, ledger: OccurrenceLedger) -> None:
        self._repo = repo
        self._clock = clock
        self._ledger = ledger

    def _plan(self, row: ReminderRow) -> ReminderPlan:
        return ReminderPlan(
            row.cadence, row.weekday, parse_time(row.at_time), row.zone, row.next_due_at
        )

    async def set(
        self, guild_id: int, user_id: int, cadence: str, weekday: int, at: time, zone: str
    ) -> ReminderPlan:
        """Start (or change) the member's reminders; needs consent."""
        member = await self._repo.member(guild_id, user_id)
        if member is None or not member.active:
            raise UserFacingError(NOT_CONSENTED)
        if cadence not in REMINDER_CADENCES:
            raise UserFacingError("Please choose daily, weekdays, weekly, fortnightly or monthly.")
        next_due = recurrence_of(cadence, weekday, at, zone).next_after(self._clock.now())
        await self._repo.save_reminder(
            guild_id, user_id, cadence, weekday, f"{at:%H:%M}", zone, next_due
        )
        return ReminderPlan(cadence, weekday, at, zone, next_due)

    async def stop(self, guild_id: int, user_id: int) -> bool:
        """Stop the member's reminders; say whether there were any."""
        return await self._repo.delete_reminder(guild_id, user_id)

    async def plan(self, guild_id: int, user_id: int) -> ReminderPlan | None:
        """Return the member's reminder plan, if any."""
        row = await self._repo.reminder(guild_id, user_id)
        return None if row is None else self._plan(row)

    async def skip_this_week(self, guild_id: int, user_id: int) -> datetime:
        """Hold reminders until next Monday (local); return when they resume."""
        row = await self._repo.reminder(guild_id, user_id)
        if row is None:
            raise UserFacingError("You don't have check-in reminders at the moment.")
        until = start_of_next_week(self._clock.now(), row.zone)
        await self._repo.skip_until(guild_id, user_id, until)
        return until

    async def claim_due(self, limit: int = 200) -> list[DueReminder]:
        """Claim every reminder whose time has come and that should really be sent."""
        now = self._clock.now()
        claimed: list[DueReminder] = []
        for row in await self._repo.due_reminders(now, limit):
            plan = self._plan(row)
            rule = recurrence_of(row.cadence, row.weekday, plan.at, row.zone)
            # After downtime, occurrences collapse into the latest one: never two in a period.
            missed = rule.between(row.next_due_at - timedelta(seconds=1), now)
            due = missed[-1] if missed else row.next_due_at
            occurrence = Occurrence(f"checkin:remind:{row.id}", due)
            won = await self._ledger.claim(occurrence, now)
            await self._repo.advance_reminder(row.id, row.next_due_at, rule.next_after(now))
            if not won:
                continue
            if await self._should_skip(row, due, now):
                await self._ledger.complete(occurrence, now)
                continue
            claimed.append(DueReminder(row.id, row.guild_id, row.user_id, due, occurrence))
        return claimed

    async def _should_skip(self, row: ReminderRow, due: datetime, now: datetime) -> bool:
        if now - due > STALE_AFTER:
            return True
        if row.skip_until is not None and due < row.skip_until:
            return True
        member = await self._repo.member(row.guild_id, row.user_id)
        if member is None or not member.active:
            return True
        latest = await self._repo.latest(row.guild_id, row.user_id)
        window = ALREADY_CHECKED_IN[REMINDER_CADENCES[row.cadence]]
        return latest is not None and due - latest.created_at < window

    async def sent(self, due: DueReminder) -> None:
        """Record that a claimed reminder went out (or could not be delivered)."""
        await self._ledger.complete(due.occurrence, self._clock.now())
