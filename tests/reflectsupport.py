"""Drive /reflect's prompts through SimCord: London time, the tick, DMs and buttons."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import cast
from zoneinfo import ZoneInfo

import discord
import simcord

from cogs.reflect._cog import Reflect
from tests.conftest import World

LONDON = ZoneInfo("Europe/London")


def at_london(*args: int) -> datetime:
    """Return the UTC time of a wall-clock time in London."""
    return datetime(*args, tzinfo=LONDON).astimezone(UTC)  # type: ignore[misc]


def cog(world: World) -> Reflect:
    """Return the loaded /reflect cog."""
    found = world.bot.get_cog("Reflect")
    assert found is not None
    return cast(Reflect, found)


async def tick_at(world: World, moment: datetime) -> None:
    """Set the clock to `moment` and run the prompts tick."""
    world.services.clock.set(moment)  # type: ignore[attr-defined]
    await cog(world).tick()


async def arrivals(
    world: World, actor: simcord.MemberActor, moments: list[datetime]
) -> list[datetime]:
    """Tick at each moment; return the moments at which a new DM reached `actor`."""
    found = []
    for moment in moments:
        before = len(dms(actor))
        await tick_at(world, moment)
        found += [moment] * (len(dms(actor)) - before)
    return found


def dms(actor: simcord.MemberActor) -> list[discord.Message]:
    """Return the member's DMs from the bot."""
    return actor.user.dm_channel.history()


def button_ids(message: discord.Message) -> list[str]:
    """Return the custom ids of a message's buttons."""
    return [c.custom_id for row in message.components for c in row.children]  # type: ignore[union-attr]


async def quiet_hours_off(world: World) -> None:
    """Turn quiet hours off, so heavy prompts are not held."""
    await world.services.settings.set_many(
        world.guild.id, {"quiet_hours_start": "00:00", "quiet_hours_end": "00:00"}
    )
