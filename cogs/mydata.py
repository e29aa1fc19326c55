"""`/mydata show|export|delete`: members' right to see, take and erase their data."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import Alongside
from bot.privacy.memberdata import ANONYMOUS_NOTE
from bot.ui.refusals import NotInServer
from bot.ui.replies import SafeView, send_private

log = logging.getLogger(__name__)


def _guild_id(interaction: discord.Interaction[Any]) -> int:
    if interaction.guild_id is None:
        raise NotInServer()
    return interaction.guild_id


async def _remove(bot: Alongside, channel_id: int, message_id: int) -> bool:
    """Delete one of the bot's messages; False only if it is still there."""
    partial = bot.get_partial_messageable(channel_id).get_partial_message(message_id)
    try:
        await partial.delete()
    except discord.NotFound:
        return True  # already gone (10008), or its channel is (10003)
    except discord.HTTPException:
        log.info("A message naming a member could not be deleted (no access to its channel)")
        return False
    return True


class ConfirmErase(SafeView):
    """The one step between asking and erasing."""

    def __init__(self, bot: Alongside, owner_id: int, guild_id: int) -> None:
        super().__init__(timeout=300)
        self.bot, self.owner_id, self.guild_id = bot, owner_id, guild_id

    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        """Only the member whose data it is can confirm."""
        return interaction.user.id == self.owner_id

    @discord.ui.button(label="Delete everything", style=discord.ButtonStyle.danger)
    async def erase(self, interaction: discord.Interaction[Any], _: discord.ui.Button[Any]) -> None:
        """Erase the member's data now."""
        self.stop()
        await interaction.response.defer(ephemeral=True, thinking=True)
        member_data = self.bot.services.member_data
        posts = await member_data.erase(self.guild_id, self.owner_id)
        stuck = 0
        for channel_id, message_id in posts:
            # Posts that named the member or quoted them go with the rest of their data.
            if not await _remove(self.bot, channel_id, message_id):
                stuck += 1
        left = (
            ""
            if not stuck
            else f" {stuck} of Alongside's messages that named you couldn't be removed, "
            "because Alongside can no longer see or change where they are. A moderator can "
            "delete them for you."
        )
        await interaction.followup.send(
            "Done. Everything Alongside held about you in this server has been erased, with its "
            "messages that named you." + left + " Anonymous posts you shared are not linked to "
            "you; withdraw them with their receipt codes if you want them gone. "
            + member_data.backup_note(),
            ephemeral=True,
        )

    @discord.ui.button(label="Keep my data", style=discord.ButtonStyle.secondary)
    async def keep(self, interaction: discord.Interaction[Any], _: discord.ui.Button[Any]) -> None:
        """Change nothing."""
        self.stop()
        await interaction.response.edit_message(content="Nothing was deleted.", view=None)


class MyData(
    commands.GroupCog, group_name="mydata", group_description="What Alongside holds about you"
):
    """Members' data rights."""

    privacy = ("`/mydata` shows, exports or erases everything Alongside holds about you.",)

    def __init__(self, bot: Alongside) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(
        name="show", description="A plain summary of what Alongside holds about you"
    )
    async def show(self, interaction: discord.Interaction[Any]) -> None:
        """List each kind of data held, how much, and why."""
        summary = await self.bot.services.member_data.summary(
            _guild_id(interaction), interaction.user.id
        )
        lines = [f"**{section.key}**: {count} item(s). {section.why}" for section, count in summary]
        embed = discord.Embed(
            title="What Alongside holds about you",
            description="\n".join(lines) or "Nothing.",
            colour=0x5B8A72,
        )
        embed.add_field(name="Anonymous posts", value=ANONYMOUS_NOTE, inline=False)
        embed.add_field(
            name="Backups", value=self.bot.services.member_data.backup_note(), inline=False
        )
        embed.set_footer(text="/mydata export gives you a copy; /mydata delete erases it.")
        await send_private(interaction, embed=embed)

    @app_commands.command(
        name="export", description="Download everything Alongside holds about you"
    )
    async def export(self, interaction: discord.Interaction[Any]) -> None:
        """Send a JSON file of the member's data, privately."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        data = await self.bot.services.member_data.export(
            _guild_id(interaction), interaction.user.id
        )
        payload = json.dumps(data, indent=2, ensure_ascii=False, default=str).encode()
        await send_private(
            interaction,
            "Here is everything Alongside holds about you in this server. Only you can see this.",
            file=discord.File(io.BytesIO(payload), filename="alongside-my-data.json"),
        )

    @app_commands.command(name="delete", description="Erase everything Alongside holds about you")
    async def delete(self, interaction: discord.Interaction[Any]) -> None:
        """Ask once, then erase."""
        guild_id = _guild_id(interaction)
        await send_private(
            interaction,
            "This erases your journal, check-ins, subscriptions, buddy history, glossary "
            "contributions, support requests and answers you shared in prompt threads (their "
            "posts too) in this server, and removes Alongside's messages that named you. It "
            "can't be undone. You may want `/mydata export` first. "
            + self.bot.services.member_data.backup_note(),
            view=ConfirmErase(self.bot, interaction.user.id, guild_id),
        )


async def setup(bot: Alongside) -> None:
    """Load the data-rights commands."""
    await bot.add_cog(MyData(bot))
