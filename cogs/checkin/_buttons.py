"""Persistent buttons on reminder DMs: check in now, or skip this week, after any restart."""

from __future__ import annotations

import re
from typing import Any

import discord

from cogs.checkin import _text as text
from cogs.checkin._common import checkins_of, guarded
from cogs.checkin._modals import open_log_form
from cogs.checkin._views import gate


class LogButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"alongside:checkin:log:(?P<guild>\d+)",
):
    """Opens the check-in form from a DM; the server is carried in the custom_id."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Check in now",
                style=discord.ButtonStyle.primary,
                custom_id=f"alongside:checkin:log:{guild_id}",
            )
        )
        self.guild_id = guild_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> LogButton:
        """Rebuild the button from its custom_id."""
        return cls(int(match["guild"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Open the form (after the consent statement, if consent no longer stands)."""
        guild_id = self.guild_id

        async def then(later: discord.Interaction, via_consent: bool) -> None:
            await open_log_form(later, guild_id, via_consent)

        await guarded(interaction, gate(interaction, guild_id, then, opens_modal=True))


class SkipButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"alongside:checkin:skip:(?P<guild>\d+)",
):
    """One click: no more reminders until next week."""

    def __init__(self, guild_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Skip this week",
                style=discord.ButtonStyle.secondary,
                custom_id=f"alongside:checkin:skip:{guild_id}",
            )
        )
        self.guild_id = guild_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> SkipButton:
        """Rebuild the button from its custom_id."""
        return cls(int(match["guild"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Hold reminders until next Monday and say so."""
        await guarded(interaction, skip_week(interaction, self.guild_id))


async def skip_week(interaction: discord.Interaction, guild_id: int) -> None:
    """Hold reminders until next Monday and replace the reminder with a short note."""
    until = await checkins_of(interaction).reminders.skip_this_week(guild_id, interaction.user.id)
    await interaction.response.edit_message(
        content=text.SKIPPED.format(when=discord.utils.format_dt(until, "D")), view=None
    )


def reminder_view(guild_id: int) -> discord.ui.View:
    """The two buttons under a reminder DM."""
    view = discord.ui.View(timeout=None)
    view.add_item(LogButton(guild_id))
    view.add_item(SkipButton(guild_id))
    return view
