"""Support requests in Discord: the post, the "I'll reach out" button and telling the asker."""

from __future__ import annotations

from typing import Any

import discord

from bot.app.client import Alongside
from bot.checkins.reach import LEFT
from bot.checkins.settings import REQUEST_TIMEOUT, SUPPORT_CHANNEL
from bot.core.errors import UserFacingError
from bot.db.checkin_requests import RequestRow
from bot.ui.components import ID_PATTERN, ButtonSpec, Guarded
from bot.ui.membership import ensure_member_here
from bot.ui.replies import NO_PINGS, send_private
from cogs.checkin import _text as text
from cogs.checkin._alerts import alerter_of
from cogs.checkin._common import (
    bot_of,
    checkins_of,
    display_name,
    edit_post,
    guild_name,
)
from cogs.checkin._reach import deliver_dm
from cogs.support import support_embed

ASKER_LEFT = (
    "Thank you for offering. The person who asked is no longer in this server, so the "
    "request has closed."
)


class ReachOutButton(
    ButtonSpec,
    Guarded,
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=rf"alongside:checkin:reach:(?P<value>{ID_PATTERN})",
):
    """ "I'll reach out" on a posted request; works across restarts."""

    prefix = "alongside:checkin:reach"
    label = "I'll reach out"
    style = discord.ButtonStyle.primary

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        """Let an available peer (never the asker) take the request."""
        await take_request(interaction, int(self.value))


class AlertButton(
    ButtonSpec,
    Guarded,
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=rf"alongside:checkin:alert:(?P<value>{ID_PATTERN})",
):
    """ "I'll reach out" on a request's DM to an available member; works across restarts."""

    prefix = "alongside:checkin:alert"
    label = "I'll reach out"
    style = discord.ButtonStyle.primary

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        """Let a member the request was sent to take it, if nobody has yet."""
        await claim_from_dm(interaction, int(self.value))


async def support_channel(bot: Alongside, guild_id: int) -> discord.TextChannel | None:
    """Return the configured peer-support channel, if it still exists."""
    channel_id = await bot.services.settings.get(guild_id, SUPPORT_CHANNEL)
    channel = bot.get_channel(channel_id) if channel_id else None
    return channel if isinstance(channel, discord.TextChannel) else None


async def post_request(interaction: discord.Interaction, guild_id: int) -> None:
    """Post the member's request (they agreed to share their name) and tell them it's out."""
    bot = bot_of(interaction)
    checkins = checkins_of(interaction)
    # Offered after a check-in from a DM: the asker may have been removed since.
    await ensure_member_here(interaction, guild_id)
    channel = await support_channel(bot, guild_id)
    if channel is None:
        raise UserFacingError(text.ASK_NO_CHANNEL)
    request = await checkins.requests.open(guild_id, interaction.user.id, channel.id)
    clicked = interaction.type is discord.InteractionType.component
    if clicked and not interaction.response.is_done():
        # Acknowledge before posting: Discord's 3 s include the post's round trip.
        await interaction.response.defer()
    asker = f"{interaction.user.mention} ({display_name(interaction.user)})"
    view = discord.ui.View(timeout=None)
    view.add_item(ReachOutButton(request.id))
    content = text.REQUEST_POST.format(
        asker=asker, closes=discord.utils.format_dt(request.expires_at, "R")
    )
    try:
        message = await channel.send(content, view=view, allowed_mentions=NO_PINGS)
    except discord.HTTPException:
        await checkins.requests.cancel(guild_id, interaction.user.id)
        raise UserFacingError(
            "Alongside couldn't post in the peer-support channel, so nothing was sent. "
            "Please let a moderator know; `/support` lists helplines meanwhile."
        ) from None
    await checkins.requests.posted(request.id, message.id)
    told = await alerter_of(bot).tell_available(request, asker, AlertButton(request.id))
    hours = await bot.services.settings.get(guild_id, REQUEST_TIMEOUT)
    # Nobody could be told: say so now, with helplines, rather than after the request times out.
    helplines = None if told else await support_embed(bot, guild_id)
    reply = (text.ASK_POSTED if told else text.ASK_NOBODY).format(
        channel=channel.mention, hours=hours
    )
    if clicked:
        await interaction.edit_original_response(content=reply, embed=helplines, view=None)
    elif helplines is not None:
        await send_private(interaction, reply, embeds=[helplines])
    else:
        await send_private(interaction, reply)


async def take_request(interaction: discord.Interaction, request_id: int) -> None:
    """Mark the request taken by the clicker, update the post and tell both people."""
    bot = bot_of(interaction)
    checkins = checkins_of(interaction)
    waiting = await checkins.requests.get(request_id)
    if (
        waiting is not None
        and waiting.status == "open"
        and not await bot.membership.is_member(waiting.guild_id, waiting.asker_id, fresh=True)
    ):
        # Nobody reaches out to someone who has left: the request closes here and now.
        await checkins.reach.hold(waiting.guild_id, waiting.asker_id, LEFT)
        await checkins.requests.cancel(waiting.guild_id, waiting.asker_id)
        await interaction.response.edit_message(
            content=text.REQUEST_CLOSED_POST, view=None, allowed_mentions=NO_PINGS
        )
        await send_private(interaction, ASKER_LEFT)
        return
    request = await checkins.requests.take(request_id, interaction.user.id)
    asker = f"<@{request.asker_id}>"
    helper = f"{interaction.user.mention} ({display_name(interaction.user)})"
    await interaction.response.edit_message(
        content=text.REQUEST_TAKEN_POST.format(asker=asker, helper=helper),
        view=None,
        allowed_mentions=NO_PINGS,
    )
    if interaction.message is not None:  # the post now names the helper too
        await bot.services.member_data.remember_post(
            request.guild_id,
            (interaction.user.id,),
            "support request taken",
            interaction.message.channel.id,
            interaction.message.id,
        )
    await send_private(interaction, text.HELPER_THANKS.format(asker=asker))
    await tell_outcome(bot, request, helper_name=helper)
    await alerter_of(bot).settle()


async def claim_from_dm(interaction: discord.Interaction, request_id: int) -> None:
    """Take the request from its DM, update the channel post and the other DMs, tell the asker."""
    bot = bot_of(interaction)
    checkins = checkins_of(interaction)
    alerter = alerter_of(bot)
    found = await checkins.requests.get(request_id)
    if found is not None and not await alerter.still_member(found.guild_id, interaction.user.id):
        raise UserFacingError(text.NOT_A_MEMBER)
    request = await checkins.alerts.claim(request_id, interaction.user.id)
    asker = f"<@{request.asker_id}>"
    helper = f"{interaction.user.mention} ({display_name(interaction.user)})"
    await interaction.response.edit_message(
        content=text.HELPER_THANKS.format(asker=asker), view=None, allowed_mentions=NO_PINGS
    )
    if request.channel_id is not None and request.message_id is not None:
        await edit_post(
            bot,
            request.channel_id,
            request.message_id,
            text.REQUEST_TAKEN_POST.format(asker=asker, helper=helper),
        )
        await bot.services.member_data.remember_post(
            request.guild_id,
            (interaction.user.id,),
            "support request taken",
            request.channel_id,
            request.message_id,
        )
    await tell_outcome(bot, request, helper_name=helper)
    await alerter.settle()


async def tell_outcome(bot: Alongside, request: RequestRow, *, helper_name: str = "") -> None:
    """Tell the asker who is reaching out, or kindly that nobody could, with helplines."""
    checkins = bot.services.checkins
    guild = await guild_name(bot, request.guild_id)
    if request.status == "taken" and request.taken_by is not None:
        helper = helper_name or f"<@{request.taken_by}>"
        told = await deliver_dm(
            bot,
            request.guild_id,
            request.asker_id,
            text.ASKER_TAKEN.format(helper=helper, guild=guild),
        )
        if told is not None:  # it names the helper: it goes if they erase their data
            await bot.services.member_data.remember_post(
                request.guild_id,
                (request.taken_by,),
                "support request taken",
                told.channel.id,
                told.id,
            )
    elif request.status == "expired":
        if request.channel_id is not None and request.message_id is not None:
            await edit_post(bot, request.channel_id, request.message_id, text.REQUEST_CLOSED_POST)
        await deliver_dm(
            bot,
            request.guild_id,
            request.asker_id,
            text.ASKER_EXPIRED.format(guild=guild),
            embed=await support_embed(bot, request.guild_id),
        )
    await checkins.requests.told(request.id)
