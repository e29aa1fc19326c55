"""Small helpers every check-in module shares."""

from __future__ import annotations

import logging
from typing import Any, cast

import discord

from bot.app.client import Alongside
from bot.checkins import CheckinService
from bot.ui.refusals import NotInServer
from bot.ui.replies import NO_PINGS

log = logging.getLogger(__name__)


def bot_of(interaction: discord.Interaction) -> Alongside:
    """Return the Alongside bot handling this interaction."""
    return cast(Alongside, interaction.client)


def checkins_of(interaction: discord.Interaction) -> CheckinService:
    """Return the check-in service."""
    return bot_of(interaction).services.checkins


def guild_id_of(interaction: discord.Interaction) -> int:
    """Return the server the interaction came from, or refuse kindly."""
    if interaction.guild_id is None:
        raise NotInServer()
    return interaction.guild_id


def display_name(user: discord.abc.User) -> str:
    """Return a name safe to show inside Markdown."""
    return discord.utils.escape_markdown(user.display_name)


async def send_dm(
    bot: Alongside,
    user_id: int,
    content: str,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
) -> discord.Message | None:
    """Send a direct message; None when the member's DMs are closed or they can't be found."""
    kwargs: dict[str, Any] = {"allowed_mentions": NO_PINGS}
    if embed is not None:
        kwargs["embed"] = embed
    if view is not None:
        kwargs["view"] = view
    try:
        user = bot.get_user(user_id) or await bot.fetch_user(user_id)
        return await user.send(content, **kwargs)
    except discord.HTTPException as error:
        # Closed DMs (403) are normal; anything else is logged, and the caller carries on.
        log.info("Could not send a direct message (HTTP %s)", error.status)
        return None


async def guild_name(bot: Alongside, guild_id: int) -> str:
    """Return the server's name for messages sent outside it."""
    guild = bot.get_guild(guild_id)
    return discord.utils.escape_markdown(guild.name) if guild else "your server"


async def edit_post(bot: Alongside, channel_id: int, message_id: int, content: str) -> None:
    """Replace a request post's text and remove its button; ignore posts already gone."""
    channel = bot.get_partial_messageable(channel_id)
    try:
        await channel.get_partial_message(message_id).edit(content=content, view=None)
    except (discord.NotFound, discord.Forbidden):
        log.info("A request post could not be edited; it may have been deleted")


async def delete_post(bot: Alongside, channel_id: int, message_id: int) -> None:
    """Delete a request post (after erasure); ignore posts already gone."""
    channel = bot.get_partial_messageable(channel_id)
    try:
        await channel.get_partial_message(message_id).delete()
    except (discord.NotFound, discord.Forbidden):
        log.info("A request post could not be deleted; it may already be gone")
