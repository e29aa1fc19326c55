"""Unsaid: anonymous sharing, review, anonymous replies and withdrawal by receipt."""

from bot.app.client import Alongside
from cogs.unsaid._cog import Unsaid


async def setup(bot: Alongside) -> None:
    """Load the Unsaid cog."""
    await bot.add_cog(Unsaid(bot))
