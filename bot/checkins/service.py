"""Check-ins on emotional labour: consent, private logs, history, summaries and data rights."""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, is_dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.checkins.alerts import AlertService
from bot.checkins.buddies import BuddyService
from bot.checkins.chart import HistoryPoint
from bot.checkins.reach import ReachService
from bot.checkins.reminders import NOT_CONSENTED, ReminderService
from bot.checkins.requests import RequestService
from bot.checkins.settings import MIN_K, SUMMARY_K
from bot.checkins.summary import summarise
from bot.core.errors import UserFacingError
from bot.core.safety import Safety
from bot.core.text import renders_blank, strip_invisible
from bot.core.timeutil import Clock
from bot.db.away import AwayMembers
from bot.db.checkin_weeks import FrozenWeeks, WeekSummary
from bot.db.checkins import CheckinRepo, MemberRow
from bot.db.connection import Database
from bot.db.ledger import OccurrenceLedger
from bot.settings.registry import GuildSettings

NOTE_LIMIT = 1000
RETENTION = timedelta(days=365)
RETENTION_TEXT = "12 months"


@dataclass(frozen=True, slots=True)
class Logged:
    """What the reply to a check-in needs to know."""

    checkin_id: int
    load: int
    energy: int
    signpost: bool
    welcome_peer: bool


@dataclass(frozen=True, slots=True)
class Erasure:
    """What erasing a member removed, and the posts that showed their requests (to delete)."""

    rows: int
    request_posts: list[tuple[int, int]]


def week_start(moment: datetime, zone: str) -> date:
    """Return the local Monday of the week containing `moment`."""
    local = moment.astimezone(ZoneInfo(zone)).date()
    return local - timedelta(days=local.weekday())


def clean_note(note: str | None) -> str | None:
    """Keep a note minimal: trimmed, invisible characters removed, None when empty."""
    if note is None:
        return None
    cleaned = strip_invisible(note).strip()
    if len(cleaned) > NOTE_LIMIT:
        raise UserFacingError(
            f"Your note can be up to {NOTE_LIMIT:,} characters; that was {len(cleaned):,}."
        )
    return None if renders_blank(cleaned) else cleaned


def _plain(value: Any) -> Any:
    """Turn dataclasses, dates and tuples into JSON-ready values."""
    if is_dataclass(value) and not isinstance(value, type):
        return {key: _plain(item) for key, item in asdict(value).items()}
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


class CheckinService:
    """Everything check-ins store goes through here; it never imports discord."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        settings: GuildSettings,
        safety: Safety,
        ledger: OccurrenceLedger,
        *,
        rng: random.Random | None = None,
        away: AwayMembers | None = None,
    ) -> None:
        self.repo = CheckinRepo(db)
        self.clock = clock
        self.settings = settings
        self.safety = safety
        self.reminders = ReminderService(self.repo, clock, ledger)
        self.buddies = BuddyService(self.repo, clock, settings, ledger, rng)
        self.requests = RequestService(self.repo, clock, settings)
        self.frozen_weeks = FrozenWeeks(db)
        self.reach = ReachService(db, clock, away or AwayMembers(db))
        self.alerts = AlertService(db, clock, self.requests, rng or random.Random())

    # consent -----------------------------------------------------------------------------
    async def consent(self, guild_id: int, user_id: int) -> MemberRow | None:
        """Return the member's consent record (None if they never agreed)."""
        return await self.repo.member(guild_id, user_id)

    async def has_consent(self, guild_id: int, user_id: int) -> bool:
        """Say whether the member's consent stands."""
        member = await self.repo.member(guild_id, user_id)
        return member is not None and member.active

    async def agree(self, guild_id: int, user_id: int) -> datetime:
        """Record the member's consent now; return the time recorded."""
        now = self.clock.now()
        await self.repo.agree(guild_id, user_id, now)
        return now

    async def withdraw(self, guild_id: int, user_id: int) -> list[tuple[int, int]]:
        """Stop logging, reminders, buddies, availability and open requests at once.

        Stored check-ins stay until the member chooses to erase them. Returns the posts of any
        request that was withdrawn, so the cog can mark them closed.
        """
        posts = await self.repo.withdraw(guild_id, user_id, self.clock.now())
        if posts is None:
            raise UserFacingError(
                "You haven't agreed to check-ins here, so there's nothing to stop."
            )
        return posts

    # logging -----------------------------------------------------------------------------
    def needs_signpost(self, load: int, energy: int, note: str | None) -> bool:
        """Helplines go with the reply for crisis words, or the heaviest load with no energy."""
        if load == 5 and energy == 1:
            return True
        return bool(note) and self.safety.matcher.matches(note or "")

    async def zone(self, guild_id: int) -> str:
        """Return the server's timezone name."""
        return str(await self.settings.get(guild_id, "timezone"))

    async def log(
        self,
        guild_id: int,
        user_id: int,
        load: int,
        energy: int,
        note: str | None = None,
        welcome_peer: bool = False,
    ) -> Logged:
        """Store one check-in, only while the member's consent stands."""
        if not (1 <= load <= 5 and 1 <= energy <= 5):
            raise UserFacingError("Emotional labour and energy each go from 1 to 5.")
        note = clean_note(note)
        now = self.clock.now()
        checkin_id = await self.repo.add_checkin(
            guild_id,
            user_id,
            now,
            week_start(now, await self.zone(guild_id)),
            load,
            energy,
            note,
            welcome_peer,
        )
        if checkin_id is None:
            raise UserFacingError(
                "Nothing was stored, because check-ins need your consent. "
                "`/checkin log` shows what is kept and lets you agree."
            )
        return Logged(
            checkin_id, load, energy, self.needs_signpost(load, energy, note), welcome_peer
        )

    async def history(self, guild_id: int, user_id: int, weeks: int) -> list[HistoryPoint]:
        """Return the member's own check-ins over the last `weeks` weeks, oldest first."""
        since = self.clock.now() - timedelta(weeks=weeks)
        rows = await self.repo.history(guild_id, user_id, since)
        return [HistoryPoint(row.created_at, row.load, row.energy) for row in rows]

    # availability ------------------------------------------------------------------------
    async def set_available(self, guild_id: int, user_id: int, available: bool) -> None:
        """Mark the member as available (or not) to support peers who ask."""
        if not await self.repo.set_available(guild_id, user_id, available):
            raise UserFacingError(NOT_CONSENTED)

    async def is_available(self, guild_id: int, user_id: int) -> bool:
        """Say whether the member is marked available."""
        member = await self.repo.member(guild_id, user_id)
        return member is not None and member.active and member.available

    # moderators --------------------------------------------------------------------------
    async def summary(self, guild_id: int, weeks: int) -> tuple[list[WeekSummary], int]:
        """Return the last `weeks` completed weeks, k-suppressed, and the k used.

        The current week is left out, so a figure never changes while a moderator watches it
        (comparing two looks would otherwise single out whoever checked in between).
        """
        k = max(int(await self.settings.get(guild_id, SUMMARY_K)), MIN_K)
        current = week_start(self.clock.now(), await self.zone(guild_id))
        first = current - timedelta(weeks=weeks)
        week_list = [first + timedelta(weeks=i) for i in range(weeks)]
        # A completed week is frozen the first time it is shown: later withdrawals, erasures or
        # late rows can't change it, so comparing two looks singles out nobody.
        frozen = await self.frozen_weeks.between(guild_id, first, current)
        fresh_weeks = [w for w in week_list if w not in frozen]
        rows = await self.repo.summary_rows(guild_id, first, current)
        fresh = summarise(rows, fresh_weeks, k) if fresh_weeks else []
        await self.frozen_weeks.freeze(guild_id, fresh, self.clock.now())
        shown = {s.week_start: s for s in fresh} | frozen
        summaries = [_at_least(shown[w], k) for w in sorted(week_list, reverse=True)]
        return summaries, k

    # housekeeping and data rights --------------------------------------------------------
    async def prune_expired(self) -> int:
        """Delete check-ins older than the retention period; return how many."""
        return await self.repo.delete_before(self.clock.now() - RETENTION)

    async def export_member(self, guild_id: int, user_id: int) -> dict[str, Any]:
        """Return everything check-ins hold about the member, JSON-ready (for `/mydata`)."""
        data = await self.repo.member_data(guild_id, user_id)
        quiet = await self.alerts.quiet(guild_id, user_id)
        buddy = data["buddy"]
        export = {
            "consent": data["member"],
            "checkins": data["checkins"],
            "reminder": data["reminder"],
            "buddies": None
            if buddy is None
            else {"joined_at": buddy[0], "paused_until": buddy[1], "avoiding": data["avoids"]},
            "buddy_rounds": [
                {"due_at": due, "with": other} for due, other in data["rounds"] if other != user_id
            ],
            "support_requests": [
                {
                    "created_at": r.created_at,
                    "status": r.status,
                    "taken_by": r.taken_by,
                    "taken_at": r.taken_at,
                }
                for r in data["requests"]
            ],
            "requests_you_took": data["taken"],
            "request_message_quiet_hours": None
            if quiet is None
            else {
                "from": f"{quiet.start:%H:%M}",
                "until": f"{quiet.end:%H:%M}",
                "zone": quiet.zone,
            },
        }
        plain: dict[str, Any] = _plain(export)
        return plain

    async def erase_member(self, guild_id: int, user_id: int) -> Erasure:
        """Delete everything check-ins hold about the member (for `/mydata` and withdrawal)."""
        rows, posts = await self.repo.erase(guild_id, user_id)
        return Erasure(rows, posts)


def _at_least(week: WeekSummary, k: int) -> WeekSummary:
    """Hide a frozen week again if k has since been raised above its number of members."""
    if week.members is not None and week.members < k:
        nothing = (None,) * len(week.load)
        return WeekSummary(week.week_start, None, None, nothing, nothing)
    return week
