"""`/mod feeds …`: moderators add and look after the blogs Alongside posts."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import Alongside
from bot.core.errors import UserFacingError
from bot.core.scheduler import Scheduler
from bot.core.text import as_words, as_words_within, clip, fold
from bot.db.feeds import FeedRow
from bot.feeds.select import parse_words
from bot.feeds.service import FeedHealth
from bot.ui.moderation import ModeratorGroup
from bot.ui.paging import chunk_lines, send_pages
from bot.ui.permissions import missing_in, needs_for
from bot.ui.refusals import NotInServer
from bot.ui.replies import send_private
from cogs.feeds._render import DiscordPoster, render_post, unpingable

log = logging.getLogger(__name__)

TICK_JOB = "feeds:tick"
TICK_SECONDS = 60
STATUS_WORDS = {
    "ok": "working",
    "paused": "paused",
    "retrying": "retrying",
    "failing": "failing",
}


def _guild(interaction: discord.Interaction) -> discord.Guild:
    if interaction.guild is None:
        raise NotInServer()
    return interaction.guild


def _when(moment: datetime | None) -> str:
    return discord.utils.format_dt(moment, "R") if moment is not None else "never"


def describe(health: FeedHealth) -> str:
    """Render one feed for `/mod feeds list`."""
    feed = health.feed
    lines = [
        f"**#{feed.id} · {discord.utils.escape_markdown(feed.title or feed.url)}** — "
        f"{STATUS_WORDS[health.status]}",
        f"<{feed.url}> → <#{feed.channel_id}> · every {feed.interval_minutes} min",
        f"Last checked {_when(feed.last_fetch_at)} · last new piece {_when(feed.last_new_item_at)}"
        + ("" if feed.paused else f" · next check {_when(feed.next_poll_at)}"),
    ]
    if feed.include_words or feed.exclude_words:
        parts = []
        if feed.include_words:
            parts.append("only pieces mentioning " + as_words(", ".join(feed.include_words)))
        if feed.exclude_words:
            parts.append("never pieces mentioning " + as_words(", ".join(feed.exclude_words)))
        lines.append("Filters: " + "; ".join(parts))
    if health.not_delivering:
        lines.append(
            "Not delivering: "
            + discord.utils.escape_markdown(health.not_delivering)
            + " New pieces wait and are posted, in order, once that's put right."
        )
    if feed.consecutive_failures:
        lines.append(
            f"Failed {feed.consecutive_failures} times in a row. Last problem: "
            f"{discord.utils.escape_markdown(feed.last_error)}"
        )
    return "\n".join(lines)


class FeedsGroup(ModeratorGroup):
    """`/mod feeds`: add, list, pause and check the blogs Alongside posts."""

    def __init__(self, bot: Alongside, poster: DiscordPoster) -> None:
        super().__init__(name="feeds", description="Blog feeds Alongside posts in channels")
        self.bot = bot
        self.poster = poster

    async def _audit(
        self, interaction: discord.Interaction, action: str, target: str, detail: str = ""
    ) -> None:
        services = self.bot.services
        await services.audit.record(
            _guild(interaction).id,
            interaction.user.id,
            action,
            target,
            detail,
            services.clock.now(),
        )

    @app_commands.command(name="add", description="Post new pieces from a blog feed in a channel")
    @app_commands.describe(
        url="The feed's address (RSS, Atom or JSON Feed)",
        channel="Where new pieces are posted",
        interval="Minutes between checks (5 to 1440; 15 if not given)",
        mention_role="A role to ping with each new piece (nobody is pinged if not given)",
        content_note="auto: note pieces on sensitive topics; always; or never",
        backfill="How many of the newest existing pieces to post now (0 to 10; none if not given)",
        include="Only post pieces mentioning one of these words (comma-separated)",
        exclude="Never post pieces mentioning one of these words (comma-separated)",
    )
    async def add(
        self,
        interaction: discord.Interaction,
        url: app_commands.Range[str, 1, 2000],
        channel: discord.TextChannel,
        interval: app_commands.Range[int, 5, 1440] = 15,
        mention_role: discord.Role | None = None,
        content_note: Literal["auto", "always", "never"] = "auto",
        backfill: app_commands.Range[int, 0, 10] = 0,
        include: app_commands.Range[str, 1, 500] | None = None,
        exclude: app_commands.Range[str, 1, 500] | None = None,
    ) -> None:
        """Check the feed, remember what it already shows, and post only what comes next."""
        guild = _guild(interaction)
        if mention_role is not None and mention_role.is_default():
            raise UserFacingError(
                "Feeds can't ping @everyone. Pick a role people chose to join instead."
            )
        me = guild.me
        if me is not None:
            if mention_role is not None and unpingable(channel, mention_role):
                raise UserFacingError(
                    f"Discord won't let Alongside ping {mention_role.mention}: the role isn't "
                    "mentionable, so each post would ping nobody. Turn on “Allow anyone to "
                    "@mention this role” in Server Settings → Roles, then add the feed again."
                )
            missing = missing_in(channel, needs_for("feed channels"))
            if missing:
                readable = ", ".join(missing)
                raise UserFacingError(
                    f"Alongside needs these permissions in {channel.mention} first: {readable}."
                )
        include_words, exclude_words = parse_words(include), parse_words(exclude)
        await interaction.response.defer(ephemeral=True, thinking=True)
        feeds = self.bot.services.feeds
        added = await feeds.add(
            guild_id=guild.id,
            actor_id=interaction.user.id,
            url=url,
            channel_id=channel.id,
            interval_minutes=interval,
            mention_role_id=mention_role.id if mention_role else None,
            content_note_mode=content_note,
            backfill=backfill,
            include=include_words,
            exclude=exclude_words,
        )
        await self._audit(interaction, "feeds.add", f"#{added.feed_id}", clip(url, 300))
        if added.backfilled:
            await feeds.deliver(self.poster)
        title = discord.utils.escape_markdown(added.title)
        backfilled = (
            f" {added.backfilled} of the newest are being posted now."
            if added.backfilled
            else " Nothing already there will be posted."
        )
        await send_private(
            interaction,
            f"Added **{title}** (feed #{added.feed_id}). It has {added.item_count} pieces; "
            f"new ones will appear in {channel.mention}, checked every {interval} minutes."
            f"{backfilled}",
        )

    @app_commands.command(name="list", description="Every feed with its health and next check")
    async def list_feeds(self, interaction: discord.Interaction) -> None:
        """Show each feed: channel, status, last check, last new piece, failures, next check."""
        guild = _guild(interaction)
        found = await self.bot.services.feeds.health(guild.id)
        if not found:
            await send_private(
                interaction, "This server has no feeds yet. `/mod feeds add` adds one."
            )
            return
        lines = [describe(health) for health in found]
        pages = [
            discord.Embed(title=f"Feeds ({len(found)})", description="\n\n".join(chunk))
            for chunk in chunk_lines(lines, limit=3500, per_page=6)
        ]
        await send_pages(interaction, pages)

    @app_commands.command(name="remove", description="Stop a feed and forget it")
    @app_commands.describe(feed="The feed to remove")
    async def remove(self, interaction: discord.Interaction, feed: int) -> None:
        """Remove a feed; posts already made stay."""
        guild = _guild(interaction)
        removed = await self.bot.services.feeds.remove(guild.id, feed)
        await self._audit(interaction, "feeds.remove", f"#{feed}", clip(removed.url, 300))
        await send_private(
            interaction,
            f"Removed **{discord.utils.escape_markdown(removed.title)}** (feed #{feed}). "
            "Posts it already made stay where they are.",
        )

    @app_commands.command(name="pause", description="Stop checking a feed for now")
    @app_commands.describe(feed="The feed to pause")
    async def pause(self, interaction: discord.Interaction, feed: int) -> None:
        """Pause a feed until it is resumed."""
        guild = _guild(interaction)
        paused = await self.bot.services.feeds.set_paused(guild.id, feed, True)
        await self._audit(interaction, "feeds.pause", f"#{feed}")
        await send_private(
            interaction,
            f"Paused **{discord.utils.escape_markdown(paused.title)}** (feed #{feed}). "
            "`/mod feeds resume` starts it again.",
        )

    @app_commands.command(name="resume", description="Start checking a paused feed again")
    @app_commands.describe(feed="The feed to resume")
    async def resume(self, interaction: discord.Interaction, feed: int) -> None:
        """Resume a feed; it is checked within a minute."""
        guild = _guild(interaction)
        resumed = await self.bot.services.feeds.set_paused(guild.id, feed, False)
        await self._audit(interaction, "feeds.resume", f"#{feed}")
        await send_private(
            interaction,
            f"Resumed **{discord.utils.escape_markdown(resumed.title)}** (feed #{feed}). "
            "It will be checked within a minute.",
        )

    @app_commands.command(name="test", description="Preview a feed privately; nothing is posted")
    @app_commands.describe(url="The feed's address")
    async def test(
        self, interaction: discord.Interaction, url: app_commands.Range[str, 1, 2000]
    ) -> None:
        """Fetch a feed and show, only to you, how its newest piece would look."""
        _guild(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        preview = await self.bot.services.feeds.preview(url)
        title = discord.utils.escape_markdown(preview.feed_title)
        if preview.post is None:
            await send_private(
                interaction,
                f"**{title}** is a working {preview.format} feed with no pieces in it yet.",
            )
            return
        content, embed, _ = render_post(preview.post)
        intro = (
            f"**{title}** is a working {preview.format} feed with {preview.item_count} pieces. "
            "This is how the newest would look; nothing was posted."
        )
        note = f"\n{content}" if content else ""
        await send_private(interaction, intro + note, embed=embed)

    @app_commands.command(name="post-latest", description="Post a feed's newest piece now")
    @app_commands.describe(feed="The feed whose newest piece to post")
    async def post_latest(self, interaction: discord.Interaction, feed: int) -> None:
        """Post the newest piece now, to check how posts look (it may repeat one)."""
        guild = _guild(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        row = await self.bot.services.feeds.owned(guild.id, feed)
        await self.bot.services.feeds.post_latest(guild.id, feed, self.poster)
        await self._audit(interaction, "feeds.post-latest", f"#{feed}")
        await send_private(interaction, f"Posted the newest piece in <#{row.channel_id}>.")

    @app_commands.command(name="filters", description="See or change a feed's keyword filters")
    @app_commands.describe(
        feed="The feed to filter",
        include="Only post pieces mentioning one of these (comma-separated; `none` clears)",
        exclude="Never post pieces mentioning one of these (comma-separated; `none` clears)",
    )
    async def filters(
        self,
        interaction: discord.Interaction,
        feed: int,
        include: app_commands.Range[str, 1, 500] | None = None,
        exclude: app_commands.Range[str, 1, 500] | None = None,
    ) -> None:
        """Set the words a piece must, or must not, mention in its title or summary."""
        guild = _guild(interaction)
        feeds = self.bot.services.feeds
        current = await feeds.owned(guild.id, feed)
        if include is not None or exclude is not None:
            new_include = parse_words(include) if include is not None else current.include_words
            new_exclude = parse_words(exclude) if exclude is not None else current.exclude_words
            current = await feeds.set_filters(guild.id, feed, new_include, new_exclude)
            await self._audit(
                interaction,
                "feeds.filters",
                f"#{feed}",
                f"include: {', '.join(new_include) or '-'}; "
                f"exclude: {', '.join(new_exclude) or '-'}",
            )
        await send_private(interaction, filters_reply(feed, current))

    @remove.autocomplete("feed")
    @pause.autocomplete("feed")
    @resume.autocomplete("feed")
    @post_latest.autocomplete("feed")
    @filters.autocomplete("feed")
    async def feed_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[int]]:
        """Offer this server's feeds by title, channel and address, matching any of them."""
        if interaction.guild_id is None:
            return []
        needle = fold(current.strip())
        choices = []
        for health in await self.bot.services.feeds.health(interaction.guild_id):
            feed = health.feed
            channel = interaction.guild.get_channel(feed.channel_id) if interaction.guild else None
            where = f"#{channel.name}" if channel is not None else "a removed channel"
            if needle in fold(f"{feed.title} {where} {feed.url} {feed.id}"):
                choices.append(app_commands.Choice(name=feed_label(feed, where), value=feed.id))
        return choices[:25]


def filters_reply(feed_id: int, feed: FeedRow) -> str:
    """Say what a feed posts; escaped words can double in length, so each list is clipped."""
    include = as_words_within(", ".join(feed.include_words) or "anything", 900)
    exclude = as_words_within(", ".join(feed.exclude_words) or "nothing", 900)
    return f"Feed #{feed_id} posts pieces mentioning {include}, except those mentioning {exclude}."


def feed_label(feed: FeedRow, where: str) -> str:
    """Name a feed in at most 100 characters: title, channel, then as much address as fits."""
    title = clip(" ".join((feed.title or "Untitled").split()), 40)
    head = f"{title} · {clip(where, 30)} · "
    address = feed.url.removeprefix("https://").removeprefix("http://").removeprefix("www.")
    room = 100 - len(head)
    if len(address) > room:
        # Keep the start (the site) and the end (what tells two feeds of one site apart).
        front = room // 2
        address = address[: front - 1] + "…" + address[len(address) - (room - front) :]
    return head + address


class Feeds(commands.Cog):
    """Adds `/mod feeds` and the job that checks due feeds every minute."""

    def __init__(self, bot: Alongside) -> None:
        self.bot = bot
        self.poster = DiscordPoster(bot)
        self.group = FeedsGroup(bot, self.poster)

    async def cog_load(self) -> None:
        """Attach the commands and schedule the check for due feeds."""
        self.bot.mod_root.add_command(self.group)
        self.bot.services.scheduler.on_rebuild(self._schedule)

    async def cog_unload(self) -> None:
        """Detach the commands, stop the job and close network connections."""
        self.bot.mod_root.remove_command("feeds")
        self.bot.services.scheduler.remove(TICK_JOB)
        await self.bot.services.feeds.close()

    async def _schedule(self, scheduler: Scheduler) -> None:
        # Each feed's own interval and backoff live in the database; this only looks for due ones.
        scheduler.every(TICK_JOB, TICK_SECONDS, self.tick, jitter=5)

    async def tick(self) -> None:
        """Poll the due feeds and deliver queued posts (only once connected to Discord)."""
        if not self.bot.is_ready():
            return
        report = await self.bot.services.feeds.run_due(self.poster)
        if report.polled or report.sent:
            log.info(
                "Feeds: polled %d (%d unchanged, %d failed), posted %d",
                report.polled,
                report.not_modified,
                report.failed,
                report.sent,
            )
