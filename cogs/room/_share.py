"""Where a debrief can go beyond the member: a named thread, or Unsaid without their name."""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.app.interactions import bot_of
from bot.core.errors import UserFacingError
from bot.core.text import as_words, clip
from bot.rooms.settings import DEBRIEF_CHANNEL
from bot.ui.replies import NO_PINGS, send_private
from cogs.room import _text as text

log = logging.getLogger(__name__)
LEFT = "You're no longer a member of that server, so Alongside can't do this for you there."


async def still_member(interaction: discord.Interaction[Any], guild_id: int) -> discord.Member:
    """The member as the server sees them now (a DM button can outlive membership)."""
    guild: discord.Guild | None = interaction.client.get_guild(guild_id)
    if guild is None:
        raise UserFacingError(LEFT)
    member = guild.get_member(interaction.user.id)
    if member is not None:
        return member
    try:
        fetched: discord.Member = await guild.fetch_member(interaction.user.id)
    except discord.NotFound:
        raise UserFacingError(LEFT) from None
    return fetched


def quoted(words: str) -> str:
    """Show a member's words as a quote, with mentions and links shown as typed."""
    safe = as_words(words)
    return "\n".join(f"> {line}" for line in safe.splitlines())


async def share_in_thread(
    interaction: discord.Interaction[Any], guild_id: int, debrief_id: int
) -> str:
    """Post a debrief with the member's name and open a thread on it; return its link."""
    bot = bot_of(interaction)
    member = await still_member(interaction, guild_id)
    channel_id = await bot.services.settings.get(guild_id, DEBRIEF_CHANNEL)
    channel = member.guild.get_channel(int(channel_id)) if channel_id else None
    if not isinstance(channel, discord.TextChannel):
        raise UserFacingError("There's no debrief channel in this server at the moment.")
    if not channel.permissions_for(member).send_messages:
        raise UserFacingError("You can't post in that channel, so Alongside won't post for you.")
    rooms = bot.services.rooms
    found = await rooms.own_debrief(guild_id, member.id, debrief_id)
    sections = [text.DEBRIEF_POST.format(member=member.mention, weight=found.weight)]
    for label, words in (
        (text.LABEL_SAID, found.said),
        (text.LABEL_HELD, found.held_back),
        (text.LABEL_CARRY, found.carry),
    ):
        if words:
            sections.append(f"**{label}**\n{quoted(words)}")
    content = clip("\n\n".join(sections), 2000)
    message = await channel.send(content, allowed_mentions=NO_PINGS)
    await rooms.shared(guild_id, member.id, channel.id, message.id)
    await rooms.take_debrief(guild_id, member.id, debrief_id)
    try:
        name = clip(f"Debrief: {member.display_name}", 100)
        await message.create_thread(name=name, auto_archive_duration=1440)
    except discord.HTTPException:
        log.warning("Could not open a thread under a shared debrief", exc_info=True)
    return message.jump_url


async def share_anonymously(
    interaction: discord.Interaction[Any], guild_id: int, debrief_id: int
) -> None:
    """Hand the debrief to Unsaid, then forget it here, so nothing links it to the member."""
    from cogs.unsaid._cog import Unsaid

    bot = bot_of(interaction)
    await still_member(interaction, guild_id)
    rooms = bot.services.rooms
    found = await rooms.own_debrief(guild_id, interaction.user.id, debrief_id)
    parts = [f"**{text.ANON_LABEL}**"]
    for label, words in (
        (text.LABEL_SAID, found.said),
        (text.LABEL_HELD, found.held_back),
        (text.LABEL_CARRY, found.carry),
    ):
        if words:
            parts.append(f"{label}: {words}")
    if len(parts) == 1:
        raise UserFacingError(
            "This debrief has no words to share, only how heavy it felt. Choose another option."
        )
    unsaid = bot.get_cog("Unsaid")
    if not isinstance(unsaid, Unsaid):
        raise UserFacingError("Unsaid isn't available in this server.")
    await bot.services.unsaid.check_allowed(guild_id, interaction.user.id)
    await unsaid.finish_share(interaction, "\n\n".join(parts), None, guild_id=guild_id)
    await rooms.take_debrief(guild_id, interaction.user.id, debrief_id)
    await send_private(interaction, text.ANON_FROM_DEBRIEF)
