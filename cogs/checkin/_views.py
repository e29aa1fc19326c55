"""Short-lived private views: the consent gate, asking for a peer, and erasing after withdrawal."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.checkins.settings import MIN_K, REQUEST_TIMEOUT, SUMMARY_K
from bot.ui.membership import ensure_member_here
from bot.ui.replies import SafeView, send_private
from cogs.checkin import _text as text
from cogs.checkin._common import bot_of, checkins_of, delete_post
from cogs.checkin._requests import post_request, support_channel

# What to do once consent stands; the flag says whether it came through the consent view
# (so a modal can replace that message when it is submitted).
Then = Callable[[discord.Interaction, bool], Awaitable[None]]


class OwnedView(SafeView):
    """A private view only the person it was shown to can use."""

    def __init__(self, owner_id: int, *, timeout: float = 600) -> None:
        super().__init__(timeout=timeout)
        self.owner_id = owner_id

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Ignore anyone else (the message is ephemeral, so this is belt and braces)."""
        return interaction.user.id == self.owner_id


class ConsentView(OwnedView):
    """Agree / Not now. Nothing is stored unless Agree is pressed."""

    def __init__(self, owner_id: int, guild_id: int, then: Then, *, opens_modal: bool) -> None:
        super().__init__(owner_id)
        self.guild_id = guild_id
        self.then = then
        self.opens_modal = opens_modal

    @discord.ui.button(label="Agree", style=discord.ButtonStyle.success)
    async def agree(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        """Record consent and carry on with what the member asked for."""
        # Shown in a DM after "Check in now": the member may have been removed since.
        await ensure_member_here(interaction, self.guild_id)
        agreed = await checkins_of(interaction).agree(self.guild_id, interaction.user.id)
        # A dismissed form can be reopened from here, so the view stays live for modals.
        if not self.opens_modal:
            self.stop()
            when = discord.utils.format_dt(agreed, "f")
            await interaction.response.edit_message(
                content=text.AGREED.format(when=when), embed=None, view=None
            )
        await self.then(interaction, True)

    @discord.ui.button(label="Not now", style=discord.ButtonStyle.secondary)
    async def not_now(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        """Leave without storing anything."""
        self.stop()
        await interaction.response.edit_message(content=text.NOT_NOW, embed=None, view=None)


async def gate(
    interaction: discord.Interaction, guild_id: int, then: Then, *, opens_modal: bool = False
) -> None:
    """Run `then` if the member's consent stands; otherwise show the consent statement first."""
    checkins = checkins_of(interaction)
    if await checkins.has_consent(guild_id, interaction.user.id):
        await then(interaction, False)
        return
    k = await bot_of(interaction).services.settings.get(guild_id, SUMMARY_K)
    view = ConsentView(interaction.user.id, guild_id, then, opens_modal=opens_modal)
    await send_private(interaction, embed=text.consent_embed(max(int(k), MIN_K)), view=view)


class AskView(OwnedView):
    """Confirm sharing your name before a request is posted."""

    def __init__(self, owner_id: int, guild_id: int) -> None:
        super().__init__(owner_id)
        self.guild_id = guild_id

    @discord.ui.button(label="Share my name and ask", style=discord.ButtonStyle.primary)
    async def share(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        """Post the request now."""
        self.stop()
        await post_request(interaction, self.guild_id)

    @discord.ui.button(label="Not now", style=discord.ButtonStyle.secondary)
    async def not_now(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        """Close without sending anything."""
        self.stop()
        await interaction.response.edit_message(
            content="Nothing was sent. `/checkin ask` is here whenever you'd like it.",
            embed=None,
            view=None,
        )


async def offer_ask(interaction: discord.Interaction, guild_id: int, _: bool = False) -> None:
    """Explain what asking shares, with the confirm button."""
    bot = bot_of(interaction)
    channel = await support_channel(bot, guild_id)
    if channel is None:
        await send_private(interaction, text.ASK_NO_CHANNEL)
        return
    hours = await bot.services.settings.get(guild_id, REQUEST_TIMEOUT)
    await send_private(
        interaction,
        text.ASK_EXPLAINED.format(channel=channel.mention, hours=hours),
        view=AskView(interaction.user.id, guild_id),
    )


class EraseView(OwnedView):
    """After withdrawing: erase now, or keep for later."""

    def __init__(self, owner_id: int, guild_id: int) -> None:
        super().__init__(owner_id)
        self.guild_id = guild_id

    @discord.ui.button(label="Erase everything now", style=discord.ButtonStyle.danger)
    async def erase(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        """Erase every check-in record about the member in this server."""
        self.stop()
        erased = await checkins_of(interaction).erase_member(self.guild_id, interaction.user.id)
        await interaction.response.edit_message(content=text.ERASED, view=None)
        for channel_id, message_id in erased.request_posts:
            await delete_post(bot_of(interaction), channel_id, message_id)

    @discord.ui.button(label="Keep them for now", style=discord.ButtonStyle.secondary)
    async def keep(self, interaction: discord.Interaction, _: discord.ui.Button[Any]) -> None:
        """Keep stored check-ins."""
        self.stop()
        await interaction.response.edit_message(content=text.KEPT, view=None)
