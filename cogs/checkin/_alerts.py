"""Support requests by DM: tell a few available members, then update their DMs when it ends."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import discord

from bot.app.client import Alongside
from bot.checkins.alerts import MAX_ALERTS
from bot.db.checkin_requests import RequestRow
from cogs.checkin import _text as text
from cogs.checkin._common import edit_post, guild_name, send_dm

log = logging.getLogger(__name__)

# (guild id, user id) -> is this person still in the server? The single hook for a membership
# helper: until one is wired in, everyone counts as a member.
MembershipCheck = Callable[[int, int], Awaitable[bool]]


async def always_member(guild_id: int, user_id: int) -> bool:
    """Count everyone as a member (the default until a membership helper is wired in)."""
    return True


class Alerter:
    """Sends request DMs with an "I'll reach out" button and updates them afterwards."""

    def __init__(self, bot: Alongside, still_member: MembershipCheck = always_member) -> None:
        self.bot = bot
        self.still_member = still_member

    async def tell_available(
        self, request: RequestRow, asker: str, button: discord.ui.Item[Any]
    ) -> int:
        """DM up to MAX_ALERTS available members, skipping closed DMs; return how many heard."""
        alerts = self.bot.services.checkins.alerts
        content = text.REQUEST_DM.format(
            asker=asker,
            guild=await guild_name(self.bot, request.guild_id),
            closes=discord.utils.format_dt(request.expires_at, "R"),
        )
        told = 0
        for user_id in await alerts.choose(request):
            if told >= MAX_ALERTS:
                break
            if not await self.still_member(request.guild_id, user_id):
                continue
            view = discord.ui.View(timeout=None)
            view.add_item(button)
            message = await send_dm(self.bot, user_id, content, view=view)
            if message is None:  # DMs closed (50007), no mutual server (50278), gone: skip
                continue
            await alerts.record(request, user_id, message.channel.id, message.id)
            # It names the asker, before and after it is settled: it goes if they erase.
            await self.bot.services.member_data.remember_post(
                request.guild_id,
                (request.asker_id,),
                "support request",
                message.channel.id,
                message.id,
            )
            told += 1
        log.info("Support request: told %d available members by DM", told)
        return told

    async def settle(self) -> None:
        """Update every DM whose request was taken, expired or withdrawn, then forget it."""
        alerts = self.bot.services.checkins.alerts
        for alert, status in await alerts.settled():
            if status == "taken":
                request = await self.bot.services.checkins.requests.get(alert.request_id)
                asker = f"<@{request.asker_id}>" if request else "them"
                own = request is not None and request.taken_by == alert.helper_id
                content = (text.REQUEST_DM_YOURS if own else text.REQUEST_DM_TAKEN).format(
                    asker=asker
                )
            else:
                content = text.REQUEST_DM_CLOSED
            await edit_post(self.bot, alert.channel_id, alert.message_id, content)
            await alerts.forget(alert)


def alerter_of(bot: Alongside) -> Alerter:
    """Return the check-ins cog's alerter (with its membership hook), or a default one."""
    found = getattr(bot.get_cog("Checkins"), "alerter", None)
    return found if isinstance(found, Alerter) else Alerter(bot)
