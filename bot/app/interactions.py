"""Small helpers every feature's interaction handlers share."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.ui.refusals import NotInServer

if TYPE_CHECKING:
    from bot.app.client import Alongside

log = logging.getLogger(__name__)


def bot_of(interaction: discord.Interaction[Any]) -> Alongside:
    """The bot handling this interaction."""
    return cast("Alongside", interaction.client)


def guild_of(interaction: discord.Interaction[Any]) -> int:
    """The server this interaction came from, or a kind refusal in DMs."""
    if interaction.guild_id is None:
        raise NotInServer()
    return interaction.guild_id


async def tell_member(bot: Alongside, user_id: int, text: str) -> bool:
    """Send a member a private message (e.g. a review's outcome); False if DMs are closed."""
    try:
        user = bot.get_user(user_id) or await bot.fetch_user(user_id)
        await user.send(text)
    except discord.HTTPException:
        log.info("Could not tell a member an outcome by DM (DMs closed or user gone)")
        return False
    return True
