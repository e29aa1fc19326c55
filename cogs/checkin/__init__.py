"""Peer check-ins: consent, private logs and charts, reminders, buddies and support requests."""

from bot.app.client import Alongside
from cogs.checkin._cog import Checkins


async def setup(bot: Alongside) -> None:
    """Load the check-ins cog."""
    await bot.add_cog(Checkins(bot))
