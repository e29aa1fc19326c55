"""`/mod setup`: one guided flow through every channel and role setting, then time and help."""

from __future__ import annotations

from typing import Any, cast

import discord

from bot.app.client import Alongside
from bot.core.errors import UserFacingError
from bot.settings.registry import Kind, SettingSpec, format_value, parse_value
from bot.ui.moderation import ensure_moderator
from bot.ui.permissions import missing_in, needs_for, no_private_threads
from bot.ui.refusals import NotInServer
from bot.ui.replies import SafeModal, SafeView, send_private
from cogs.mod._lookup import DiscordLookup


def missing_permissions(channel: discord.abc.GuildChannel, spec: SettingSpec) -> list[str]:
    """Name, in Discord's own words, what Alongside can't do in `channel` but needs to."""
    return missing_in(channel, needs_for(spec.key))


def channel_problem(channel: discord.abc.GuildChannel, spec: SettingSpec) -> str | None:
    """Say why `channel` can't serve `spec` whatever its permissions, or None."""
    if "create_private_threads" in needs_for(spec.key):
        return no_private_threads(channel)
    return None


def permission_warning(channel: discord.abc.GuildChannel, spec: SettingSpec) -> str | None:
    """A plain sentence about missing permissions, or None if everything is in place."""
    missing = missing_permissions(channel, spec)
    if not missing:
        return None
    return (
        f"In {channel.mention} Alongside can't yet: {', '.join(missing)}. Give its role these "
        "permissions in that channel's settings (Edit Channel → Permissions)."
    )


class TimeAndHelpModal(SafeModal, title="Time, quiet hours and helplines"):
    """The last step: text settings that have no picker."""

    zone = discord.ui.TextInput[Any](
        label="Server timezone (e.g. Europe/London)", custom_id="timezone"
    )
    quiet_start = discord.ui.TextInput[Any](
        label="Quiet hours start (24-hour, e.g. 21:00)", custom_id="quiet_hours_start", max_length=5
    )
    quiet_end = discord.ui.TextInput[Any](
        label="Quiet hours end (e.g. 08:00)", custom_id="quiet_hours_end", max_length=5
    )
    helplines = discord.ui.TextInput[Any](
        label="Your own helplines (optional)",
        custom_id="local_helplines",
        style=discord.TextStyle.paragraph,
        required=False,
        max_length=900,
    )

    def __init__(self, bot: Alongside, values: dict[str, Any]) -> None:
        super().__init__()
        self.bot = bot
        self.zone.default = values["timezone"]
        self.quiet_start.default = values["quiet_hours_start"]
        self.quiet_end.default = values["quiet_hours_end"]
        self.helplines.default = values.get("local_helplines") or ""

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        """Validate all four, then save them together (or none)."""
        await ensure_moderator(interaction)
        if interaction.guild is None:
            raise NotInServer()
        registry = self.bot.services.registry
        lookup = DiscordLookup(interaction.guild)
        typed = {
            "timezone": self.zone.value,
            "quiet_hours_start": self.quiet_start.value,
            "quiet_hours_end": self.quiet_end.value,
            "local_helplines": self.helplines.value or "default",
        }
        values = {key: parse_value(registry.get(key), raw, lookup) for key, raw in typed.items()}
        await self.bot.services.settings.set_many(interaction.guild.id, values)
        await self.bot.services.audit.record(
            interaction.guild.id,
            interaction.user.id,
            "setup.set",
            "time and helplines",
            ", ".join(f"{k}={v}" for k, v in values.items() if k != "local_helplines"),
            self.bot.services.clock.now(),
        )
        await send_private(
            interaction,
            "Setup is complete. `/mod settings show` lists everything; `/mod setup` runs "
            "this again whenever you like.",
        )


class SetupFlow(SafeView):
    """One step per channel or role setting, each saved as soon as it is chosen."""

    def __init__(self, bot: Alongside, owner_id: int, guild: discord.Guild) -> None:
        super().__init__(timeout=1800)
        self.bot, self.owner_id, self.guild = bot, owner_id, guild
        self.steps = [
            s for s in bot.services.registry.specs() if s.kind in (Kind.CHANNEL, Kind.ROLE)
        ]
        self.index = 0
        self.notes: list[str] = []
        self._build()

    @property
    def spec(self) -> SettingSpec:
        """The setting this step is about."""
        return self.steps[self.index]

    def _build(self) -> None:
        self.clear_items()
        if self.index < len(self.steps):
            picker: discord.ui.ChannelSelect[SetupFlow] | discord.ui.RoleSelect[SetupFlow]
            if self.spec.kind is Kind.CHANNEL:
                picker = discord.ui.ChannelSelect(
                    custom_id="alongside:setup:pick",
                    channel_types=[discord.ChannelType.text],
                    placeholder="Choose a channel",
                )
            else:
                picker = discord.ui.RoleSelect(
                    custom_id="alongside:setup:pick", placeholder="Choose a role"
                )
            picker.callback = self._picked  # type: ignore[method-assign]
            self.add_item(picker)
            skip = discord.ui.Button[SetupFlow](label="Skip", custom_id="alongside:setup:skip")
            skip.callback = self._skip  # type: ignore[method-assign]
            self.add_item(skip)
        finish = discord.ui.Button[SetupFlow](
            label="Time, quiet hours and helplines",
            style=discord.ButtonStyle.primary,
            custom_id="alongside:setup:finish",
        )
        finish.callback = self._finish  # type: ignore[method-assign]
        self.add_item(finish)

    async def embed(self) -> discord.Embed:
        """Describe the current step, and what the previous one did."""
        total = len(self.steps)
        if self.index >= total:
            embed = discord.Embed(
                title="Set up Alongside: last step",
                description="Channels and roles are done. Set the server's timezone, quiet "
                "hours and your own helplines with the button below.",
            )
        else:
            current = await self.bot.services.settings.get(self.guild.id, self.spec.key)
            embed = discord.Embed(
                title=f"Set up Alongside: step {self.index + 1} of {total}",
                description=(
                    f"**{self.spec.key}**\n{self.spec.help}\n\n"
                    f"Now: {format_value(self.spec, current)}"
                ),
            )
        if self.notes:
            embed.add_field(name="So far", value="\n".join(self.notes[-6:])[:1024], inline=False)
        return embed

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Only the moderator who started setup can use it, and only while still a moderator."""
        await ensure_moderator(interaction)
        return interaction.user.id == self.owner_id

    async def _advance(self, interaction: discord.Interaction[Any]) -> None:
        self.index += 1
        self._build()
        await interaction.response.edit_message(embed=await self.embed(), view=self)

    async def _picked(self, interaction: discord.Interaction[Any]) -> None:
        spec = self.spec
        chosen = cast(dict[str, Any], interaction.data).get("values", [])
        if not chosen:
            await self._advance(interaction)
            return
        value = parse_value(spec, str(chosen[0]), DiscordLookup(self.guild))
        chosen_channel = self.guild.get_channel(value) if spec.kind is Kind.CHANNEL else None
        if isinstance(chosen_channel, discord.abc.GuildChannel):
            problem = channel_problem(chosen_channel, spec)
            if problem:
                raise UserFacingError(problem)
        await self.bot.services.settings.set_many(self.guild.id, {spec.key: value})
        await self.bot.services.audit.record(
            self.guild.id,
            interaction.user.id,
            "setup.set",
            spec.key,
            format_value(spec, value),
            self.bot.services.clock.now(),
        )
        note = f"✓ {spec.key} = {format_value(spec, value)}"
        channel = self.guild.get_channel(value) if spec.kind is Kind.CHANNEL else None
        if isinstance(channel, discord.abc.GuildChannel):
            warning = permission_warning(channel, spec)
            if warning:
                note += f"\n⚠ {warning}"
        self.notes.append(note)
        await self._advance(interaction)

    async def _skip(self, interaction: discord.Interaction[Any]) -> None:
        self.notes.append(f"– {self.spec.key} left as it was")
        await self._advance(interaction)

    async def _finish(self, interaction: discord.Interaction[Any]) -> None:
        values = await self.bot.services.settings.all(self.guild.id)
        await interaction.response.send_modal(TimeAndHelpModal(self.bot, values))


async def run_setup(interaction: discord.Interaction[Any]) -> None:
    """Start the guided setup for this server."""
    if interaction.guild is None:
        raise NotInServer()
    bot = cast(Alongside, interaction.client)
    flow = SetupFlow(bot, interaction.user.id, interaction.guild)
    await send_private(interaction, embed=await flow.embed(), view=flow)
