"""Requests for a peer to check in: opened with consent, taken by an available peer, or closed."""

from __future__ import annotations

from datetime import timedelta

from bot.checkins.reminders import NOT_CONSENTED
from bot.checkins.settings import REQUEST_TIMEOUT
from bot.core.errors import UserFacingError
from bot.core.timeutil import Clock
from bot.db.checkin_requests import RequestRow
from bot.db.checkins import CheckinRepo
from bot.settings.registry import GuildSettings

NOT_AVAILABLE = (
    "Only members who've said they're available to support peers can take requests. "
    "If you'd like to, use `/checkin available state:on` first."
)
OWN_REQUEST = "This is your own request, so someone else will pick it up."
NO_LONGER_OPEN = "This request has already been taken or has closed. Thank you for offering."


class RequestService:
    """The life of a support request; the cog posts and edits the messages."""

    def __init__(self, repo: CheckinRepo, clock: Clock, settings: GuildSettings) -> None:
        self._repo = repo
        self._clock = clock
        self._settings = settings

    async def open(self, guild_id: int, user_id: int, channel_id: int) -> RequestRow:
        """Open a request for the member (who has agreed to share their name)."""
        member = await self._repo.member(guild_id, user_id)
        if member is None or not member.active:
            raise UserFacingError(NOT_CONSENTED)
        hours = int(await self._settings.get(guild_id, REQUEST_TIMEOUT))
        now = self._clock.now()
        request = await self._repo.add_request(
            guild_id, user_id, now, now + timedelta(hours=hours), channel_id
        )
        if request is None:
            raise UserFacingError(
                "You already have a request open. You'll get a direct message when someone "
                "says they'll reach out, or when it closes."
            )
        return request

    async def posted(self, request_id: int, message_id: int) -> None:
        """Remember the message that shows the request."""
        await self._repo.set_request_message(request_id, message_id)

    async def cancel(self, guild_id: int, user_id: int) -> list[tuple[int, int]]:
        """Withdraw the member's open request (e.g. it could not be posted)."""
        return await self._repo.withdraw_requests(guild_id, user_id, self._clock.now())

    async def take(self, request_id: int, helper_id: int) -> RequestRow:
        """Let an available peer take an open request; explain kindly when they can't."""
        request = await self._repo.request(request_id)
        if request is None or request.status != "open":
            raise UserFacingError(NO_LONGER_OPEN)
        if request.asker_id == helper_id:
            raise UserFacingError(OWN_REQUEST)
        helper = await self._repo.member(request.guild_id, helper_id)
        if helper is None or not helper.active or not helper.available:
            raise UserFacingError(NOT_AVAILABLE)
        if not await self._repo.take_request(request_id, helper_id, self._clock.now()):
            raise UserFacingError(NO_LONGER_OPEN)
        taken = await self._repo.request(request_id)
        assert taken is not None
        return taken

    async def close_expired(self) -> int:
        """Close requests nobody took in time; return how many."""
        return await self._repo.expire_requests(self._clock.now())

    async def outcomes_to_tell(self) -> list[RequestRow]:
        """Return taken or expired requests whose asker has not been told yet."""
        return await self._repo.untold_requests()

    async def told(self, request_id: int) -> None:
        """Record that the asker was told the outcome."""
        await self._repo.mark_told(request_id, self._clock.now())

    async def get(self, request_id: int) -> RequestRow | None:
        """Return one request."""
        return await self._repo.request(request_id)
