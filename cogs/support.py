"""`/support`: helplines, shown to anyone, privately."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import Alongside
from bot.replies import send_private

SUPPORT_INTRO = (
    "If things feel like too much right now, you don't have to carry it alone. These services "
    "are free and confidential. Alongside is a bot, so it can't respond in a crisis."
)


async def support_embed(bot: Alongside, guild_id: int | None) -> discord.Embed:
    """Build the helplines message, with the server's own helplines first."""
    local: str | None = None
    include_defaults = True
    if guild_id is not None:
        local = await bot.services.settings.get(guild_id, "local_helplines")
        include_defaults = await bot.services.settings.get(guild_id, "show_uk_helplines")
    lines = bot.services.safety.helpline_lines(local, include_defaults=include_defaults)
    embed = discord.Embed(title="Support", description=SUPPORT_INTRO, colour=0x5B8A72)
    listed = "\n".join(f"• {line}" for line in lines)
    embed.add_field(name="Who you can contact", value=listed[:1024])
    oldest = min(h.last_verified for h in bot.services.safety.helplines)
    embed.set_footer(text=f"Helpline details last checked {oldest:%d %B %Y}.")
    return embed


class Support(commands.Cog):
    """Signposting for anyone who needs it."""

    privacy = ("`/support` is private and Alongside keeps no record that you used it.",)

    def __init__(self, bot: Alongside) -> None:
        self.bot = bot

    @app_commands.command(name="support", description="Helplines you can contact, privately")
    async def support(self, interaction: discord.Interaction) -> None:
        """Show the helplines only to the person who asked."""
        await send_private(interaction, embed=await support_embed(self.bot, interaction.guild_id))


async def setup(bot: Alongside) -> None:
    """Load the Support cog."""
    await bot.add_cog(Support(bot))
