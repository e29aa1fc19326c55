"""What the page shows, as JSON: channels, messages and commands as one person sees them.

Messages keep Discord's own shapes for embeds and components (the page draws them as Discord
does); ids are strings, because JavaScript numbers can't hold a snowflake.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import simcord

from bot.tryout.pending import LOADING
from bot.tryout.plan import CHANNELS, Person
from bot.tryout.wire import NESTED
from bot.tryout.world import DemoWorld

TEXT_CHANNEL = 0
THREAD_TYPES = (11, 12)
PRIVATE_THREAD = 12
SYSTEM_TEXT = {
    7: "joined the server.",
    6: "pinned a message to this channel.",
}
TOPICS = {plan.key: plan.topic for plan in CHANNELS}
PRIVATE = {plan.key for plan in CHANNELS if plan.private_to}


def person_json(person: Person) -> dict[str, Any]:
    """Someone the visitor can be."""
    return {
        "id": str(person.id),
        "key": person.key,
        "name": person.name,
        "role": person.role,
        "about": person.about,
    }


def _user_name(world: DemoWorld, user_id: int) -> str:
    user = world.env.backend.users.get(user_id)
    if user is None:
        return "Someone"
    return str(user.global_name or user.name)


def _visible(world: DemoWorld, channel_id: int, person: Person) -> list[Any]:
    messages = world.env.backend.messages.get(channel_id, {})
    return [messages[key] for key in sorted(messages) if messages[key].visible_to(person.id)]


def _last_id(world: DemoWorld, channel_id: int, person: Person) -> str | None:
    shown = _visible(world, channel_id, person)
    return str(shown[-1].id) if shown else None


def channels_json(world: DemoWorld, person: Person) -> list[dict[str, Any]]:
    """The channels, threads and DMs this person can read, in sidebar order."""
    backend = world.env.backend
    listed: list[dict[str, Any]] = []
    assert world.guild is not None
    for name, handle in world.guild.channels.items():
        model = backend.channels.get(handle.id)
        if model is None or model.type != TEXT_CHANNEL or not world.can_see(person, handle.id):
            continue
        listed.append(
            {
                "id": str(handle.id),
                "name": name,
                "kind": "text",
                "topic": model.topic or TOPICS.get(name, ""),
                "private": name in PRIVATE,
                "last": _last_id(world, handle.id, person),
            }
        )
        threads = sorted(
            (thread for thread in backend.channels.values() if thread.parent_id == handle.id),
            key=lambda thread: thread.id,
        )
        for thread in threads:
            if thread.type not in THREAD_TYPES or not world.can_see(person, thread.id):
                continue
            listed.append(
                {
                    "id": str(thread.id),
                    "name": thread.name or "thread",
                    "kind": "thread",
                    "parent": str(handle.id),
                    "private": thread.type == PRIVATE_THREAD,
                    "topic": f"A thread in #{name}",
                    "last": _last_id(world, thread.id, person),
                }
            )
    dm = world.dm_channel_id(person)
    if dm is not None:
        listed.append(
            {
                "id": str(dm),
                "name": world.env.backend.bot_user.name,
                "kind": "dm",
                "topic": f"Your direct messages with {world.env.backend.bot_user.name}",
                "private": True,
                "last": _last_id(world, dm, person),
            }
        )
    return listed


def directory_json(world: DemoWorld) -> dict[str, Any]:
    """Names for mentions, and what entity selects offer."""
    backend = world.env.backend
    assert world.guild is not None
    guild = backend.guilds[world.guild_id]
    channels = [
        {"id": str(channel.id), "name": channel.name or "", "type": channel.type}
        for channel in backend.channels.values()
        if channel.guild_id == world.guild_id and channel.name
    ]
    roles = [
        {"id": str(role.id), "name": role.name}
        for role in guild.roles.values()
        if role.id != world.guild_id
    ]
    members = [world.env.backend.bot_user.id, *world.people]
    users = [
        {"id": str(user_id), "name": _user_name(world, user_id), "bot": user_id not in world.people}
        for user_id in members
    ]
    return {"channels": channels, "roles": roles, "users": users, "guild": guild.name}


def file_url(person: Person, channel_id: int, message_id: int, index: int) -> str:
    """Where the page fetches an attachment, checked against who is looking."""
    query = urlencode(
        {"person": person.id, "channel": channel_id, "message": message_id, "index": index}
    )
    return f"/api/file?{query}"


def message_json(world: DemoWorld, message: Any, person: Person) -> dict[str, Any]:
    """One message as the page draws it."""
    backend = world.env.backend
    author = backend.users.get(message.author_id)
    attachments = [
        {
            "filename": item.get("filename", "file"),
            "content_type": item.get("content_type") or "application/octet-stream",
            "size": item.get("size", 0),
            "description": item.get("description") or "",
            "url": file_url(person, message.channel_id, message.id, index),
        }
        for index, item in enumerate(message.attachments)
    ]
    by_name = {item["filename"]: item["url"] for item in attachments}
    alt_by_url = {item["url"]: item["description"] for item in attachments}
    embeds = [_embed(embed, by_name, alt_by_url) for embed in message.embeds]
    shown_in_embeds = {
        str((embed.get(key) or {}).get("url") or "")
        for embed in embeds
        for key in ("image", "thumbnail")
        if isinstance(embed.get(key), dict)
    }
    for item in attachments:
        item["in_embed"] = item["url"] in shown_in_embeds
    metadata = message.interaction_metadata or {}
    origin = world.origins.get(message.id)
    interaction = None
    reference = None
    if message.reference and message.type == 19:
        reference = _reference(world, message.reference)
    if origin is not None and origin.message_id is not None:
        reference = _reference(
            world, {"channel_id": origin.channel_id, "message_id": origin.message_id}
        )
    elif metadata:
        user = metadata.get("user") or {}
        interaction = {
            "user": str(user.get("global_name") or user.get("username") or "Someone"),
            "command": origin.command if origin is not None else metadata.get("name"),
        }
    thread = backend.channels.get(message.id)
    system = None
    if message.type == 18:
        target = (message.system_metadata and message.system_metadata.channel_id) or None
        started = backend.channels.get(target) if target else None
        system = {
            "text": "started a thread:",
            "thread": {"id": str(started.id), "name": started.name} if started else None,
        }
    elif message.type in SYSTEM_TEXT:
        system = {"text": SYSTEM_TEXT[message.type], "thread": None}
    return {
        "id": str(message.id),
        "type": message.type,
        "author": {
            "id": str(message.author_id),
            "name": message.author_name or _user_name(world, message.author_id),
            "bot": bool(author and author.bot),
        },
        "timestamp": message.timestamp,
        "edited": world.edits.edited(message),
        "content": message.content or "",
        "embeds": embeds,
        "components": list(message.components),
        "attachments": attachments,
        "ephemeral": message.is_ephemeral,
        "loading": bool(message.flags & LOADING),
        "interaction": interaction,
        "thread": (
            {"id": str(thread.id), "name": thread.name}
            if thread is not None and thread.type in THREAD_TYPES
            else None
        ),
        "reference": reference,
        "system": system,
    }


def _reference(world: DemoWorld, reference: dict[str, Any]) -> dict[str, Any] | None:
    try:
        channel_id = int(reference.get("channel_id") or 0)
        message_id = int(reference.get("message_id") or 0)
        target = world.env.backend.get_message(channel_id, message_id)
    except (ValueError, TypeError, simcord.BackendError):
        return None
    text = target.content or next(
        (str(embed.get("title") or embed.get("description") or "") for embed in target.embeds),
        "",
    )
    return {"author": _user_name(world, target.author_id), "content": text[:120]}


def _embed(embed: dict[str, Any], files: dict[str, str], alts: dict[str, str]) -> dict[str, Any]:
    """An embed, with `attachment://name` pointing at the message's own file (and its alt text)."""
    shown = dict(embed)
    for key in ("image", "thumbnail"):
        part = shown.get(key)
        if isinstance(part, dict):
            url = str(part.get("url") or "")
            if url.startswith("attachment://"):
                local = files.get(url.removeprefix("attachment://"), "")
                shown[key] = {**part, "url": local, "description": alts.get(local, "")}
            elif not url.startswith("/api/file"):
                # Offline: a remote image can't load, so show nothing rather than a broken one.
                shown[key] = None
    return shown


def messages_json(world: DemoWorld, channel_id: int, person: Person) -> list[dict[str, Any]]:
    """Every message in the channel this person can see, oldest first."""
    return [message_json(world, message, person) for message in _visible(world, channel_id, person)]


def commands_json(world: DemoWorld, person: Person, channel_id: int) -> list[dict[str, Any]]:
    """Every slash command this person can run here, one entry per subcommand."""
    leaves: list[dict[str, Any]] = []

    def visit(node: dict[str, Any], path: list[str]) -> None:
        options = node.get("options") or []
        nested = [o for o in options if o.get("type") in NESTED]
        if nested:
            for option in nested:
                visit(option, [*path, option["name"]])
            return
        leaves.append(
            {
                "path": " ".join(path),
                "description": node.get("description", ""),
                "options": [_option(option) for option in options],
            }
        )

    for command in world.visible_commands(person, channel_id):
        visit(command, [command["name"]])
    return sorted(leaves, key=lambda leaf: leaf["path"])


def _option(option: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "name",
        "description",
        "type",
        "required",
        "choices",
        "autocomplete",
        "channel_types",
        "min_value",
        "max_value",
        "min_length",
        "max_length",
    )
    return {key: option[key] for key in keys if key in option}
