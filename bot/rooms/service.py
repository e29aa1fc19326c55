"""Before and after the room: prepare for a hard meeting, debrief after it, log the difference.

Everything here belongs to one member and is private by default. Moderators see only monthly
counts for groups of at least k members (`bot/rooms/summary.py`). The service imports nothing
from discord: the cog renders and sends.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import time, timedelta
from pathlib import Path
from typing import Any

from bot.core.errors import UserFacingError
from bot.core.timeutil import Clock, parse_time, to_db
from bot.db.connection import Database
from bot.db.room_records import Debrief, Impact
from bot.db.rooms import Meeting, RoomRepo
from bot.rooms.models import (
    IMPACT_KINDS,
    PEER_WORDS_MAX,
    QUESTION_MAX,
    REFLECTION_MAX,
    WHAT_MAX,
    Lines,
    Plan,
    tidy,
)
from bot.rooms.settings import ROOMS_ENABLED
from bot.rooms.summary import RoomSummary
from bot.rooms.timing import month_of, parse_when, reminder_time
from bot.settings.registry import GuildSettings

NOT_CONSENTED = "Please agree to what /room keeps first: `/room prepare` shows it."
TURNED_OFF = "Moderators have turned /room off in this server."
# Long enough for a peer to see it the next day; short enough not to linger.
PEER_OFFER_LIFETIME = timedelta(days=2)
GONE = "That meeting isn't planned any more. `/room upcoming` shows what is."

PEER_CHECK = """
SELECT
  EXISTS (SELECT 1 FROM checkin_members WHERE guild_id = :g AND user_id = :peer
          AND available = 1 AND withdrawn_at IS NULL) AS available,
  EXISTS (SELECT 1 FROM buddy_groups AS a JOIN buddy_groups AS b
            ON a.round_id = b.round_id AND a.group_no = b.group_no
          WHERE a.user_id = :me AND b.user_id = :peer AND a.round_id =
            (SELECT id FROM buddy_rounds WHERE guild_id = :g ORDER BY due_at DESC LIMIT 1))
    AS buddy,
  EXISTS (SELECT 1 FROM buddy_avoid WHERE guild_id = :g
          AND ((user_id = :me AND avoid_id = :peer) OR (user_id = :peer AND avoid_id = :me)))
    AS avoided
"""


class RoomService:
    """Meetings, debriefs and the impact log of each member."""

    def __init__(
        self,
        db: Database,
        data_dir: Path,
        clock: Clock,
        settings: GuildSettings,
        rng: random.Random | None = None,
    ) -> None:
        self.repo = RoomRepo(db)
        self.lines = Lines.load(data_dir)
        self.summary = RoomSummary(self.repo, clock)
        self._db = db
        self._clock = clock
        self._settings = settings
        self._rng = rng or random.Random()

    # ----- consent and switches ----------------------------------------------------------------

    async def ensure_enabled(self, guild_id: int) -> None:
        """Refuse kindly when the server turned the feature off."""
        if not await self._settings.get(guild_id, ROOMS_ENABLED):
            raise UserFacingError(TURNED_OFF)

    async def has_consent(self, guild_id: int, user_id: int) -> bool:
        """Say whether the member agreed to what /room keeps."""
        return await self.repo.consented_at(guild_id, user_id) is not None

    async def agree(self, guild_id: int, user_id: int) -> None:
        """Record the member's consent."""
        await self.repo.agree(guild_id, user_id, self._clock.now())

    async def _require_consent(self, guild_id: int, user_id: int) -> None:
        await self.ensure_enabled(guild_id)
        if not await self.has_consent(guild_id, user_id):
            raise UserFacingError(NOT_CONSENTED)

    async def zone(self, guild_id: int) -> str:
        """The server's timezone (the default for a member's meetings)."""
        return str(await self._settings.get(guild_id, "timezone"))

    async def _quiet(self, guild_id: int) -> tuple[time, time]:
        start = await self._settings.get(guild_id, "quiet_hours_start")
        end = await self._settings.get(guild_id, "quiet_hours_end")
        return parse_time(str(start)), parse_time(str(end))

    # ----- preparing -----------------------------------------------------------------------------

    async def check_peer(self, guild_id: int, user_id: int, peer_id: int) -> None:
        """Refuse a peer who isn't a current buddy or an available member (or who is avoided)."""
        if peer_id == user_id:
            raise UserFacingError("The peer alongside needs to be someone other than you.")
        row = await self._db.fetch_one(PEER_CHECK, {"g": guild_id, "me": user_id, "peer": peer_id})
        if row is None or row["avoided"] or not (row["available"] or row["buddy"]):
            raise UserFacingError(
                "A peer alongside can be one of your current buddies, or a member who has said "
                "they're available to support peers (`/checkin available`). That person isn't "
                "either at the moment, so nobody has been told anything."
            )

    async def prepare(self, guild_id: int, user_id: int, plan: Plan) -> Meeting:
        """Store a meeting and plan its reminder; return it."""
        await self._require_consent(guild_id, user_id)
        now = self._clock.now()
        what = tidy(plan.what, WHAT_MAX, "what the meeting is", required=True)
        starts = parse_when(plan.when, plan.zone, now)
        if not 5 <= plan.minutes <= 720:
            raise UserFacingError("How long can be from 5 minutes to 12 hours (720 minutes).")
        if not 0 <= plan.remind <= 1440:
            raise UserFacingError("The reminder can be from 0 (none) to 1440 minutes before.")
        values: dict[str, Any] = {
            "guild_id": guild_id,
            "user_id": user_id,
            "what": what,
            "starts_at": to_db(starts),
            "ends_at": to_db(starts + timedelta(minutes=plan.minutes)),
            "zone": plan.zone,
            "carry": tidy(plan.carry, REFLECTION_MAX, "what you want to carry in"),
            "share_keep": tidy(plan.share_keep, REFLECTION_MAX, "what you'll share and keep"),
            "question": tidy(plan.question, QUESTION_MAX, "your question"),
            "remind_at": None,
            "peer_id": None,
            "peer_words": None,
            "created_at": to_db(now),
        }
        remind = reminder_time(starts, plan.remind, plan.zone, await self._quiet(guild_id), now)
        values["remind_at"] = None if remind is None else to_db(remind)
        meeting_id = await self.repo.add_meeting(values, month_of(starts, plan.zone))
        meeting = await self.repo.meeting(meeting_id)
        assert meeting is not None
        return meeting

    async def set_peer(
        self, guild_id: int, user_id: int, meeting_id: int, peer_id: int, words: str
    ) -> Meeting:
        """With the member's consent, name a peer to be told these words when the meeting ends."""
        await self.own_meeting(guild_id, user_id, meeting_id)
        await self.check_peer(guild_id, user_id, peer_id)
        cleaned = tidy(words, PEER_WORDS_MAX, "what your peer is told", required=True)
        assert cleaned is not None
        if not await self.repo.set_peer(meeting_id, guild_id, user_id, peer_id, cleaned):
            raise UserFacingError(GONE)
        return await self.own_meeting(guild_id, user_id, meeting_id)

    async def peer_offer(self, meeting: Meeting) -> str | None:
        """Create the peer's one-use button token for an ended meeting (None without a peer)."""
        if meeting.peer_id is None or not await self.repo.claim_peer(meeting.id):
            return None
        token = secrets.token_urlsafe(12)
        expires = self._clock.now() + PEER_OFFER_LIFETIME
        await self.repo.add_offer(
            token, meeting.guild_id, meeting.user_id, meeting.peer_id, expires
        )
        return token

    async def take_offer(self, token: str, peer_id: int) -> tuple[int, int]:
        """The peer answers an offer (once); return (guild, member). Anyone else is refused."""
        found = await self.repo.take_offer(token, peer_id, self._clock.now())
        if found is None:
            raise UserFacingError("This has already been answered, or it has expired.")
        return found

    async def upcoming(self, guild_id: int, user_id: int) -> list[Meeting]:
        """The member's meetings still to come (or whose debrief is still to be offered)."""
        return await self.repo.upcoming(guild_id, user_id)

    async def own_meeting(self, guild_id: int, user_id: int, meeting_id: int) -> Meeting:
        """One of the member's own meetings, or a kind refusal (someone else's looks the same)."""
        meeting = await self.repo.meeting(meeting_id)
        if meeting is None or meeting.guild_id != guild_id or meeting.user_id != user_id:
            raise UserFacingError(GONE)
        return meeting

    async def cancel(self, guild_id: int, user_id: int, meeting_id: int) -> Meeting:
        """Cancel one of the member's meetings: nothing more is sent about it."""
        meeting = await self.own_meeting(guild_id, user_id, meeting_id)
        if not await self.repo.cancel(meeting_id, guild_id, user_id):
            raise UserFacingError(GONE)
        return meeting

    def grounding(self) -> tuple[str, str]:
        """One grounding line and one question from the shipped set."""
        return self._rng.choice(self.lines.grounding), self._rng.choice(self.lines.questions)

    # ----- scheduled work ------------------------------------------------------------------------

    async def reminders_due(self) -> list[Meeting]:
        """Claim every reminder whose time has come (each is claimed exactly once)."""
        claimed = []
        for meeting in await self.repo.due_reminders(self._clock.now()):
            if await self.repo.claim_reminder(meeting.id):
                claimed.append(meeting)
        return claimed

    async def endings_due(self) -> list[Meeting]:
        """Claim every meeting that has ended, for the debrief offer and the peer's message."""
        claimed = []
        for meeting in await self.repo.due_endings(self._clock.now()):
            if await self.repo.claim_ending(meeting.id):
                claimed.append(meeting)
        return claimed

    async def ended(self, meeting: Meeting) -> None:
        """Forget a meeting once its end was handled: no diary of who was in which room."""
        await self.repo.forget_meeting(meeting.id)

    # ----- debriefs ------------------------------------------------------------------------------

    async def debrief(
        self,
        guild_id: int,
        user_id: int,
        weight: int,
        said: str | None,
        held_back: str | None,
        carry: str | None,
    ) -> Debrief:
        """Store a debrief until the member chooses where it goes."""
        await self._require_consent(guild_id, user_id)
        if not 1 <= weight <= 5:
            raise UserFacingError("How heavy it felt is a number from 1 (light) to 5 (very heavy).")
        words = (
            tidy(said, REFLECTION_MAX, "what you said"),
            tidy(held_back, REFLECTION_MAX, "what you held back"),
            tidy(carry, REFLECTION_MAX, "what you'll carry forward"),
        )
        debrief_id = await self.repo.add_debrief(
            guild_id, user_id, weight, words, self._clock.now()
        )
        found = await self.repo.debrief(debrief_id, guild_id, user_id)
        assert found is not None
        return found

    async def take_debrief(self, guild_id: int, user_id: int, debrief_id: int) -> Debrief:
        """Remove a debrief's stored words as it goes where the member chose; return them."""
        found = await self.repo.debrief(debrief_id, guild_id, user_id)
        if found is None or not await self.repo.delete_debrief(debrief_id, guild_id, user_id):
            raise UserFacingError("That debrief has already been placed or deleted.")
        return found

    async def own_debrief(self, guild_id: int, user_id: int, debrief_id: int) -> Debrief:
        """One of the member's own unplaced debriefs."""
        found = await self.repo.debrief(debrief_id, guild_id, user_id)
        if found is None:
            raise UserFacingError("That debrief has already been placed or deleted.")
        return found

    async def shared(self, guild_id: int, user_id: int, channel_id: int, message_id: int) -> None:
        """Remember a debrief shared in a thread, so the member can erase it."""
        await self.repo.add_share(guild_id, user_id, channel_id, message_id)

    # ----- impact log ----------------------------------------------------------------------------

    async def add_impact(self, guild_id: int, user_id: int, kind: str, body: str) -> Impact:
        """Add a moment of influence to the member's private log."""
        await self._require_consent(guild_id, user_id)
        if kind not in IMPACT_KINDS:
            raise UserFacingError("Please choose what kind of difference it was.")
        words = tidy(body, REFLECTION_MAX, "what happened", required=True)
        assert words is not None
        now = self._clock.now()
        impact_id = await self.repo.add_impact(
            guild_id, user_id, kind, words, now.date().isoformat(), now
        )
        return await self.own_impact(guild_id, user_id, impact_id)

    async def impacts(self, guild_id: int, user_id: int) -> list[Impact]:
        """The member's impact log, newest first."""
        return await self.repo.impacts(guild_id, user_id)

    async def own_impact(self, guild_id: int, user_id: int, impact_id: int) -> Impact:
        """One of the member's own entries, or a kind refusal."""
        found = await self.repo.impact(impact_id, guild_id, user_id)
        if found is None:
            raise UserFacingError("That entry isn't in your impact log any more.")
        return found

    async def edit_impact(
        self, guild_id: int, user_id: int, impact_id: int, kind: str, body: str
    ) -> Impact:
        """Change one of the member's own entries."""
        if kind not in IMPACT_KINDS:
            raise UserFacingError("Please choose what kind of difference it was.")
        words = tidy(body, REFLECTION_MAX, "what happened", required=True)
        assert words is not None
        changed = await self.repo.update_impact(
            impact_id, guild_id, user_id, kind, words, self._clock.now()
        )
        if not changed:
            raise UserFacingError("That entry isn't in your impact log any more.")
        return await self.own_impact(guild_id, user_id, impact_id)

    async def delete_impact(self, guild_id: int, user_id: int, impact_id: int) -> None:
        """Delete one of the member's own entries."""
        if not await self.repo.delete_impact(impact_id, guild_id, user_id):
            raise UserFacingError("That entry has already been deleted.")

    async def impact_markdown(self, guild_id: int, user_id: int, server: str) -> str:
        """The member's impact log as Markdown, for supervision or an appraisal."""
        entries = await self.impacts(guild_id, user_id)
        lines = [f"# The difference I made — {server}", ""]
        if not entries:
            lines.append("Nothing logged yet.")
        for entry in entries:
            lines += [f"## {entry.happened} · {IMPACT_KINDS[entry.kind]}", "", entry.body, ""]
        return "\n".join(lines).rstrip() + "\n"

    # ----- data rights ---------------------------------------------------------------------------

    async def export_member(self, guild_id: int, user_id: int) -> dict[str, Any]:
        """Everything /room stores against the member."""
        consented = await self.repo.consented_at(guild_id, user_id)
        meetings = await self.repo.member_meetings(guild_id, user_id)
        return {
            "consented_at": None if consented is None else to_db(consented),
            "meetings": [_meeting_export(m) for m in meetings],
            "debriefs_not_yet_placed": [
                {
                    "weight": d.weight,
                    "said": d.said,
                    "held_back": d.held_back,
                    "carry_forward": d.carry,
                    "written_at": to_db(d.created_at),
                }
                for d in await self.repo.member_debriefs(guild_id, user_id)
            ],
            "impact_log": [
                {"kind": IMPACT_KINDS[i.kind], "what": i.body, "on": i.happened}
                for i in await self.repo.impacts(guild_id, user_id)
            ],
            "debriefs_shared_in_threads": [
                {"channel_id": str(c), "message_id": str(m)}
                for c, m in await self.repo.shares(guild_id, user_id)
            ],
        }

    async def erase_member(self, guild_id: int, user_id: int) -> RoomErasure:
        """Delete everything /room stores against the member; return posts to delete."""
        posts = await self.repo.shares(guild_id, user_id)
        await self.repo.erase_member(guild_id, user_id)
        return RoomErasure(tuple(posts))


@dataclass(frozen=True, slots=True)
class RoomErasure:
    """Discord messages of the member's that the caller should delete."""

    request_posts: tuple[tuple[int, int], ...]


def _meeting_export(meeting: Meeting) -> dict[str, Any]:
    return {
        "what": meeting.what,
        "starts_at": to_db(meeting.starts_at),
        "ends_at": to_db(meeting.ends_at),
        "timezone": meeting.zone,
        "carry_in": meeting.carry,
        "share_and_keep": meeting.share_keep,
        "question": meeting.question,
        "remind_at": None if meeting.remind_at is None else to_db(meeting.remind_at),
        "peer_id": None if meeting.peer_id is None else str(meeting.peer_id),
        "peer_told": meeting.peer_words,
    }
