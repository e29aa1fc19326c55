"""Shared answers in a prompt's thread: the author-only Delete button and its checks."""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.app.interactions import bot_of
from bot.core.errors import UserFacingError
from bot.ui.components import ID_PATTERN
from bot.ui.replies import send_private
from cogs.reflect._common import PREFIX, _Persistent

log = logging.getLogger(__name__)


class UnshareButton(_Persistent, template=rf"{PREFIX}:unshare:(?P<id>{ID_PATTERN})"):
    """Delete an answer shared in a prompt's thread; only its author may."""

    _action, _label = "unshare", "Delete"

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        """Check the clicker wrote this share, then delete the post and its record."""
        await delete_share(interaction, self.item_id)
        await send_private(interaction, "Deleted: your answer is gone from the thread.")


async def delete_share(interaction: discord.Interaction[Any], share_id: int) -> None:
    """Delete one of the clicker's own shares: its post in the thread, then its record."""
    shares = bot_of(interaction).services.prompts.shares
    share = await shares.owned(interaction.guild_id, share_id, interaction.user.id)
    assert share.message_id is not None
    channel = bot_of(interaction).get_partial_messageable(share.channel_id, guild_id=share.guild_id)
    try:
        await channel.get_partial_message(share.message_id).delete()
    except discord.NotFound:
        pass  # already gone from Discord: forget it all the same
    except discord.HTTPException:
        log.warning("Could not delete a shared answer's post")
        raise UserFacingError(
            "Alongside couldn't remove that post (the thread may be locked), so nothing was "
            "deleted. Try again later, or ask a moderator to delete it."
        ) from None
    await shares.forget(share)


def share_view(share_id: int) -> discord.ui.View:
    """The button under a shared answer: its author can delete it."""
    view = discord.ui.View(timeout=None)
    view.add_item(UnshareButton(share_id))
    return view
