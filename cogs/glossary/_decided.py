"""Decide a glossary review: approve or decline, tell the author, and mark every copy."""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.app.interactions import bot_of, guild_of, tell_member
from bot.db.glossary_reviews import ReviewPosts
from bot.ui.replies import send_private
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


async def approve(
    interaction: discord.Interaction[Any], kind: str, item_id: int, **edits: str
) -> None:
    """Approve a suggestion or a perspective, and tell its author."""
    bot = bot_of(interaction)
    guild_id = guild_of(interaction)
    glossary = bot.services.glossary
    now = bot.services.clock.now()
    if kind == "s":
        suggestion, term = await glossary.approve_suggestion(
            guild_id, item_id, interaction.user.id, **edits
        )
        author_id, summary = suggestion.author_id, f"the term “{term.name}”"
    elif kind == "e":
        perspective, term = await glossary.perspectives.decide_edit(
            guild_id, interaction.user.id, item_id, approve=True, reason=""
        )
        author_id = glossary.perspectives.recipient(guild_id, perspective)
        summary = f"your edited perspective on “{term.name}”"
    else:
        perspective, term = await glossary.decide_perspective(
            guild_id, item_id, approve=True, moderator_id=interaction.user.id
        )
        author_id = glossary.perspectives.recipient(guild_id, perspective)
        summary = f"your perspective on “{term.name}”"
    await bot.services.audit.record(
        guild_id, interaction.user.id, "glossary.approve", term.name, "", now
    )
    await answer_decided(
        interaction,
        kind,
        item_id,
        "Approved by a moderator",
        f"Approved: {term.name} is in the glossary.",
    )
    await tell_member(
        bot,
        author_id,
        f"Thank you: {summary} is now in the glossary. Anyone can read it with /glossary define.",
    )


async def reject(
    interaction: discord.Interaction[Any], kind: str, item_id: int, reason: str
) -> None:
    """Decline a suggestion or a perspective, and tell its author why, privately."""
    bot = bot_of(interaction)
    guild_id = guild_of(interaction)
    glossary = bot.services.glossary
    if kind == "s":
        suggestion = await glossary.reject_suggestion(guild_id, item_id, reason)
        author_id, what = suggestion.author_id, f"your suggested term “{suggestion.name}”"
    elif kind == "e":
        perspective, term = await glossary.perspectives.decide_edit(
            guild_id, interaction.user.id, item_id, approve=False, reason=reason
        )
        author_id = glossary.perspectives.recipient(guild_id, perspective)
        what = f"the edit of your perspective on “{term.name}” (your earlier words stay shown)"
    else:
        perspective, term = await glossary.decide_perspective(
            guild_id, item_id, approve=False, reason=reason
        )
        author_id = glossary.perspectives.recipient(guild_id, perspective)
        what = f"your perspective on “{term.name}”"
    await bot.services.audit.record(
        guild_id,
        interaction.user.id,
        "glossary.reject",
        f"{kind}{item_id}",
        reason,
        bot.services.clock.now(),
    )
    await answer_decided(
        interaction,
        kind,
        item_id,
        f"Declined by a moderator: {reason}",
        "Declined. The contributor has been told, privately.",
    )
    await tell_member(
        bot,
        author_id,
        f"A moderator didn't add {what} to the glossary this time. Their reason: {reason}",
    )
