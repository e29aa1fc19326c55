"""Shared steps for the Unsaid tests: set up, share, release a batch, find posts."""

from __future__ import annotations

import re
from typing import Any, cast

import discord
import simcord

from cogs.unsaid._cog import Unsaid
from tests.conftest import World

UNSAID_EXTENSIONS = ("cogs.about", "cogs.support", "cogs.mod", "cogs.unsaid")
RECEIPT = re.compile(r"`([0-9A-Z]{5}(?:-[0-9A-Z]{5}){3})`")


def cog(world: World) -> Unsaid:
    """Return the loaded Unsaid cog."""
    return cast(Unsaid, world.bot.get_cog("Unsaid"))


async def configure(world: World, **options: Any) -> simcord.ChannelHandle:
    """Post in #general, review in a new #unsaid-review, plus any other settings."""
    review = world.guild.create_text_channel("unsaid-review")
    result = await world.moderator.slash(
        world.general,
        "mod unsaid settings",
        channel=world.general,
        review_channel=review,
        **options,
    )
    assert result.ephemeral
    return review


async def share(
    actor: simcord.MemberActor,
    world: World,
    body: str,
    *,
    note: str = "",
    replies: bool = True,
) -> simcord.InteractionResult:
    """Run `/unsaid share` and fill in the form."""
    shown = await actor.slash(world.general, "unsaid share")
    assert shown.modal is not None, shown.response and shown.response.content
    return await actor.submit_modal(shown, {"body": body, "note": note, "replies": replies})


def receipt_of(result: simcord.InteractionResult) -> str:
    """Read the receipt code from the private answer to a submission."""
    assert result.response is not None
    for embed in result.response.embeds:
        for field in embed.fields:
            if field.name == "Your receipt code":
                match = RECEIPT.search(field.value or "")
                assert match
                return match[1]
    raise AssertionError("no receipt code was shown")


async def release(world: World, minutes: float = 31) -> None:
    """Let time pass and run the tick, as the scheduler would."""
    world.services.clock.advance(minutes=minutes)
    await cog(world).tick()


def posts(channel: simcord.ChannelHandle) -> list[discord.Message]:
    """Every Unsaid post in a channel, oldest first."""
    return [
        m
        for m in channel.history()
        if m.embeds and (m.embeds[0].title or "").startswith("Unsaid #")
    ]


def review_messages(channel: simcord.ChannelHandle) -> list[discord.Message]:
    """Every message in the review channel that still offers review buttons."""
    return [
        m
        for m in channel.history()
        if any(
            getattr(child, "custom_id", "").startswith("alongside:unsaid:approve:")
            for row in m.components
            for child in getattr(row, "children", [])
        )
    ]


def custom_ids(message: discord.Message) -> list[str]:
    """The custom_ids of a message's buttons."""
    return [
        child.custom_id
        for row in message.components
        for child in getattr(row, "children", [])
        if getattr(child, "custom_id", None)
    ]


def answer(result: simcord.InteractionResult) -> str:
    """The text of the last private answer (after a defer, Discord edits the first one)."""
    if result.followups:
        return result.followups[-1].content
    assert result.response is not None
    return result.response.content
