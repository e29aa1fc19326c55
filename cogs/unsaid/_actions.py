"""What the forms and buttons ask of the cog, so that they never import it."""

from __future__ import annotations

from typing import Protocol

import discord


class UnsaidActions(Protocol):
    """The Unsaid cog as its forms and buttons see it (`cogs.unsaid._cog.Unsaid` is one)."""

    async def open_reply(self, interaction: discord.Interaction, public_id: str) -> None:
        """Open the anonymous reply form for one post."""

    async def finish_share(
        self,
        interaction: discord.Interaction,
        body: str,
        note: str | None,
        *,
        allow_replies: bool = True,
        reply_to: str | None = None,
        answer_to: int | None = None,
        guild_id: int | None = None,
    ) -> None:
        """Store the words and answer the person with their receipt."""

    async def review_action(
        self, interaction: discord.Interaction, action: str, public_id: str
    ) -> None:
        """Run one review button."""

    async def approve(
        self,
        interaction: discord.Interaction,
        public_id: str,
        *,
        note: str | None = None,
        set_note: bool = False,
    ) -> None:
        """Approve and post straight away."""

    async def reject(self, interaction: discord.Interaction, public_id: str, reason: str) -> None:
        """Reject, keeping the reason for the author's receipt."""
