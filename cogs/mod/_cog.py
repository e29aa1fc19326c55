"""`/mod settings`, `/mod status` and `/mod log`."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any, cast

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import Alongside
from bot.core.errors import UserFacingError
from bot.settings.registry import Kind, format_value, parse_value
from bot.settings.transfer import check_size, export_settings, plan_import
from bot.ui.moderation import ModeratorGroup
from bot.ui.paging import chunk_lines, send_pages
from bot.ui.refusals import NotInServer
from bot.ui.replies import send_private
from bot.ui.views import ConfirmView
from cogs.mod._choices import value_choices
from cogs.mod._lookup import DiscordLookup
from cogs.mod._setup import channel_problem, permission_warning, run_setup


def _guild(interaction: discord.Interaction) -> discord.Guild:
    if interaction.guild is None:
        raise NotInServer()
    return interaction.guild


def _duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    days, minutes = divmod(minutes, 60 * 24)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{days} d"] if days else []
    parts += [f"{hours} h", f"{minutes} min"]
    return " ".join(parts)


class SettingsGroup(ModeratorGroup):
    """`/mod settings`: every feature's settings in one place."""

    def __init__(self, bot: Alongside) -> None:
        super().__init__(name="settings", description="See and change Alongside's settings")
        self.bot = bot

    @app_commands.command(name="show", description="List every setting with its current value")
    async def show(self, interaction: discord.Interaction) -> None:
        """Show every setting, its value and what it does."""
        guild = _guild(interaction)
        settings = self.bot.services.settings
        values = await settings.all(guild.id)
        lines = []
        for spec in settings.registry.specs():
            marker = "" if await settings.is_overridden(guild.id, spec.key) else " (default)"
            shown = format_value(spec, values[spec.key])
            lines.append(f"**{spec.key}** = {shown}{marker}\n{spec.help}")
        pages = [
            discord.Embed(title="Alongside settings", description="\n\n".join(chunk))
            for chunk in chunk_lines(lines, per_page=10)
        ]
        await send_pages(interaction, pages)

    @app_commands.command(name="set", description="Change one setting")
    @app_commands.describe(key="The setting to change", value="The new value, or `default`")
    async def set_value(self, interaction: discord.Interaction, key: str, value: str) -> None:
        """Validate and store one setting, then confirm what changed."""
        guild = _guild(interaction)
        services = self.bot.services
        spec = services.registry.get(key)
        parsed = parse_value(spec, value, DiscordLookup(guild))
        warning = ""
        channel = guild.get_channel(parsed) if spec.kind is Kind.CHANNEL and parsed else None
        if isinstance(channel, discord.abc.GuildChannel):
            problem = channel_problem(channel, spec)
            if problem:
                raise UserFacingError(problem)
            warning = "\n" + (permission_warning(channel, spec) or "")
        before = format_value(spec, await services.settings.get(guild.id, spec.key))
        await services.settings.set_many(guild.id, {spec.key: parsed})
        after = format_value(spec, await services.settings.get(guild.id, spec.key))
        await services.audit.record(
            guild.id,
            interaction.user.id,
            "settings.set",
            spec.key,
            f"{before} → {after}",
            services.clock.now(),
        )
        await send_private(
            interaction, f"**{spec.key}** is now {after} (it was {before}).{warning.rstrip()}"
        )

    @set_value.autocomplete("key")
    async def key_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer setting names matching what was typed."""
        needle = current.strip().lower()
        keys = [k for k in self.bot.services.registry.names() if needle in k]
        return [app_commands.Choice(name=k, value=k) for k in keys[:25]]

    @set_value.autocomplete("value")
    async def value_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Offer what was typed first, then values that fit the chosen setting's type."""
        key = getattr(interaction.namespace, "key", "") or ""
        try:
            spec = self.bot.services.registry.get(str(key))
        except UserFacingError:
            return []
        return value_choices(spec, interaction.guild, current)

    @app_commands.command(name="export", description="Download this server's settings as a file")
    async def export(self, interaction: discord.Interaction) -> None:
        """Send the changed settings as TOML, with channels and roles by name."""
        guild = _guild(interaction)
        settings = self.bot.services.settings
        values = await settings.all(guild.id)
        overridden = {
            spec.key
            for spec in settings.registry.specs()
            if await settings.is_overridden(guild.id, spec.key)
        }
        names = {c.id: c.name for c in guild.channels} | {r.id: r.name for r in guild.roles}
        text = export_settings(settings.registry, values, overridden, names)
        await send_private(
            interaction,
            f"{len(overridden)} changed settings. Import them elsewhere with "
            "`/mod settings import`.",
            file=discord.File(io.BytesIO(text.encode()), filename="alongside-settings.toml"),
        )

    @app_commands.command(
        name="import", description="Apply settings from a file (you confirm first)"
    )
    @app_commands.describe(file="A settings file made by /mod settings export")
    async def import_(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        """Check every value against this server, show what would change, apply on confirm."""
        guild = _guild(interaction)
        services = self.bot.services
        check_size(file.size)
        current = await services.settings.all(guild.id)
        plan = plan_import(services.registry, await file.read(), DiscordLookup(guild), current)
        summary = "\n".join(f"• {line}" for line in plan.shown) or "Nothing would change."
        if plan.problems:
            summary += "\n\nThese can't be used here and will be skipped:\n" + "\n".join(
                f"• {p}" for p in plan.problems
            )
        if not plan.changes:
            await send_private(interaction, summary[:1900])
            return

        async def confirmed(click: discord.Interaction) -> None:
            await services.settings.set_many(guild.id, plan.changes)
            await services.audit.record(
                guild.id,
                click.user.id,
                "settings.import",
                file.filename,
                ", ".join(plan.changes),
                services.clock.now(),
            )
            await click.response.edit_message(
                content=f"Imported {len(plan.changes)} settings.", view=None
            )

        await send_private(
            interaction,
            ("This file would change:\n" + summary)[:1900],
            view=ConfirmView(interaction.user.id, "Apply", confirmed),
        )


class ModTools(commands.Cog):
    """Adds the shared moderator commands to `/mod`."""

    def __init__(self, bot: Alongside) -> None:
        self.bot = bot
        self.settings_group = SettingsGroup(bot)
        self.status_command: app_commands.Command[Any, ..., None] = app_commands.Command(
            name="status",
            description="How Alongside is running: uptime, latency, storage, jobs",
            callback=show_status,
        )
        self.setup_command: app_commands.Command[Any, ..., None] = app_commands.Command(
            name="setup",
            description="Guided setup: channels, roles, timezone, quiet hours, helplines",
            callback=run_setup,
        )
        self.log_command: app_commands.Command[Any, ..., None] = app_commands.Command(
            name="log",
            description="Recent moderator actions",
            callback=show_log,
        )

    async def cog_load(self) -> None:
        """Attach the commands to `/mod`."""
        for command in (
            self.setup_command,
            self.settings_group,
            self.status_command,
            self.log_command,
        ):
            self.bot.mod_root.add_command(command)

    async def cog_unload(self) -> None:
        """Detach the commands from `/mod`."""
        for name in ("setup", "settings", "status", "log"):
            self.bot.mod_root.remove_command(name)


async def show_status(interaction: discord.Interaction) -> None:
    """Show uptime, gateway latency, database size and the next scheduled jobs."""
    bot = cast(Alongside, interaction.client)
    services = bot.services
    uptime = _duration(services.clock.now() - services.started_at)
    latency = bot.latency
    latency_text = (
        "not measured yet"
        if latency != latency or latency == float("inf")
        else (f"{latency * 1000:.0f} ms")
    )
    size_bytes = await services.maintenance.size_at_backup()
    size_text = (
        f"{size_bytes / 1024:,.0f} KiB at the last backup" if size_bytes else "not measured yet"
    )
    jobs = sorted(services.scheduler.jobs(), key=lambda j: (j.next_run is None, j.next_run))
    job_lines = [
        f"`{job.id}` — next {discord.utils.format_dt(job.next_run, 'R')}"
        if job.next_run
        else f"`{job.id}` — paused"
        for job in jobs[:10]
    ] or ["none"]
    embed = discord.Embed(title="Alongside status")
    embed.add_field(name="Up for", value=uptime)
    embed.add_field(name="Gateway latency", value=latency_text)
    embed.add_field(name="Database", value=size_text)
    embed.add_field(name="Scheduled jobs", value="\n".join(job_lines), inline=False)
    guild = _guild(interaction)
    embed.add_field(name="Waiting", value="\n".join(await queue_lines(bot, guild.id)), inline=False)
    backup = await services.maintenance.last_backup()
    embed.add_field(
        name="Last backup",
        value=discord.utils.format_dt(backup, "R") if backup else "none yet (daily at 03:30)",
        inline=False,
    )
    await send_private(interaction, embed=embed)


async def queue_lines(bot: Alongside, guild_id: int) -> list[str]:
    """Counts only, per feature: what waits for moderators or for posting, and feed health."""
    services = bot.services
    glossary = len(await services.glossary.repo.pending(guild_id, limit=1000))
    health = await services.feeds.health(guild_id)
    failing = sum(1 for h in health if h.status in ("failing", "retrying"))
    return [
        # Unsaid is left out: a live count would time each anonymous submission.
        "Unsaid: not counted here, so that nobody can time a submission",
        f"Glossary: {glossary} suggestions and perspectives to review",
        f"Feeds: {len(health)} in all, {failing} failing or retrying",
    ]


@app_commands.describe(limit="How many entries (1 to 100)", action="Only this kind of action")
async def show_log(
    interaction: discord.Interaction,
    limit: app_commands.Range[int, 1, 100] = 20,
    action: str | None = None,
) -> None:
    """Show recent moderator actions, newest first, paged."""
    guild = _guild(interaction)
    bot = cast(Alongside, interaction.client)
    entries, total = await bot.services.audit.page(guild.id, action=action or "", limit=limit)
    if not entries:
        await send_private(interaction, "No moderator actions are recorded yet.")
        return
    lines = [
        f"{discord.utils.format_dt(e.created_at, 'f')} — <@{e.actor_id}> **{e.action}** "
        f"{e.target} {('· ' + e.detail) if e.detail else ''}".strip()
        for e in entries
    ]
    pages = [
        discord.Embed(title=f"Moderator log ({total} in all)", description="\n".join(chunk))
        for chunk in chunk_lines(lines)
    ]
    await send_pages(interaction, pages)
