"""`/support`: helplines, shown to anyone, privately."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import Alongside
from bot.ui.replies import send_private

SUPPORT_INTRO = (
    "If things feel like too much right now, you don't have to carry it alone. These services "
    "are free and confidential. Alongside is a bot, so it can't respond in a crisis."
)


FIELD_LIMIT = 1024  # Discord's limit on one embed field's value


def helpline_fields(lines: list[str]) -> list[str]:
    """Pack helplines into field values, never cutting one: split only between lines."""
    pieces: list[str] = []
    for line in lines:
        bullet = "• "
        for row in line.splitlines() or [""]:
            pieces.extend(_wrap(f"{bullet}{row}" if bullet else row, FIELD_LIMIT))
            bullet = ""
    fields: list[str] = []
    current = ""
    for piece in pieces:
        joined = f"{current}\n{piece}" if current else piece
        if len(joined) <= FIELD_LIMIT:
            current = joined
            continue
        fields.append(current)
        current = piece
    if current.strip():
        fields.append(current)
    return fields


def _wrap(row: str, limit: int) -> list[str]:
    """Break one over-long line between words (only a line longer than a field needs this)."""
    out: list[str] = []
    while len(row) > limit:
        cut = row.rfind(" ", 0, limit)
        cut = cut if cut > 0 else limit
        out.append(row[:cut])
        row = row[cut:].lstrip()
    out.append(row)
    return out


async def support_embed(bot: Alongside, guild_id: int | None) -> discord.Embed:
    """Build the helplines message, with the server's own helplines first."""
    local: str | None = None
    include_defaults = True
    if guild_id is not None:
        local = await bot.services.settings.get(guild_id, "local_helplines")
        include_defaults = await bot.services.settings.get(guild_id, "show_uk_helplines")
    lines = bot.services.safety.helpline_lines(local, include_defaults=include_defaults)
    embed = discord.Embed(title="Support", description=SUPPORT_INTRO, colour=0x5B8A72)
    for number, chunk in enumerate(helpline_fields(lines)):
        name = "Who you can contact" if number == 0 else "More you can contact"
        embed.add_field(name=name, value=chunk, inline=False)
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
