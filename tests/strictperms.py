"""Make SimCord as strict about the bot's permissions as Discord, and check what the bot uses.

SimCord gives the bot nearly every permission and is lenient on a few routes. In `world` tests
the bot's role holds exactly the invite's permissions (`bot/ui/permissions.py`), and this layer,
installed around SimCord's router, adds Discord's rules SimCord does not model:

- a message's embeds are dropped (silently, as Discord does) without Embed Links;
- files need Attach Files (403 50013);
- deleting a thread needs Manage Threads (SimCord asks for Manage Channels, as for channels).

`ROUTE_NEEDS` lists every bot-token route the bot calls with what Discord requires there; a
route missing from it, or needing what the invite doesn't grant, fails the test at teardown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import pytest
import simcord
from simcord.backend import errors, serializers
from simcord.http import router
from simcord.types import HttpLogEntry

from bot.ui.permissions import BITS, invite_integer, invite_permissions

_SNOWFLAKE = re.compile(r"/\d+")
BITS_MANAGE_CHANNELS = 1 << 4

# Every route (ids as {id}) the bot calls with its own token, and what Discord needs for it
# beyond the channel being visible. Interaction and webhook routes need no bot permissions.
ROUTE_NEEDS: dict[tuple[str, str], tuple[str, ...]] = {
    ("GET", "/channels/{id}"): ("view_channel",),
    ("POST", "/channels/{id}/messages"): ("view_channel", "send_messages"),
    ("PATCH", "/channels/{id}/messages/{id}"): ("view_channel",),
    ("DELETE", "/channels/{id}/messages/{id}"): ("view_channel",),  # own messages only
    ("GET", "/channels/{id}/messages"): ("view_channel", "read_message_history"),
    ("GET", "/channels/{id}/messages/{id}"): ("view_channel", "read_message_history"),
    ("POST", "/channels/{id}/threads"): ("view_channel", "create_private_threads"),
    ("POST", "/channels/{id}/messages/{id}/threads"): (
        "view_channel",
        "create_public_threads",
        "read_message_history",
    ),
    ("PUT", "/channels/{id}/thread-members/{id}"): ("send_messages_in_threads",),
    ("DELETE", "/channels/{id}"): ("manage_threads",),  # threads only: never a channel
    ("PATCH", "/channels/{id}"): ("manage_threads",),  # threads only: reopening an archived one
    ("POST", "/users/@me/channels"): (),
    ("GET", "/users/@me"): (),
    ("GET", "/users/{id}"): (),
    ("GET", "/guilds/{id}"): (),
    ("GET", "/guilds/{id}/members/{id}"): (),
    ("GET", "/gateway/bot"): (),
    ("GET", "/applications/@me"): (),
    ("GET", "/oauth2/applications/@me"): (),
    ("PUT", "/applications/{id}/commands"): (),
    ("PUT", "/applications/{id}/guilds/{id}/commands"): (),
    ("GET", "/applications/{id}/commands"): (),
    ("GET", "/applications/{id}/guilds/{id}/commands"): (),
}


def route_of(method: str, path: str) -> tuple[str, str]:
    """Return the route with every id replaced by {id}."""
    return method, _SNOWFLAKE.sub("/{id}", path.split("?")[0])


def is_interaction_route(path: str) -> bool:
    """Whether the request answers an interaction (its token carries the rights, not a role)."""
    return path.startswith(("/interactions/", "/webhooks/"))


def bot_role_id(env: simcord.Env, guild: simcord.GuildHandle) -> int:
    """Return the id of the role Discord made for the bot when it was invited."""
    roles = env.backend.guilds[guild.id].roles.values()
    return next(r.id for r in roles if r.managed and r.name == env.backend.bot_user.name)


def grant_invite_permissions(env: simcord.Env, guild: simcord.GuildHandle) -> None:
    """Give the bot's role exactly what the README's invite grants, as a real server would."""
    env.backend.edit_role(guild.id, bot_role_id(env, guild), {"permissions": invite_integer()})


def _has(backend: Any, channel: Any, name: str) -> bool:
    perms = backend.compute_permissions(channel.guild_id, backend.bot_user.id, channel.id)
    return bool(perms & BITS[name])


def _strict_dispatch(original: Callable[..., Any]) -> Callable[..., Any]:
    def dispatch(backend: Any, method: str, path: str, **kwargs: Any) -> Any:
        parts = path.strip("/").split("/")
        if parts[0] != "channels" or len(parts) < 2 or not parts[1].isdigit():
            return original(backend, method, path, **kwargs)
        channel = backend.channels.get(int(parts[1]))
        if channel is None or channel.guild_id is None:
            return original(backend, method, path, **kwargs)
        if method == "DELETE" and len(parts) == 2 and channel.is_thread:
            return _delete_thread(backend, channel, method, path)
        if method == "PATCH" and len(parts) == 2 and channel.is_thread:
            return _edit_thread(backend, channel, original, method, path, **kwargs)
        is_message = len(parts) in (3, 4) and parts[2] == "messages"
        if is_message and method in ("POST", "PATCH"):
            if kwargs.get("files") and not _has(backend, channel, "attach_files"):
                raise errors.missing_permissions()
            body = kwargs.get("json")
            embeds = isinstance(body, dict) and body.get("embeds")
            if embeds and not _has(backend, channel, "embed_links"):
                kwargs["json"] = {**body, "embeds": []}
        return original(backend, method, path, **kwargs)

    return dispatch


def _delete_thread(backend: Any, thread: Any, method: str, path: str) -> Any:
    backend.http_requests.append(HttpLogEntry(method, path, {}, None, None))
    router._check_faults(backend, method, path)
    backend.require_permissions(thread.guild_id, backend.bot_user.id, thread.id, "manage_threads")
    payload = dict(serializers.channel_payload(backend, thread))
    backend.delete_channel(thread.id)
    return payload


def _edit_thread(
    backend: Any, thread: Any, original: Callable[..., Any], method: str, path: str, **kwargs: Any
) -> Any:
    """Editing a thread (archiving, reopening) needs Manage Threads on Discord, where SimCord
    asks for Manage Channels: check Discord's rule, then let SimCord apply the edit."""
    backend.require_permissions(thread.guild_id, backend.bot_user.id, thread.id, "manage_threads")
    guild = backend.guilds[thread.guild_id]
    role = next(r for r in guild.roles.values() if r.managed and r.name == backend.bot_user.name)
    before = role.permissions
    role.permissions = before | BITS_MANAGE_CHANNELS
    try:
        return original(backend, method, path, **kwargs)
    finally:
        role.permissions = before


def strict_permissions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Install Discord's permission rules SimCord lacks, for one test."""
    monkeypatch.setattr(router, "dispatch", _strict_dispatch(router.dispatch))


def undeclared_routes(requests: Iterable[Any]) -> list[str]:
    """Name each bot route used that no declared need covers, or that needs more than the invite."""
    granted = set(invite_permissions())
    problems = []
    for request in requests:
        if is_interaction_route(request.path):
            continue
        route = route_of(request.method, request.path)
        needs = ROUTE_NEEDS.get(route)
        if needs is None:
            problems.append(f"{route[0]} {route[1]} is not in tests/strictperms.ROUTE_NEEDS")
        elif not set(needs) <= granted:
            problems.append(f"{route[0]} {route[1]} needs {sorted(set(needs) - granted)}")
    return sorted(set(problems))
