"""What the prompt service asks of Discord, and the ways a send can fail."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

from bot.db.prompts_library import Prompt
from bot.prompts.library import ReflectiveModel


class DeliveryError(Exception):
    """A send did not happen; subclasses say what to do about it."""


class RecipientClosed(DeliveryError):
    """The member can't get DMs from the bot: pause with the reason, never retry.

    `reason` is "dms_closed" (Discord error 50007), "no_mutual_server" (50278: they share no
    server with the bot) or "left" (they are no longer a member of the prompt's server).
    """

    def __init__(self, detail: str, reason: str = "dms_closed") -> None:
        super().__init__(detail)
        self.reason = reason


class SendingTooFast(DeliveryError):
    """Discord says DMs are being opened too fast (40003): slow everything down and retry."""


class TargetGone(DeliveryError):
    """The channel is gone or the bot may no longer post there: give up on this row."""


class TemporaryFailure(DeliveryError):
    """Anything else (server errors, timeouts): retry on a later tick, a few times."""


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A prompt ready to render: everything Discord-side code needs, nothing it must look up."""

    delivery_id: int
    guild_id: int
    nonce: str
    prompt: Prompt
    theme_label: str
    model: ReflectiveModel | None
    thread: bool = False


class Sender(Protocol):
    """Discord, as the prompt service sees it. Every call is one paced request."""

    async def still_member(
        self, guild_id: int, user_id: int, before_request: Callable[[], Awaitable[None]]
    ) -> bool:
        """Say whether the member is still in the server (awaiting `before_request` before
        asking Discord, so a fan-out stays paced; a cached answer costs nothing)."""
        ...

    async def open_dm(self, user_id: int) -> int:
        """Open (or find) the DM channel with a member; return its id."""
        ...

    async def send_dm(self, channel_id: int, outgoing: Outgoing) -> int:
        """Send a prompt to a DM channel with the row's nonce; return the message id."""
        ...

    async def post_prompt(self, channel_id: int, outgoing: Outgoing) -> int:
        """Post a prompt to a server channel with the row's nonce; return the message id."""
        ...

    async def start_thread(self, channel_id: int, message_id: int, name: str) -> int:
        """Start a thread from a posted prompt (or find the one already started); return its id."""
        ...

    async def post_notice(self, channel_id: int, text: str, nonce: str) -> int:
        """Tell moderators something in their channel; return the message id."""
        ...
