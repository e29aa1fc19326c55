"""Discord as the prompts service sees it, and helpers that set up its members and clocks."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pytest

from bot.app.services import Services
from bot.prompts.delivery import Outgoing
from bot.prompts.service import PromptService

GUILD = 1


class Crash(BaseException):
    """The process dying mid fan-out (not an Exception, so nothing swallows it)."""


async def crashing_tick(service: PromptService, now: datetime, sender: FakeSender) -> None:
    """Run a tick that the sender kills part-way, as the process dying would."""
    with pytest.raises(BaseExceptionGroup) as crashed:  # the workers' task group wraps it
        await service.tick(now, sender)
    assert crashed.group_contains(Crash)


class FakeSender:
    """Discord as the service sees it: records sends and deduplicates nonces like Discord."""

    def __init__(self) -> None:
        self.ids = itertools.count(1000)
        self.by_nonce: dict[str, int] = {}
        self.dms: list[tuple[int, Outgoing]] = []
        self.posts: list[tuple[int, Outgoing]] = []
        self.threads: list[tuple[int, int, str]] = []
        self.notices: list[tuple[int, str]] = []
        self.opened: list[int] = []
        self.errors: dict[int, list[BaseException]] = {}
        self.crash_after: int | None = None
        self.crash_after_sending = False
        self.attempts = 0
        self.departed: set[int] = set()

    async def still_member(
        self, guild_id: int, user_id: int, before_request: Callable[[], Awaitable[None]]
    ) -> bool:
        return user_id not in self.departed

    def _maybe_fail(self, channel_id: int) -> None:
        queued = self.errors.get(channel_id)
        if queued:
            raise queued.pop(0)

    async def open_dm(self, user_id: int) -> int:
        self.opened.append(user_id)
        return 50_000 + user_id

    async def send_dm(self, channel_id: int, outgoing: Outgoing) -> int:
        self.attempts += 1
        self._maybe_fail(channel_id)
        dying = self.crash_after is not None and len(self.dms) >= self.crash_after
        if dying and not self.crash_after_sending:
            raise Crash
        if outgoing.nonce in self.by_nonce:
            return self.by_nonce[outgoing.nonce]
        message_id = next(self.ids)
        self.by_nonce[outgoing.nonce] = message_id
        self.dms.append((channel_id, outgoing))
        if self.crash_after_sending and len(self.dms) > (self.crash_after or len(self.dms)):
            raise Crash  # Discord has the message; the bot dies before recording it
        return message_id

    async def post_prompt(self, channel_id: int, outgoing: Outgoing) -> int:
        self._maybe_fail(channel_id)
        message_id = next(self.ids)
        self.posts.append((channel_id, outgoing))
        return message_id

    async def start_thread(self, channel_id: int, message_id: int, name: str) -> int:
        self.threads.append((channel_id, message_id, name))
        return message_id

    async def post_notice(self, channel_id: int, text: str, nonce: str) -> int:
        self.notices.append((channel_id, text))
        return next(self.ids)

    def members_reached(self) -> list[int]:
        return sorted(channel - 50_000 for channel, _ in self.dms)


def fresh_service(services: Services, **kwargs: object) -> PromptService:
    """A new service on the same database, as after a restart."""
    return PromptService(
        services.db,
        services.config.data_dir,
        services.clock,
        services.settings,
        services.ledger,
        **{"rng": services.rng, **kwargs},  # type: ignore[arg-type]
    )


async def subscribe(service: PromptService, user_id: int, at: str = "09:00", **kw: str) -> None:
    """Subscribe a member to DM prompts, with a DM channel already known."""
    await service.subscribe(
        GUILD,
        user_id,
        kw.get("cadence", "daily"),
        kw.get("day"),
        at,
        kw.get("zone", "Europe/London"),
        dm_channel_id=50_000 + user_id,
    )


def london(*args: int) -> datetime:
    """Return the UTC time of a wall-clock time in London."""
    from zoneinfo import ZoneInfo

    return datetime(*args, tzinfo=ZoneInfo("Europe/London")).astimezone(UTC)  # type: ignore[misc]
