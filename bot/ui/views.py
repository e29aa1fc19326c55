"""Views shared by several features."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.ui.moderation import ensure_moderator
from bot.ui.replies import SafeView

Button = discord.ui.Button[Any]


class ConfirmView(SafeView):
    """Yes / Cancel for a moderator's destructive or bulk action."""

    def __init__(
        self,
        owner_id: int,
        confirm_label: str,
        action: Callable[[discord.Interaction[Any]], Awaitable[None]],
    ) -> None:
        super().__init__(timeout=300)
        self.owner_id = owner_id
        self.action = action
        self.confirm.label = confirm_label

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Only the moderator who asked can confirm, and only while still a moderator."""
        await ensure_moderator(interaction)
        return interaction.user.id == self.owner_id

    @discord.ui.button(label="Confirm", style=discord.ButtonStyle.danger)
    async def confirm(self, interaction: discord.Interaction[Any], _: Button) -> None:
        """Carry out the action."""
        self.stop()
        await self.action(interaction)

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary)
    async def cancel(self, interaction: discord.Interaction[Any], _: Button) -> None:
        """Do nothing."""
        self.stop()
        await interaction.response.edit_message(
            content="Cancelled; nothing changed.", view=None, embed=None
        )
