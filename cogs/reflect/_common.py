"""Shared by the prompt buttons and forms: the persistent base, a prompt's server and thread."""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot.app.interactions import bot_of
from bot.core.errors import UserFacingError
from bot.db.prompts_deliveries import Delivery
from bot.ui.components import Guarded
from cogs.reflect._render import decided

log = logging.getLogger(__name__)

Button = discord.ui.Button[Any]
PREFIX = "alongside:reflect"
THREAD_GONE = "That thread is gone, so Alongside couldn't post there."


def delivery_guild(interaction: discord.Interaction[Any], delivery: Delivery) -> int:
    """Check the person may use a button on this prompt; return the prompt's server."""
    if delivery.kind == "dm":
        if interaction.user.id != delivery.target:
            raise UserFacingError("That button belongs to someone else's prompt.")
        return delivery.guild_id
    if interaction.guild_id != delivery.guild_id:
        raise UserFacingError("That prompt belongs to another server.")
    return delivery.guild_id


async def prompt_thread(interaction: discord.Interaction[Any], thread_id: int) -> discord.Thread:
    """Return a prompt's thread, or say kindly that it is gone."""
    bot = bot_of(interaction)
    thread = bot.get_channel(thread_id)
    if isinstance(thread, discord.Thread):
        return thread
    try:
        fetched = await bot.fetch_channel(thread_id)
    except discord.HTTPException:
        raise UserFacingError(THREAD_GONE) from None
    if not isinstance(fetched, discord.Thread):
        raise UserFacingError(THREAD_GONE)
    return fetched


class _Persistent(Guarded, discord.ui.DynamicItem[Button], template=rf"{PREFIX}:base:(?P<id>0)"):
    """A persistent button whose custom_id ends in a number."""

    _action = "base"
    _label = ""
    _style = discord.ButtonStyle.secondary

    def __init__(self, item_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label=self._label,
                style=self._style,
                custom_id=f"{PREFIX}:{self._action}:{item_id}",
            )
        )
        self.item_id = item_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> _Persistent:
        """Rebuild the button from its custom_id after a restart."""
        return cls(int(match["id"]))


async def mark_review(interaction: discord.Interaction[Any], outcome: str) -> None:
    """Show on the review message what was decided, and remove its buttons."""
    message = interaction.message
    if message is None or not message.embeds:
        return
    try:
        await message.edit(embed=decided(message.embeds[0], outcome), view=None)
    except discord.HTTPException:
        log.warning("Could not update a prompt review message", exc_info=True)
