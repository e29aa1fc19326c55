"""Blog feeds: moderators' `/mod feeds` commands and the job that posts new pieces."""

from bot.app.client import Alongside
from cogs.feeds._cog import Feeds


async def setup(bot: Alongside) -> None:
    """Load the feeds commands and schedule."""
    await bot.add_cog(Feeds(bot))
