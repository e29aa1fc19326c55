"""The shared glossary: `/glossary` for members, `/mod glossary` for moderators."""

from bot.app.client import Alongside
from cogs.glossary._cog import Glossary


async def setup(bot: Alongside) -> None:
    """Load the glossary."""
    await bot.add_cog(Glossary(bot))
