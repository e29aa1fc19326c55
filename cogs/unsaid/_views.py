"""Persistent buttons: the moderators' review actions and "Reply anonymously".

Every custom_id is `alongside:unsaid:<action>:<random submission id>`: nothing in it comes from,
or leads to, the person who wrote the submission.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

import discord

from bot.ui.components import Guarded, ModeratorOnly
from cogs.unsaid._actions import UnsaidActions

if TYPE_CHECKING:
    from bot.app.client import Alongside

PUBLIC_ID = r"[A-Za-z0-9_-]{16}"
REVIEW_ACTIONS: dict[str, tuple[str, discord.ButtonStyle]] = {
    "approve": ("Approve", discord.ButtonStyle.success),
    "note": ("Approve with content note", discord.ButtonStyle.primary),
    "reject": ("Reject", discord.ButtonStyle.danger),
    "block": ("Block author", discord.ButtonStyle.secondary),
}


def unsaid_cog(interaction: discord.Interaction) -> UnsaidActions:
    """Return the loaded Unsaid cog (buttons only exist while it is loaded)."""
    bot = cast("Alongside", interaction.client)
    cog = bot.get_cog("Unsaid")
    if cog is None:
        raise RuntimeError("the Unsaid cog is not loaded")
    return cast(UnsaidActions, cog)


class ReviewButton(
    ModeratorOnly,
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=rf"alongside:unsaid:(?P<action>approve|note|reject|block):(?P<item>{PUBLIC_ID})",
):
    """One moderator action on one submission; refused in the bot for anyone else."""

    def __init__(self, action: str, public_id: str) -> None:
        label, style = REVIEW_ACTIONS[action]
        super().__init__(
            discord.ui.Button(
                label=label, style=style, custom_id=f"alongside:unsaid:{action}:{public_id}"
            )
        )
        self.action = action
        self.public_id = public_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ReviewButton:
        """Rebuild the button from its custom_id after a restart."""
        return cls(match["action"], match["item"])

    async def run(self, interaction: discord.Interaction) -> None:
        """Act on the submission (ModeratorOnly has already refused anyone else)."""
        await unsaid_cog(interaction).review_action(interaction, self.action, self.public_id)


class ReplyButton(
    Guarded,
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=rf"alongside:unsaid:reply:(?P<item>{PUBLIC_ID})",
):
    """The "Reply anonymously" button under a post: opens the reply form."""

    def __init__(self, public_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Reply anonymously",
                style=discord.ButtonStyle.secondary,
                custom_id=f"alongside:unsaid:reply:{public_id}",
            )
        )
        self.public_id = public_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ReplyButton:
        """Rebuild the button from its custom_id after a restart."""
        return cls(match["item"])

    async def run(self, interaction: discord.Interaction) -> None:
        """Open the anonymous reply form."""
        await unsaid_cog(interaction).open_reply(interaction, self.public_id)


def review_view(
    public_id: str, actions: tuple[str, ...] = tuple(REVIEW_ACTIONS)
) -> discord.ui.View:
    """Build the buttons under a review message."""
    view = discord.ui.View(timeout=None)
    for action in actions:
        view.add_item(ReviewButton(action, public_id))
    return view


def reply_view(public_id: str) -> discord.ui.View:
    """Build the "Reply anonymously" button under a post."""
    view = discord.ui.View(timeout=None)
    view.add_item(ReplyButton(public_id))
    return view
