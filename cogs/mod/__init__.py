"""Moderator tools shared by every feature: settings, status and the audit log."""

from bot.app.client import Alongside
from cogs.mod._cog import ModTools


async def setup(bot: Alongside) -> None:
    """Load the moderator tools."""
    await bot.add_cog(ModTools(bot))
