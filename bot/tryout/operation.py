"""One visitor action at a time, and what each answer answers.

`Operation` holds the world's lock and SimCord's clock scope around an action and turns SimCord's
refusals into plain DemoErrors; `Origin` and `OpenModal` remember, for the page, which command
or button an answer belongs to and which forms are waiting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import simcord

from bot.tryout.wire import DemoError

if TYPE_CHECKING:
    from bot.tryout.stage import Stage


@dataclass(frozen=True, slots=True)
class Origin:
    """What an answer answers, for the line above it: a command, or a message's button."""

    command: str | None = None
    channel_id: int | None = None
    message_id: int | None = None


@dataclass(slots=True)
class OpenModal:
    """A form the bot showed someone, waiting to be submitted."""

    person_id: int
    actor: Any
    result: simcord.InteractionResult
    origin: Origin


def start_of_minute(moment: datetime) -> datetime:
    """`moment` without seconds, in UTC."""
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


class Operation:
    """Hold the world's lock and SimCord's clock scope; turn SimCord refusals into DemoError."""

    def __init__(self, world: Stage) -> None:
        self._world = world

    async def __aenter__(self) -> None:
        await self._world.lock.acquire()
        self._scope = self._world.env.time_context()
        self._scope.__enter__()

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            self._scope.__exit__(exc_type, exc, tb)
        finally:
            self._world.lock.release()
        if isinstance(exc, simcord.SetupError | simcord.BackendError | simcord.OptionError):
            raise DemoError(str(exc)) from exc
