"""Members Alongside can't reach: check-in DMs held with a reason until the member is back."""

from __future__ import annotations

from bot.core.timeutil import Clock
from bot.db.away import AwayMembers
from bot.db.connection import Database
from bot.db.reach import OpenRequest, ReachRepo

# Why check-in DMs (reminders, buddy introductions, request outcomes) are held for a member.
DMS_CLOSED = "dms_closed"  # Discord error 50007
NO_MUTUAL_SERVER = "no_mutual_server"  # Discord error 50278
LEFT = "left"  # no longer a member of the server
REASONS = (DMS_CLOSED, NO_MUTUAL_SERVER, LEFT)


class ReachService:
    """Holds check-in DMs for a member nobody can reach, and lifts the hold when they're back.

    Nothing is erased when someone leaves: they may come back, and `/mydata` still works.
    """

    def __init__(self, db: Database, clock: Clock, away: AwayMembers) -> None:
        self._repo = ReachRepo(db)
        self._clock = clock
        self.away = away

    async def hold(self, guild_id: int, user_id: int, reason: str) -> bool:
        """Stop check-in DMs to the member until they next use a command in the server."""
        assert reason in REASONS
        self.away.hold(guild_id, user_id)  # before the write, so welcome_back never misses it
        return await self._repo.pause(guild_id, user_id, reason, self._clock.now())

    async def held(self, guild_id: int, user_id: int) -> str | None:
        """Return why check-in DMs to the member are held, if they are."""
        return await self._repo.paused(guild_id, user_id)

    async def welcome_back(self, guild_id: int, user_id: int) -> str | None:
        """Lift any hold (the member is here, using a command); return the reason it had."""
        return await self._repo.lift(guild_id, user_id)

    async def may_be_away(self, guild_id: int, user_id: int) -> bool:
        """Say whether the member may have check-in DMs or DM prompts held (no read if not)."""
        if not await self.away.may_be_away(guild_id, user_id):
            return False
        self.away.forget(guild_id, user_id)  # the caller lifts every hold; a new one re-adds
        return True

    async def open_requests(self) -> list[OpenRequest]:
        """Return every support request still open, to check its asker is still a member."""
        return await self._repo.open_requests()
