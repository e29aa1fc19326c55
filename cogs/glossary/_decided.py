"""Mark a glossary review as decided: on the real review message, and on the copy clicked."""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.db.glossary_reviews import ReviewPosts
from bot.interactions import bot_of, guild_of
from bot.replies import send_private
from cogs.glossary._render import decided

log = logging.getLogger(__name__)


async def answer_decided(
    interaction: discord.Interaction[Any], kind: str, item_id: int, outcome: str, answer: str
) -> None:
    """Tell the moderator privately, and mark every copy of the review as decided."""
    clicked = interaction.message
    embed = clicked.embeds[0] if clicked is not None and clicked.embeds else None
    marked = decided(embed.copy(), outcome) if embed is not None else None
    private_copy = clicked is not None and clicked.flags.ephemeral
    if private_copy and marked is not None and not interaction.response.is_done():
        # A private copy from /mod glossary pending lives only in this interaction: Discord has
        # no channel route to it, so it is updated through the interaction itself.
        await interaction.response.edit_message(embed=marked, view=None)
    await send_private(interaction, answer)
    posts = ReviewPosts(bot_of(interaction).services.db)
    guild_id = guild_of(interaction)
    where = await posts.find(guild_id, kind, item_id)
    if marked is None:
        return
    if where is None:
        if clicked is not None and not private_copy:  # posted before review ids were kept
            await _edit(clicked, marked)
        return
    channel = bot_of(interaction).get_channel(where[0])
    if isinstance(channel, discord.TextChannel):
        await _edit(channel.get_partial_message(where[1]), marked)
    # The record is kept after the decision: the card still shows the member's words (and
    # their name, if they gave it), so `/mydata delete` must be able to find and remove it.


async def _edit(message: discord.Message | discord.PartialMessage, marked: discord.Embed) -> None:
    """Show the outcome on a review message in the channel and remove its buttons."""
    try:
        await message.edit(embed=marked, view=None)
    except discord.HTTPException:
        log.warning("Could not update a glossary review message", exc_info=True)
