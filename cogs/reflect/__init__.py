"""Reflective prompts: `/reflect` for members, `/mod prompts` for moderators."""

from bot.app.client import Alongside
from cogs.reflect._cog import Reflect


async def setup(bot: Alongside) -> None:
    """Load reflective prompts."""
    await bot.add_cog(Reflect(bot))
