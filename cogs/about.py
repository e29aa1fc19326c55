"""`/about`: what Alongside does, its commands, and who can see what."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.app.client import Alongside
from bot.ui.replies import send_private

INTRO = (
    "Alongside is a bot for lived experience practitioners. It offers reflective prompts, "
    "a place to say what you couldn't say in the room, gentle peer check-ins, a glossary "
    "that holds many voices, and the blogs the network reads. It is a bot: no person reads "
    "what you send it unless a command says so."
)

CORE_PRIVACY = (
    "Replies to your commands are shown only to you, unless a command says it posts publicly.",
    "Moderators can change the server's settings; each change is kept in an audit log "
    "with the moderator's name.",
    "Whoever hosts Alongside can read its database file. It stores only what the features "
    "below need, and `/mydata` shows what it holds about you.",
)


def describe_commands(bot: Alongside) -> list[str]:
    """List every member-facing command with its description (moderator tools are left out)."""
    lines: list[str] = []
    for command in sorted(bot.tree.get_commands(), key=lambda c: c.name):
        if command.name == "mod":
            continue
        if isinstance(command, app_commands.Group):
            for sub in command.walk_commands():
                if isinstance(sub, app_commands.Command):
                    lines.append(f"`/{sub.qualified_name}` — {sub.description}")
        elif isinstance(command, app_commands.Command):
            lines.append(f"`/{command.name}` — {command.description}")
    return lines


def privacy_lines(bot: Alongside) -> list[str]:
    """Collect each loaded feature's plain statement of who can see what."""
    lines = list(CORE_PRIVACY)
    for cog in bot.cogs.values():
        lines.extend(getattr(cog, "privacy", ()))
    return lines


def fields_from_lines(title: str, lines: list[str], limit: int = 1024) -> list[tuple[str, str]]:
    """Split lines over as many embed fields as needed to respect the field size."""
    fields: list[tuple[str, str]] = []
    current = ""
    for line in lines:
        if current and len(current) + len(line) + 1 > limit:
            fields.append((title if not fields else f"{title} (continued)", current))
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        fields.append((title if not fields else f"{title} (continued)", current))
    return fields


class About(commands.Cog):
    """Explain Alongside."""

    def __init__(self, bot: Alongside) -> None:
        self.bot = bot

    @app_commands.command(name="about", description="What Alongside does and who can see what")
    async def about(self, interaction: discord.Interaction) -> None:
        """Explain Alongside, its commands and its privacy, privately."""
        embed = discord.Embed(title="About Alongside", description=INTRO, colour=0x5B8A72)
        fields = fields_from_lines("Your commands", describe_commands(self.bot))
        privacy = [f"• {line}" for line in privacy_lines(self.bot)]
        fields += fields_from_lines("Who can see what", privacy)
        for name, value in fields:
            embed.add_field(name=name, value=value, inline=False)
        await send_private(interaction, embed=embed)


async def setup(bot: Alongside) -> None:
    """Load the About cog."""
    await bot.add_cog(About(bot))
