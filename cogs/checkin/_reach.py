"""Members who left, or whose DMs can't arrive: check-in DMs held, requests closed, told later.

Alongside hears nothing when someone leaves (it asks for no member events), so each delivery
asks `bot.membership` first. A member who is gone, or whom Discord refuses to DM (50007 closed
DMs, 50278 no server in common), has check-in DMs held with a reason: nothing is retried until
they next use a command in the server, when they are told once and everything starts again.
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.app.client import Alongside
from bot.checkins.reach import DMS_CLOSED, LEFT, NO_MUTUAL_SERVER
from bot.ui.membership import unreachable_reason
from bot.ui.replies import NO_PINGS
from cogs.checkin import _text as text
from cogs.checkin._common import edit_post

log = logging.getLogger(__name__)

WELCOME_BACK = {
    DMS_CLOSED: (
        "Alongside couldn't send you a direct message here, so your check-in reminders and "
        "buddy news were paused. They're on again now. If your direct messages are still "
        "closed to this server's members (Privacy Settings), they'll pause again by themselves."
    ),
    NO_MUTUAL_SERVER: (
        "While you weren't in any server with Alongside, it couldn't send you direct messages, "
        "so your check-in reminders and buddy news were paused. They're on again now."
    ),
    LEFT: (
        "Welcome back. While you were away from this server, your check-in reminders and buddy "
        "rounds were paused, and nothing was deleted. They're on again now, as you left them."
    ),
}
TOLD_AFTER = (
    discord.InteractionResponseType.channel_message,
    discord.InteractionResponseType.deferred_channel_message,
)
PROMPTS_BACK = (
    "Your reflective prompts by direct message, paused while you were away, are on again too."
)


async def still_member(bot: Alongside, guild_id: int, user_id: int) -> bool:
    """Say whether the member is still in the server; hold their check-in DMs if not."""
    if await bot.membership.is_member(guild_id, user_id):
        return True
    await bot.services.checkins.reach.hold(guild_id, user_id, LEFT)
    return False


async def present(bot: Alongside, guild_id: int, user_ids: list[int]) -> list[int]:
    """Keep the members still in the server (for buddy rounds), holding DMs for the rest."""
    return [u for u in user_ids if await still_member(bot, guild_id, u)]


async def deliver_dm(
    bot: Alongside,
    guild_id: int,
    user_id: int,
    content: str,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
) -> discord.Message | None:
    """Send a check-in DM for a server, unless held; hold it when it can never arrive."""
    reach = bot.services.checkins.reach
    held = await reach.held(guild_id, user_id)
    if held == LEFT and await bot.membership.is_member(guild_id, user_id):
        await reach.welcome_back(guild_id, user_id)  # they rejoined: carry on as before
        held = None
    if held is not None:
        return None
    if not await still_member(bot, guild_id, user_id):
        return None
    kwargs: dict[str, Any] = {"allowed_mentions": NO_PINGS}
    if embed is not None:
        kwargs["embed"] = embed
    if view is not None:
        kwargs["view"] = view
    try:
        user = bot.get_user(user_id) or await bot.fetch_user(user_id)
        return await user.send(content, **kwargs)
    except discord.HTTPException as error:
        reason = unreachable_reason(error)
        if reason is not None:
            await reach.hold(guild_id, user_id, reason)
            log.info("Held check-in DMs to a member (Discord error %s)", error.code)
        else:
            log.info("Could not send a direct message (HTTP %s)", error.status)
        return None


async def close_requests_of_departed(bot: Alongside) -> int:
    """Close every open support request whose asker has left the server; return how many."""
    checkins = bot.services.checkins
    closed = 0
    for request in await checkins.reach.open_requests():
        if await still_member(bot, request.guild_id, request.asker_id):
            continue
        for channel_id, message_id in await checkins.requests.cancel(
            request.guild_id, request.asker_id
        ):
            await edit_post(bot, channel_id, message_id, text.REQUEST_CLOSED_POST)
        closed += 1
    return closed


async def welcome_back(bot: Alongside, interaction: discord.Interaction[Any]) -> None:
    """After a member's command, lift any hold on their DMs here and tell them once."""
    guild_id, user = interaction.guild_id, interaction.user
    if guild_id is None or user.bot or interaction.response.type not in TOLD_AFTER:
        return  # (after a form opens, a follow-up can't be sent: tell them next time)
    bot.membership.remember(guild_id, user.id, True)
    reach = bot.services.checkins.reach
    if not await reach.may_be_away(guild_id, user.id):
        return  # the common case: nothing held, and no database read
    try:
        lines = await lift_holds(bot, guild_id, user.id)
    except BaseException:
        reach.away.hold(guild_id, user.id)  # not lifted: ask the database again next time
        raise
    if not lines:
        return
    try:
        await interaction.followup.send("\n\n".join(lines), ephemeral=True)
    except discord.HTTPException:
        log.info("Could not tell a returning member their DMs are on again")


async def lift_holds(bot: Alongside, guild_id: int, user_id: int) -> list[str]:
    """Lift the member's held check-in DMs and DM prompts; return what to tell them."""
    lines: list[str] = []
    reason = await bot.services.checkins.reach.welcome_back(guild_id, user_id)
    if reason is not None:
        lines.append(WELCOME_BACK.get(reason, WELCOME_BACK[LEFT]))
    prompts = bot.services.prompts
    sub = await prompts.subscription(guild_id, user_id)
    if sub is not None and sub.pause_reason in (LEFT, NO_MUTUAL_SERVER):
        # What stopped them (being away) is over now that they're here.
        await prompts.resume(guild_id, user_id)
        lines.append(PROMPTS_BACK)
    return lines
