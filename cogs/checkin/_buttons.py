"""Persistent buttons on reminder DMs: check in now, or skip this week, after any restart."""

from __future__ import annotations

from typing import Any

import discord

from bot.ui.components import ID_PATTERN, ButtonSpec, Guarded
from bot.ui.membership import ensure_member_here
from bot.ui.refusals import UnknownServer
from cogs.checkin import _text as text
from cogs.checkin._common import checkins_of
from cogs.checkin._modals import open_log_form
from cogs.checkin._views import gate


class LogButton(
    ButtonSpec,
    Guarded,
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=rf"alongside:checkin:log:(?P<value>{ID_PATTERN})",
):
    """Opens the check-in form from a DM; the server is carried in the custom_id."""

    prefix = "alongside:checkin:log"
    label = "Check in now"
    style = discord.ButtonStyle.primary

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        """Open the form (after the consent statement, if consent no longer stands)."""
        guild_id = known_server(interaction, int(self.value))
        await ensure_member_here(interaction, guild_id)

        async def then(later: discord.Interaction, via_consent: bool) -> None:
            await open_log_form(later, guild_id, via_consent)

        await gate(interaction, guild_id, then, opens_modal=True)


class SkipButton(
    ButtonSpec,
    Guarded,
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=rf"alongside:checkin:skip:(?P<value>{ID_PATTERN})",
):
    """One click: no more reminders until next week."""

    prefix = "alongside:checkin:skip"
    label = "Skip this week"

    async def run(self, interaction: discord.Interaction[Any]) -> None:
        """Hold reminders until next Monday and say so."""
        guild_id = known_server(interaction, int(self.value))
        await ensure_member_here(interaction, guild_id)
        await skip_week(interaction, guild_id)


async def skip_week(interaction: discord.Interaction, guild_id: int) -> None:
    """Hold reminders until next Monday and replace the reminder with a short note."""
    until = await checkins_of(interaction).reminders.skip_this_week(guild_id, interaction.user.id)
    await interaction.response.edit_message(
        content=text.SKIPPED.format(when=discord.utils.format_dt(until, "D")), view=None
    )


def known_server(interaction: discord.Interaction[Any], guild_id: int) -> int:
    """The server a reminder's button names, if the bot is in it; nothing is stored otherwise."""
    if interaction.client.get_guild(guild_id) is None:
        raise UnknownServer()
    return guild_id


def reminder_view(guild_id: int) -> discord.ui.View:
    """The two buttons under a reminder DM."""
    view = discord.ui.View(timeout=None)
    view.add_item(LogButton(guild_id))
    view.add_item(SkipButton(guild_id))
    return view
