"""One way to answer an interaction privately, and one way to report failures."""

from __future__ import annotations

import logging
import secrets
from typing import Any

import discord
from discord import app_commands

from bot.core.errors import UserFacingError
from bot.core.text import clip
from bot.ui.moderation import ensure_known_server

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()
MESSAGE_LIMIT = 2000

APOLOGY = (
    "Sorry, something went wrong on Alongside's side and nothing was changed. "
    "If it keeps happening, tell a moderator this reference: `{error_id}`."
)


async def send_private(
    interaction: discord.Interaction,
    content: str | None = None,
    *,
    embed: discord.Embed | None = None,
    embeds: list[discord.Embed] | None = None,
    view: discord.ui.View | None = None,
    file: discord.File | None = None,
) -> None:
    """Answer only the person who acted, whether or not the interaction was deferred."""
    kwargs: dict[str, Any] = {"ephemeral": True, "allowed_mentions": NO_PINGS}
    if content is not None:
        kwargs["content"] = content
    if embed is not None:
        kwargs["embed"] = embed
    if embeds:
        kwargs["embeds"] = embeds
    if view is not None:
        kwargs["view"] = view
    if file is not None:
        kwargs["file"] = file
    response = interaction.response
    # A placeholder the deadline watch (bot.deadline) put up may be public; the response object
    # knows how to answer privately in its place.
    if not response.is_done() or getattr(response, "placeholder_open", False):
        await response.send_message(**kwargs)
    else:
        await interaction.followup.send(**kwargs)


async def defer_privately(interaction: discord.Interaction) -> None:
    """Acknowledge now with a private "thinking…", before contacting Discord about anything else.

    Discord counts its 3 s until the acknowledgement arrives, so another request sent first
    (opening a DM, posting for review) spends the window on its own round trip.
    """
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=True, thinking=True)


def explain(error: BaseException) -> str | None:
    """Return the kind message for an error a person can act on, or None for a bug."""
    if isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    if isinstance(error, UserFacingError):
        return error.message
    message = getattr(error, "message", None)
    if isinstance(error, app_commands.CheckFailure) and isinstance(message, str):
        return message
    if isinstance(error, app_commands.NoPrivateMessage):
        return "This works inside the server, not in direct messages."
    if isinstance(error, app_commands.CommandOnCooldown):
        return f"Please wait {error.retry_after:.0f} seconds before trying that again."
    if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
        return (
            "That command has changed since Discord last showed it to you. Please try again "
            "in a minute; if it keeps happening, restart Discord."
        )
    if isinstance(error, app_commands.TransformerError):
        return f"I couldn't use “{error.value}” there. Please check it and try again."
    if isinstance(error, app_commands.CheckFailure):
        return "You can't use this here."
    return None


async def report_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Tell the person kindly and privately; log a bug's traceback under a short reference."""
    message = explain(error)
    if message is None:
        error_id = secrets.token_hex(4)
        original = getattr(error, "original", error)
        command = interaction.command.qualified_name if interaction.command else "component"
        log.error(
            "Unhandled error %s in %s",
            error_id,
            command,
            exc_info=(type(original), original, original.__traceback__),
        )
        message = APOLOGY.format(error_id=error_id)
    try:
        # An explanation may quote what the person typed; Discord refuses over 2,000 characters.
        message = clip(message, MESSAGE_LIMIT)
        await send_private(interaction, message)
    except discord.HTTPException:
        log.warning("Could not deliver an error message to the user", exc_info=True)


class SafeView(discord.ui.View):
    """A view whose errors reach the person as a kind message, never a traceback."""

    async def on_error(
        self, interaction: discord.Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        """Report the failure privately."""
        await report_error(interaction, error)


class SafeModal(discord.ui.Modal):
    """A modal whose errors reach the person kindly, with their words given back to them."""

    def __init__(self, *, title: str = discord.utils.MISSING, timeout: float | None = None) -> None:
        """Open with a random custom_id: discord.py keys open forms by custom_id alone."""
        # No custom_id parameter on purpose: a fixed one lets two people's open forms collide
        # (the second replaces the first, whose submission is then lost or filed as the other's).
        super().__init__(title=title, timeout=timeout)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Refuse a submission naming a server the bot is not in."""
        ensure_known_server(interaction)
        return True

    async def on_error(  # type: ignore[override]  # Modal drops the item argument
        self, interaction: discord.Interaction, error: Exception, /
    ) -> None:
        """Report the failure privately and return what they typed, so nothing is lost."""
        message = explain(error)
        typed = [
            item.value
            for item in self.walk_children()
            if isinstance(item, discord.ui.TextInput) and item.value
        ]
        if message is None or not typed:
            await report_error(interaction, error)
            return
        await send_private(interaction, give_back(message, typed))


def give_back(message: str, typed: list[str]) -> str:
    """Add what the person typed to a message, so a refused form loses none of their words."""
    message = clip(message, MESSAGE_LIMIT // 2)
    if not typed:
        return message
    echo = "\n\n".join(typed).replace("```", "ʼʼʼ")
    room = MESSAGE_LIMIT - len(message) - 60
    kept = echo if len(echo) <= room else echo[: max(0, room - 1)] + "…"
    return f"{message}\n\nHere is what you wrote, so you can copy it:\n```\n{kept}\n```"
