"""Before and after the room: `/room` and `/mod rooms`."""

from __future__ import annotations

from bot.app.client import Alongside


async def setup(bot: Alongside) -> None:
    """Load the rooms cog."""
    from cogs.room._cog import Rooms

    await bot.add_cog(Rooms(bot))
