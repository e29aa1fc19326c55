"""Term suggestions while typing, shared by the member and moderator commands."""

from __future__ import annotations

from typing import Any, cast

import discord
from discord import app_commands

from bot.app.client import Alongside


async def term_choices(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    """Offer up to 25 names and aliases matching what was typed (from the in-memory index)."""
    if interaction.guild_id is None:
        return []
    bot = cast(Alongside, interaction.client)
    choices = await bot.services.glossary.autocomplete(interaction.guild_id, current)
    return [app_commands.Choice(name=c.label, value=c.slug) for c in choices]
