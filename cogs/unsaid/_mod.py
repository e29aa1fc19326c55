"""`/mod unsaid settings|blocks|unblock`: checked in the bot by ModeratorGroup."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands

from bot.app.client import Alongside
from bot.core.errors import UserFacingError
from bot.settings.registry import format_value
from bot.ui.moderation import ModeratorGroup, is_moderator
from bot.ui.paging import chunk_lines, send_pages
from bot.ui.permissions import missing_in, needs_for
from bot.ui.refusals import NotInServer
from bot.ui.replies import send_private
from bot.unsaid.settings import MIN_DELAY, MIN_SPREAD

NUMBERS = re.compile(r"\d+")
DELAY_RANGE = (1, 120)


def parse_delay(text: str) -> tuple[int, int]:
    """Read "2-10" (or "5") as a range of minutes, or explain how to write one."""
    numbers = [int(n) for n in NUMBERS.findall(text)]
    low, high = DELAY_RANGE
    if len(numbers) not in (1, 2) or any(not low <= n <= high for n in numbers):
        raise UserFacingError(
            f"delay needs minutes like `2-10` (a random wait between the two), each from "
            f"{low} to {high}."
        )
    first, last = sorted((numbers[0], numbers[-1]))
    if first < MIN_DELAY or last - first < MIN_SPREAD:
        raise UserFacingError(
            f"The wait needs to stay random so that nobody can tell when a post was written: "
            f"please give a range starting at {MIN_DELAY} minutes or more, with at least "
            f"{MIN_SPREAD} minutes between the two numbers, e.g. `2-10` or `5-20`."
        )
    return first, last


class UnsaidModGroup(ModeratorGroup):
    """`/mod unsaid`: settings and blocks. Nothing here can reveal an author."""

    def __init__(self, bot: Alongside) -> None:
        super().__init__(name="unsaid", description="Settings and blocks for Unsaid")
        self.bot = bot

    @app_commands.command(name="settings", description="See or change how Unsaid works here")
    @app_commands.describe(
        review="Moderators approve each submission before it is posted",
        channel="Where Unsaid posts appear",
        review_channel="Where moderators review submissions (the mod channel if not set)",
        daily_limit="How many times a day each person can share, and reply (1 to 20)",
        delay="Without review, the random wait before posting, in minutes, e.g. 2-10",
        batch_minutes="How often submissions reach moderators, together (5 to 240)",
        hold_links="Hold submissions with links or invites for review even when review is off",
    )
    async def settings(
        self,
        interaction: discord.Interaction,
        review: bool | None = None,
        channel: discord.TextChannel | None = None,
        review_channel: discord.TextChannel | None = None,
        daily_limit: app_commands.Range[int, 1, 20] | None = None,
        delay: str | None = None,
        batch_minutes: app_commands.Range[int, 5, 240] | None = None,
        hold_links: bool | None = None,
    ) -> None:
        """Change any settings given, then show them all with anything that needs attention."""
        guild = interaction.guild
        if guild is None:
            raise NotInServer()
        services = self.bot.services
        changes: dict[str, Any] = {}
        if review is not None:
            changes["unsaid_review"] = review
        if channel is not None:
            changes["unsaid_channel"] = channel.id
        if review_channel is not None:
            changes["unsaid_review_channel"] = review_channel.id
        if daily_limit is not None:
            changes["unsaid_daily_limit"] = daily_limit
        if delay is not None:
            changes["unsaid_delay_min"], changes["unsaid_delay_max"] = parse_delay(delay)
        if batch_minutes is not None:
            changes["unsaid_batch_minutes"] = batch_minutes
        if hold_links is not None:
            changes["unsaid_hold_links"] = hold_links
        if changes:
            before = await services.settings.all(guild.id)
            await services.settings.set_many(guild.id, changes)
            detail = "; ".join(
                f"{key}: {format_value(services.registry.get(key), before[key])} → "
                f"{format_value(services.registry.get(key), value)}"
                for key, value in changes.items()
            )
            await services.audit.record(
                guild.id,
                interaction.user.id,
                "unsaid.settings",
                "Unsaid",
                detail,
                services.clock.now(),
            )
        await send_private(interaction, embed=await self._settings_embed(guild, bool(changes)))

    async def _settings_embed(self, guild: discord.Guild, changed: bool) -> discord.Embed:
        service = self.bot.services.unsaid
        config = await service.config(guild.id)
        lines = [
            f"**Review**: {'on' if config.review else 'off'}",
            f"**Posts in**: {f'<#{config.channel_id}>' if config.channel_id else 'not set'}",
            "**Review channel**: "
            + (f"<#{config.review_channel_id}>" if config.review_channel_id else "not set"),
            f"**Daily limit**: {config.daily_limit} shares and {config.daily_limit} replies",
            f"**Delay without review**: {config.delay_min} to {config.delay_max} minutes",
            f"**Review batches**: every {config.batch_minutes} minutes, shuffled",
            f"**Hold links for review**: {'yes' if config.hold_links else 'no'}",
            # No count of what waits: it would change the moment someone shares, and so tell
            # a moderator who re-runs this when each submission was written.
            "**Waiting**: not shown, so that nobody can time a submission; "
            "cards reach the review channel in shuffled batches",
        ]
        problems = []
        if not config.ready:
            problems.append(
                "Unsaid is off until both a posting channel and a review channel are set."
            )
        me = guild.me
        for channel_id, needed in (
            (config.channel_id, needs_for("unsaid_channel")),
            (config.review_channel_id, needs_for("unsaid_review_channel")),
        ):
            target = guild.get_channel(channel_id) if channel_id else None
            if channel_id and target is None:
                problems.append(f"<#{channel_id}> no longer exists.")
            elif target is not None and me is not None:
                missing = ", ".join(missing_in(target, needed))
                if missing:
                    problems.append(f"In <#{channel_id}> Alongside is missing: {missing}.")
        if problems:
            lines.append("\n" + "\n".join(f"⚠ {p}" for p in problems))
        title = "Unsaid settings updated" if changed else "Unsaid settings"
        return discord.Embed(title=title, description="\n".join(lines))

    @app_commands.command(name="blocks", description="List blocked anonymous authors by opaque id")
    async def blocks(self, interaction: discord.Interaction) -> None:
        """List blocks: an opaque id and a day each, never who."""
        if interaction.guild_id is None:
            raise NotInServer()
        blocks = await self.bot.services.unsaid.blocks(interaction.guild_id)
        if not blocks:
            await send_private(interaction, "No one is blocked from Unsaid here.")
            return
        lines = [
            f"`{b.public_id}`, blocked on {b.blocked_on}"
            + (
                " (made under the previous key: lapses at the next key rotation)"
                if b.under_previous_key
                else ""
            )
            for b in blocks
        ]
        note = (
            "\n\nAlongside can't tell you who any of these are, or whether two are the same person."
        )
        pages = [
            discord.Embed(
                title=f"Unsaid blocks ({len(blocks)})", description="\n".join(chunk) + note
            )
            for chunk in chunk_lines(lines, per_page=25)
        ]
        await send_pages(interaction, pages)

    @app_commands.command(name="unblock", description="Let a blocked anonymous author share again")
    @app_commands.describe(block="The block's id, like B-7K3QD9 (see /mod unsaid blocks)")
    async def unblock(self, interaction: discord.Interaction, block: str) -> None:
        """Remove one block and record it in the audit log."""
        if interaction.guild_id is None:
            raise NotInServer()
        services = self.bot.services
        await services.unsaid.unblock(interaction.guild_id, block)
        await services.audit.record(
            interaction.guild_id,
            interaction.user.id,
            "unsaid.unblock",
            block.strip().upper(),
            "",
            services.clock.now(),
        )
        await send_private(interaction, f"`{block.strip().upper()}` is unblocked.")

    @unblock.autocomplete("block")
    async def block_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer block ids matching what was typed."""
        if interaction.guild_id is None or not await is_moderator(interaction):
            return []
        needle = current.strip().upper()
        blocks = await self.bot.services.unsaid.blocks(interaction.guild_id)
        return [
            app_commands.Choice(
                name=f"{b.public_id} (blocked on {b.blocked_on})", value=b.public_id
            )
            for b in blocks
            if needle in b.public_id
        ][:25]
