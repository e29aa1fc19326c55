"""Persistent buttons whose failures reach the person kindly, like every other interaction."""

from __future__ import annotations

from typing import Any

import discord

from bot.moderation import ensure_moderator
from bot.replies import report_error


class Guarded:
    """Mix into a DynamicItem (before it) and implement `run` instead of `callback`.

    discord.py routes a DynamicItem's errors to a throwaway view that only logs them, so the
    person would see "This interaction failed"; this reports them like command errors.
    """

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Run the item, reporting any failure privately."""
        try:
            await self.run(interaction)
        except Exception as error:  # every failure is reported to the person
            await report_error(interaction, error)

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        """Do what the button does."""
        raise NotImplementedError


class ModeratorOnly(Guarded):
    """Mix into a moderator's DynamicItem: anyone else is refused before `run`.

    A custom_id can be replayed by anyone who can see the message (or craft an interaction),
    so the check lives here, in the bot, for every moderator button.
    """

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Check the clicker is a moderator, then run the item."""
        try:
            await ensure_moderator(interaction)
            await self.run(interaction)
        except Exception as error:  # every failure is reported to the person
            await report_error(interaction, error)
