"""The permission model, in one place: who counts as a moderator."""

from __future__ import annotations

from typing import Any, Protocol, cast

import discord
from discord import app_commands

from bot.settings.registry import GuildSettings
from bot.ui.refusals import NotInServer, NotModerator, UnknownServer


class HoldsSettings(Protocol):
    """The services as seen from here: they hold the per-server settings."""

    @property
    def settings(self) -> GuildSettings:
        """Each server's settings, the moderator role among them."""
        ...


class Served(Protocol):
    """The bot as seen from here: a client holding the services (`Alongside` is one)."""

    @property
    def services(self) -> HoldsSettings:
        """The services built in the composition root."""
        ...


def decide_moderator(*, manage_guild: bool, role_ids: set[int], moderator_role: int | None) -> bool:
    """A moderator has Manage Server, or holds the server's configured moderator role."""
    if manage_guild:
        return True
    return moderator_role is not None and moderator_role in role_ids


async def is_moderator(interaction: discord.Interaction) -> bool:
    """Decide from what Discord sent with this interaction, not from the command's visibility."""
    if interaction.guild_id is None or not isinstance(interaction.user, discord.Member):
        return False
    bot = cast(Served, interaction.client)
    moderator_role = await bot.services.settings.get(interaction.guild_id, "moderator_role")
    # interaction.permissions is computed by Discord for this member in this channel.
    return decide_moderator(
        manage_guild=interaction.permissions.manage_guild,
        role_ids={role.id for role in interaction.user.roles},
        moderator_role=moderator_role,
    )


def ensure_known_server(interaction: discord.Interaction) -> None:
    """Refuse an interaction naming a server the bot is not in, before anything is stored.

    Discord only sends interactions from servers the app is in, so this is a forged payload or
    a server Discord reports as unavailable; either way nothing should be written for it.
    """
    guild_id = interaction.guild_id
    if guild_id is not None and interaction.client.get_guild(guild_id) is None:
        raise UnknownServer()


async def ensure_moderator(interaction: discord.Interaction) -> None:
    """Refuse the interaction unless its user is a moderator of this server."""
    if interaction.guild_id is None:
        raise NotInServer()
    if not await is_moderator(interaction):
        raise NotModerator()


def under_moderator_group(command: object) -> bool:
    """Tell whether a command sits anywhere beneath a moderator group."""
    parent = getattr(command, "parent", None)
    while parent is not None:
        if isinstance(parent, ModeratorGroup):
            return True
        parent = parent.parent
    return isinstance(command, ModeratorGroup)


class ModeratorGroup(app_commands.Group):
    """Every `/mod` group derives from this, so every moderator command is checked in the bot."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        """Refuse anyone who is not a moderator, whatever Discord showed them."""
        await ensure_moderator(interaction)
        return True


class ModRoot(ModeratorGroup):
    """`/mod`: hidden from members by default permissions, and checked in the bot regardless."""

    def __init__(self) -> None:
        super().__init__(
            name="mod",
            description="Moderator tools for Alongside",
            guild_only=True,
            default_permissions=discord.Permissions(manage_guild=True),
        )
