"""Anonymous answers to a reflective prompt: posted in the prompt's thread, never signed."""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.app.client import Alongside
from bot.core.errors import UserFacingError
from bot.core.text import as_words, clip
from bot.db.unsaid import UnsaidItem
from bot.ui.replies import NO_PINGS
from bot.unsaid.content import spoiler

log = logging.getLogger(__name__)

COLOUR = 0x6C5B7B
SOME_PROMPT = "a reflective prompt"


def first_line(text: str) -> str:
    """The first line of a prompt, short enough for a title."""
    line = next((part.strip() for part in text.splitlines() if part.strip()), text.strip())
    return clip(as_words(line), 200)


async def prompt_line(bot: Alongside, guild_id: int, thread_id: int) -> str:
    """Name the prompt a thread belongs to (its first line), or say it is a prompt."""
    prompts = getattr(bot.services, "prompts", None)
    if prompts is None:
        return SOME_PROMPT
    delivery = await prompts.repo.delivery_by_thread(guild_id, thread_id)
    if delivery is None or delivery.prompt_id is None:
        return SOME_PROMPT
    try:
        drawn = await prompts.prompt_in(guild_id, delivery.prompt_id)
    except UserFacingError:
        return SOME_PROMPT
    return first_line(drawn.prompt.text)


def answer_embed(item: UnsaidItem, prompt: str, day: str, *, quoted: bool) -> discord.Embed:
    """The public answer: labelled as an answer to the prompt, with the day, never a name."""
    words = spoiler(item.body or "") if item.content_note else as_words(item.body or "")
    if quoted:
        words = f"> {prompt}\n\n{words}"
    embed = discord.Embed(
        title=clip(f"Anonymous answer: {prompt}", 256), description=words, colour=COLOUR
    )
    embed.set_footer(text=f"Shared anonymously on {day}")
    return embed


async def _open_thread(bot: Alongside, thread_id: int) -> discord.Thread | None:
    """Return the prompt's thread ready for a post (unarchived if need be), or None."""
    found = bot.get_channel(thread_id)
    if not isinstance(found, discord.Thread):
        try:
            fetched = await bot.fetch_channel(thread_id)
        except discord.HTTPException:
            return None
        if not isinstance(fetched, discord.Thread):
            return None
        found = fetched
    if found.archived:
        if found.locked:
            return None
        try:
            found = await found.edit(archived=False)
        except discord.HTTPException:
            return None
    return found


async def post_answer(
    bot: Alongside, item: UnsaidItem, prompt: str, day: str, fallback_channel_id: int | None
) -> tuple[discord.Message, bool]:
    """Post in the prompt's thread; if it is gone, in the Unsaid channel. Say if it fell back."""
    assert item.answer_thread_id is not None
    content = "**Content note:** " + as_words(item.content_note) if item.content_note else None
    thread = await _open_thread(bot, item.answer_thread_id)
    if thread is not None:
        try:
            message = await thread.send(
                content=content,
                embed=answer_embed(item, prompt, day, quoted=False),
                allowed_mentions=NO_PINGS,
            )
        except discord.HTTPException:
            log.info("A prompt's thread refused an anonymous answer; using the Unsaid channel")
        else:
            return message, False
    if fallback_channel_id is None:
        raise LookupError("no channel is set")
    channel: Any = bot.get_partial_messageable(fallback_channel_id, guild_id=item.guild_id)
    message = await channel.send(
        content=content,
        embed=answer_embed(item, prompt, day, quoted=True),
        allowed_mentions=NO_PINGS,
    )
    return message, True
