"""The prompt service's view of Discord: each method is one request, errors sorted by meaning."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Literal

import aiohttp
import discord

from bot.prompts.delivery import (
    DeliveryError,
    Outgoing,
    RecipientClosed,
    SendingTooFast,
    TargetGone,
    TemporaryFailure,
)
from bot.ui.membership import unreachable_reason
from bot.ui.replies import NO_PINGS
from cogs.reflect._render import CHANNEL_FOOTER, DM_FOOTER, notice_line, prompt_embed
from cogs.reflect._views import channel_view, dm_view

if TYPE_CHECKING:
    from bot.app.client import Alongside

OPENING_DMS_TOO_FAST = 40003
THREAD_ALREADY_EXISTS = 160004
THREAD_ARCHIVE_MINUTES: Literal[10080] = (
    10080  # a week, so weekly prompts stay open until the next one
)


def classify(error: discord.HTTPException) -> DeliveryError:
    """Turn Discord's answer into what the service should do about it."""
    detail = f"{error.status}/{error.code}: {error.text[:120]}"
    reason = unreachable_reason(error)
    if reason is not None:  # 50007 closed DMs, 50278 no server in common
        return RecipientClosed(detail, reason)
    if error.code == OPENING_DMS_TOO_FAST or error.status == 429:
        return SendingTooFast(detail)
    if isinstance(error, discord.NotFound | discord.Forbidden):
        return TargetGone(detail)
    return TemporaryFailure(detail)


class DiscordSender:
    """Sends prompts for the service; every call is one REST request, paced by the service."""

    def __init__(self, bot: Alongside) -> None:
        self.bot = bot

    async def still_member(
        self, guild_id: int, user_id: int, before_request: Callable[[], Awaitable[None]]
    ) -> bool:
        """Say whether the member is still in the server, as far as Alongside already knows.

        A fan-out asks Discord nothing extra: one membership request per member would share
        one per-server rate-limit bucket and slow every prompt down. Someone known to have left
        (from a reminder, a round, a click) is skipped; someone who shares no server with
        Alongside any more is refused by Discord itself (50278), which pauses them just the same.
        """
        return self.bot.membership.known(guild_id, user_id) is not False

    async def open_dm(self, user_id: int) -> int:
        """Open (or find) the DM channel with a member."""
        try:
            channel = await self.bot.create_dm(discord.Object(user_id))
        except discord.HTTPException as error:
            raise classify(error) from error
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            raise TemporaryFailure(repr(error)) from error
        return channel.id

    async def send_dm(self, channel_id: int, outgoing: Outgoing) -> int:
        """Send a prompt by DM, with the row's nonce so a resend is deduplicated."""
        drawn = self.bot.services.prompts.describe(outgoing.prompt)
        guild = self.bot.get_guild(outgoing.guild_id)
        where = f"A reflective prompt from **{guild.name}**" if guild else "A reflective prompt"
        note = notice_line(drawn)
        content = f"{where}. {note}" if note else f"{where}."
        channel = self.bot.get_partial_messageable(channel_id, type=discord.ChannelType.private)
        try:
            message = await channel.send(
                content,
                embed=prompt_embed(drawn, DM_FOOTER),
                view=dm_view(outgoing.delivery_id),
                nonce=outgoing.nonce,
                allowed_mentions=NO_PINGS,
            )
        except discord.HTTPException as error:
            raise classify(error) from error
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            raise TemporaryFailure(repr(error)) from error
        return message.id

    async def post_prompt(self, channel_id: int, outgoing: Outgoing) -> int:
        """Post a prompt in a server channel, with its buttons."""
        drawn = self.bot.services.prompts.describe(outgoing.prompt)
        channel = self.bot.get_partial_messageable(
            channel_id, guild_id=outgoing.guild_id, type=discord.ChannelType.text
        )
        try:
            message = await channel.send(
                notice_line(drawn),
                embed=prompt_embed(drawn, CHANNEL_FOOTER),
                view=channel_view(outgoing.delivery_id, thread=outgoing.thread),
                nonce=outgoing.nonce,
                allowed_mentions=NO_PINGS,
            )
        except discord.HTTPException as error:
            raise classify(error) from error
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            raise TemporaryFailure(repr(error)) from error
        return message.id

    async def start_thread(self, channel_id: int, message_id: int, name: str) -> int:
        """Start the prompt's thread; a thread already started (after a crash) is reused."""
        channel = self.bot.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel):
            raise TargetGone(f"channel {channel_id} is not a text channel the bot can see")
        try:
            thread = await channel.get_partial_message(message_id).create_thread(
                name=name, auto_archive_duration=THREAD_ARCHIVE_MINUTES
            )
        except discord.HTTPException as error:
            if error.code == THREAD_ALREADY_EXISTS:
                return message_id  # a thread started from a message shares its id
            raise classify(error) from error
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            raise TemporaryFailure(repr(error)) from error
        return thread.id

    async def post_notice(self, channel_id: int, text: str, nonce: str) -> int:
        """Tell moderators something in their channel."""
        channel = self.bot.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            raise TargetGone(f"channel {channel_id} is not one the bot can post in")
        try:
            message = await channel.send(text, nonce=nonce, allowed_mentions=NO_PINGS)
        except discord.HTTPException as error:
            raise classify(error) from error
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            raise TemporaryFailure(repr(error)) from error
        return message.id
