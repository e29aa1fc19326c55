"""Persistent buttons in DMs: start a debrief, and a peer's check in / not this time.

They keep working after a restart. The debrief button names only the server (it acts on the
clicker's own data); a peer's buttons name a one-use token that only that peer can redeem, so a
forged click can't open a conversation with anyone.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.app.interactions import bot_of
from bot.checkins.settings import PAIRING_CHANNEL
from bot.ui.components import ID_PATTERN, ButtonSpec, Guarded
from bot.ui.replies import NO_PINGS
from cogs.room import _text as text
from cogs.room._share import still_member
from cogs.room._views import gate, open_debrief

log = logging.getLogger(__name__)
OFFER_PATTERN = r"[A-Za-z0-9_-]{16}"


class DebriefButton(
    ButtonSpec,
    Guarded,
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=rf"alongside:room:debrief:(?P<value>{ID_PATTERN})",
):
    """Opens the debrief form from the DM sent when a meeting ends."""

    prefix = "alongside:room:debrief"
    label = "Debrief now"
    style = discord.ButtonStyle.primary

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        """Open the form for the clicker, in the server the button names."""
        guild_id = int(self.value)
        await still_member(interaction, guild_id)

        async def then(later: discord.Interaction[Any]) -> None:
            await open_debrief(later, guild_id)

        await gate(interaction, guild_id, then)


class PeerCheckInButton(
    ButtonSpec,
    Guarded,
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=rf"alongside:room:peer:(?P<value>{OFFER_PATTERN})",
):
    """The peer will check in: open a private conversation between the two."""

    prefix = "alongside:room:peer"
    label = "Check in with them"
    style = discord.ButtonStyle.primary

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        """Redeem the offer (only the named peer can) and connect the two."""
        bot = bot_of(interaction)
        guild_id, member_id = await bot.services.rooms.take_offer(
            str(self.value), interaction.user.id
        )
        where = await connect(interaction, guild_id, member_id)
        await interaction.response.edit_message(
            content=text.PEER_CONNECTED.format(where=where), view=None
        )


class PeerDeclineButton(
    ButtonSpec,
    Guarded,
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=rf"alongside:room:decline:(?P<value>{OFFER_PATTERN})",
):
    """The peer can't right now; the member is never told who declined."""

    prefix = "alongside:room:decline"
    label = "Not this time"

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        """Use up the offer quietly."""
        await bot_of(interaction).services.rooms.take_offer(str(self.value), interaction.user.id)
        await interaction.response.edit_message(content=text.PEER_DECLINED, view=None)


async def connect(interaction: discord.Interaction[Any], guild_id: int, member_id: int) -> str:
    """Open a private thread for the two (as buddies get), or point each to the other."""
    bot = bot_of(interaction)
    peer = await still_member(interaction, guild_id)
    member = f"<@{member_id}>"
    channel_id = await bot.services.settings.get(guild_id, PAIRING_CHANNEL)
    channel = peer.guild.get_channel(int(channel_id)) if channel_id else None
    for_peer = f"Send {member} a direct message when you can."
    for_member = "they'll be in touch by direct message."
    if isinstance(channel, discord.TextChannel):
        try:
            thread = await channel.create_thread(
                name="Checking in", type=discord.ChannelType.private_thread, invitable=False
            )
            await thread.add_user(discord.Object(member_id))
            await thread.add_user(peer)
            said = await thread.send(
                text.PEER_THREAD.format(peer=peer.mention, member=member),
                allowed_mentions=NO_PINGS,
            )
            await bot.services.member_data.remember_post(
                guild_id, (member_id, peer.id), "peer check-in thread", thread.id, said.id
            )
            for_peer = for_member = f"a private thread for you two is open: {thread.mention}."
        except discord.HTTPException:
            log.warning("Could not open a private thread for a peer check-in", exc_info=True)
    try:
        user = bot.get_user(member_id) or await bot.fetch_user(member_id)
        told = await user.send(
            text.PEER_TO_MEMBER.format(peer=peer.mention, where=for_member),
            allowed_mentions=NO_PINGS,
        )
        await bot.services.member_data.remember_post(
            guild_id, (peer.id,), "peer check-in", told.channel.id, told.id
        )
    except discord.HTTPException:
        log.info("Could not tell a member their peer is checking in (DMs closed or gone)")
    return for_peer


def debrief_view(guild_id: int) -> discord.ui.View:
    """The button under the DM sent when a meeting ends."""
    view = discord.ui.View(timeout=None)
    view.add_item(DebriefButton(guild_id))
    return view


def peer_view(token: str) -> discord.ui.View:
    """The two buttons under a peer's DM."""
    view = discord.ui.View(timeout=None)
    view.add_item(PeerCheckInButton(token))
    view.add_item(PeerDeclineButton(token))
    return view


DYNAMIC_ITEMS = (DebriefButton, PeerCheckInButton, PeerDeclineButton)
