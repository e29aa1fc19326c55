"""Members come and go in SimCord, as on Discord: leave, kick, ban, closed DMs, no mutual server.

SimCord already removes members (`guild.remove_member`) and records bans (`apply_ban`), but it
delivers a DM to anyone and lets the bot add a non-member to a thread. Discord does neither:

- a DM to a user who shares no server with the bot fails with 403, code 50278
  ("Cannot send messages to this user due to having no mutual guilds");
- a DM to a user whose DMs are closed fails with 403, code 50007;
- adding someone who isn't in the server to a thread fails with 404, code 10007 (Unknown Member).

Importing this module (conftest does) wraps those two SimCord routes for every test; nothing in
site-packages is edited. The helpers below are what a test uses to make people leave.
"""

from __future__ import annotations

from typing import Any

import simcord
from simcord.backend import Backend
from simcord.backend.errors import BackendError
from simcord.enums import ChannelType
from simcord.http import router

NO_MUTUAL_GUILDS = BackendError(
    403, 50278, "Cannot send messages to this user due to having no mutual guilds"
)
DMS_CLOSED = BackendError(403, 50007, "Cannot send messages to this user")
CLOSED_ATTRIBUTE = "_alongside_closed_dms"

Member = simcord.MemberActor | simcord.UserHandle


def closed_dms(backend: Backend) -> set[int]:
    """The users whose DMs are closed to the bot in this backend."""
    found: set[int] | None = getattr(backend, CLOSED_ATTRIBUTE, None)
    if found is None:
        found = set()
        setattr(backend, CLOSED_ATTRIBUTE, found)
    return found


def shares_a_server(backend: Backend, user_id: int) -> bool:
    """Say whether the user and the bot are both members of some server."""
    bot_id = backend.bot_user.id
    return any(
        user_id in guild.members and bot_id in guild.members for guild in backend.guilds.values()
    )


def _check_dm(ctx: router.RequestContext) -> None:
    channel = ctx.backend.channels.get(ctx.int_arg("channel_id"))
    if channel is None or channel.type != ChannelType.DM:
        return
    for user_id in channel.recipient_ids:
        user = ctx.backend.users.get(user_id)
        if user is None or user.bot or user_id == ctx.backend.bot_user.id:
            continue  # SimCord answers DMs to bots itself
        if user_id in closed_dms(ctx.backend):
            raise DMS_CLOSED
        if not shares_a_server(ctx.backend, user_id):
            raise NO_MUTUAL_GUILDS


def _check_thread_member(ctx: router.RequestContext) -> None:
    thread = ctx.backend.channels.get(ctx.int_arg("channel_id"))
    if thread is None or thread.guild_id is None:
        return
    guild = ctx.backend.guilds.get(thread.guild_id)
    if guild is not None and ctx.int_arg("user_id") not in guild.members:
        raise BackendError(404, 10007, "Unknown Member")


def _wrap(method: str, template: str, check: Any) -> None:
    segments = template.strip("/").split("/")
    routes = router._ROUTES[method]
    for index, (found, handler) in enumerate(routes):
        if found == segments:
            if getattr(handler, "_alongside_members", False):
                return  # already wrapped

            def wrapped(ctx: router.RequestContext, _handler: Any = handler) -> Any:
                check(ctx)
                return _handler(ctx)

            wrapped._alongside_members = True  # type: ignore[attr-defined]
            routes[index] = (found, wrapped)
            return
    raise AssertionError(f"SimCord has no route {method} {template} to wrap")


def install() -> None:
    """Make SimCord answer DMs and thread invitations as Discord does (idempotent)."""
    _wrap("POST", "/channels/{channel_id}/messages", _check_dm)
    _wrap("PUT", "/channels/{channel_id}/thread-members/{user_id}", _check_thread_member)


def leave(guild: simcord.GuildHandle, member: Member) -> None:
    """The member leaves the server (or is kicked: Discord tells the bot the same, nothing)."""
    guild.remove_member(member)


def ban(env: simcord.Env, guild: simcord.GuildHandle, member: Member) -> None:
    """A moderator bans the member: they are removed and can't rejoin."""
    env.backend.apply_ban(guild.id, member.id, "test ban")


def rejoin(guild: simcord.GuildHandle, member: simcord.MemberActor) -> simcord.MemberActor:
    """The member joins the server again."""
    return guild.add_member(member.user)


def close_dms(env: simcord.Env, member: Member) -> None:
    """The member closes their DMs to the bot (every DM then fails with 50007)."""
    closed_dms(env.backend).add(member.id)


install()
