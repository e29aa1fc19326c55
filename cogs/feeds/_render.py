"""How a feed post looks in Discord, and the Discord side of posting it."""

from __future__ import annotations

import logging
from typing import Literal

import discord

from bot.app.client import Alongside
from bot.feeds.models import Post
from bot.feeds.outbox import PostError
from bot.ui.permissions import missing_in, needs_for
from bot.ui.replies import NO_PINGS

log = logging.getLogger(__name__)

FEED_COLOUR = discord.Colour(0x3B7A57)
THREAD_ARCHIVE_MINUTES: Literal[10080] = 10080  # a week: blog discussions run slower than chat
THREAD_ALREADY_EXISTS = 160004
UNKNOWN_CHANNEL = 10003
HISTORY_LOOKBACK = 100  # one request; Discord forgets nonces after minutes, history stays


def render_post(post: Post) -> tuple[str | None, discord.Embed, discord.AllowedMentions]:
    """Return the message content, embed and the only mentions it may make."""
    lines = []
    if post.mention_role_id is not None:
        lines.append(f"<@&{post.mention_role_id}>")
    if post.content_note:
        lines.append(
            f"**Content note:** {post.content_note}. The summary is hidden; tap to show it."
        )
    embed = discord.Embed(
        title=post.title,
        url=post.url,
        description=post.description or None,
        timestamp=post.published,
        colour=FEED_COLOUR,
    )
    if post.author:
        embed.set_author(name=post.author)
    if post.image_url:
        embed.set_image(url=post.image_url)
    embed.set_footer(text=f"From {post.feed_title}")
    # The bot's default is no pings; only the role a moderator chose for this feed may be pinged.
    mentions = discord.AllowedMentions(
        everyone=False,
        users=False,
        replied_user=False,
        roles=[discord.Object(post.mention_role_id)] if post.mention_role_id else False,
    )
    return ("\n".join(lines) or None), embed, mentions


def _post_error(
    error: discord.HTTPException, what: str, missing: list[str] | None = None
) -> PostError:
    if isinstance(error, discord.Forbidden):
        # 50013 Missing Permissions or 50001 Missing Access: the channel refuses the feed until
        # a moderator gives the permission back, so the post waits rather than being dropped.
        if missing:
            reason = f"Alongside is missing {', '.join(missing)} in that channel"
        else:
            reason = f"Alongside isn't allowed to {what} in that channel"
        return PostError(reason, blocked=True)
    if isinstance(error, discord.NotFound):
        if error.code == UNKNOWN_CHANNEL:
            return PostError("the channel no longer exists", blocked=True)
        return PostError("the message no longer exists", permanent=True)
    permanent = 400 <= error.status < 500 and error.status != 429
    return PostError(f"Discord refused to {what} (HTTP {error.status})", permanent=permanent)


def unpingable(channel: discord.abc.GuildChannel, role: discord.Role) -> bool:
    """Whether a post in `channel` mentioning `role` would ping nobody."""
    return not role.mentionable and not channel.permissions_for(channel.guild.me).mention_everyone


class DiscordPoster:
    """Sends feed posts, threads and moderator notices for the feeds service."""

    def __init__(self, bot: Alongside) -> None:
        self._bot = bot
        self._warned: set[tuple[int, int]] = set()  # (channel, role) moderators heard about

    async def send_post(self, channel_id: int, post: Post, nonce: str) -> int:
        """Send with the outbox's nonce; discord.py sets enforce_nonce whenever a nonce is given."""
        content, embed, mentions = render_post(post)
        if post.mention_role_id is not None:
            await self._check_ping(channel_id, post.mention_role_id, post.feed_title)
        channel = self._bot.get_partial_messageable(channel_id)
        try:
            message = await channel.send(
                content=content, embed=embed, allowed_mentions=mentions, nonce=nonce
            )
        except discord.HTTPException as error:
            raise _post_error(error, "post", self._missing(channel_id)) from error
        return message.id

    async def find_post(self, channel_id: int, post: Post) -> int | None:
        """Look through the channel's recent messages for this post sent by the bot."""
        me = self._bot.user
        if me is None:
            return None
        channel = self._bot.get_partial_messageable(channel_id)
        try:
            async for message in channel.history(limit=HISTORY_LOOKBACK):
                if message.author.id != me.id or not message.embeds:
                    continue
                embed = message.embeds[0]
                if embed.title == post.title and embed.url == post.url:
                    return message.id
        except discord.HTTPException as error:
            raise _post_error(error, "read the channel") from error
        return None

    async def _text_channel(self, channel_id: int) -> discord.TextChannel:
        channel = self._bot.get_channel(channel_id)
        if channel is None:
            try:
                channel = await self._bot.fetch_channel(channel_id)
            except discord.HTTPException as error:
                raise _post_error(error, "find the channel") from error
        if not isinstance(channel, discord.TextChannel):
            raise PostError("the channel is not a text channel any more", permanent=True)
        return channel

    async def open_thread(self, channel_id: int, message_id: int, post: Post) -> None:
        """Open the discussion thread under the post and ask its reflective question."""
        channel = await self._text_channel(channel_id)
        try:
            thread = await channel.create_thread(
                name=post.thread_name,
                message=discord.Object(message_id),
                auto_archive_duration=THREAD_ARCHIVE_MINUTES,
            )
            target: discord.abc.Messageable = thread
        except discord.HTTPException as error:
            if error.code != THREAD_ALREADY_EXISTS:
                raise _post_error(error, "open a thread", self._missing(channel_id)) from error
            # An earlier attempt opened it before the bot stopped, perhaps without asking the
            # question; a thread started from a message shares the message's id.
            target = self._bot.get_partial_messageable(message_id, guild_id=channel.guild.id)
            if await self._asked(target, post.question):
                return
        try:
            await target.send(post.question, allowed_mentions=NO_PINGS)
        except discord.HTTPException as error:
            raise _post_error(
                error, "ask the question in the thread", self._missing(channel_id)
            ) from error

    def _missing(self, channel_id: int) -> list[str]:
        """Name, in Discord's words, what Alongside lacks in the feed's channel (if known)."""
        channel = self._bot.get_channel(channel_id)
        if not isinstance(channel, discord.abc.GuildChannel):
            return []
        return missing_in(channel, needs_for("feed channels"))

    async def _asked(self, thread: discord.abc.Messageable, question: str) -> bool:
        """Whether the bot already asked this question in the thread."""
        me = self._bot.user
        try:
            async for message in thread.history(limit=10):
                if me is not None and message.author.id == me.id and message.content == question:
                    return True
        except discord.HTTPException as error:
            raise _post_error(error, "read the thread") from error
        return False

    async def _check_ping(self, channel_id: int, role_id: int, feed_title: str) -> None:
        """Tell moderators once if the feed's role stopped being mentionable (it pings nobody)."""
        channel = self._bot.get_channel(channel_id)
        if (
            not isinstance(channel, discord.abc.GuildChannel)
            or (channel_id, role_id) in self._warned
        ):
            return
        role = channel.guild.get_role(role_id)
        if role is None or not unpingable(channel, role):
            return
        self._warned.add((channel_id, role_id))
        mod_channel = await self._bot.services.settings.get(channel.guild.id, "mod_channel")
        log.warning("Feed posts in channel %s can't ping role %s", channel_id, role_id)
        if mod_channel is not None:
            await self.send_notice(
                int(mod_channel),
                f"Posts from **{discord.utils.escape_markdown(feed_title)}** in "
                f"{channel.mention} mention {role.mention}, but that role isn't mentionable any "
                "more, so nobody is pinged. Turn on “Allow anyone to @mention this role” in "
                "Server Settings → Roles to ping them again.",
            )

    async def send_notice(self, channel_id: int, text: str) -> bool:
        """Post a notice in the moderators' channel; say whether it arrived."""
        try:
            await self._bot.get_partial_messageable(channel_id).send(
                text, allowed_mentions=NO_PINGS
            )
        except discord.HTTPException:
            log.warning("Could not tell moderators in channel %s about a feed", channel_id)
            return False
        return True
