"""What the page sends, turned into what SimCord expects: options, picks and form values.

The page names channels, roles and people by id; each is checked against the demo's server
before it reaches the bot, and anything else is a plain DemoError.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import simcord

from bot.tryout.plan import Person
from bot.tryout.wire import (
    NESTED,
    OPTION_PICKS,
    SELECT_PICKS,
    DemoError,
    Option,
    Part,
    as_list,
    modal_controls,
    upload,
)

if TYPE_CHECKING:
    from bot.tryout.stage import Stage


def resolve_entity(world: Stage, picks: set[str], raw: Any) -> Any:
    """A handle for the channel, role or person chosen by id on the page."""
    try:
        entity_id = int(raw)
    except (TypeError, ValueError):
        raise DemoError("That choice isn't a channel, role or person here.") from None
    if "channel" in picks and entity_id in world.env.backend.channels:
        return world.channel_handle(entity_id)
    if "role" in picks and world.guild is not None:
        roles = {role.id: role for role in world.guild.roles.values()}
        if entity_id in roles:
            return roles[entity_id]
    if "user" in picks:
        if entity_id in world.people:
            return world.people[entity_id].actor
        if entity_id == world.env.backend.bot_user.id and world.guild is not None:
            bot_user = simcord.UserHandle(world.env, world.env.backend.bot_user)
            return simcord.MemberActor(world.env, world.guild, bot_user)
    raise DemoError("That choice isn't a channel, role or person here.")


def find_leaf(world: Stage, person: Person, channel_id: int, path: str) -> dict[str, Any]:
    words = path.split()
    if not words:
        raise DemoError("Type a command after the slash.")
    for command in world.visible_commands(person, channel_id):
        if command["name"] != words[0]:
            continue
        node: dict[str, Any] = command
        for word in words[1:]:
            children = [
                option
                for option in node.get("options") or []
                if option.get("type") in NESTED and option["name"] == word
            ]
            if not children:
                break
            node = children[0]
        else:
            if any(option.get("type") in NESTED for option in node.get("options") or []):
                break
            return node
    raise DemoError(f"/{path} isn't a command {person.name} can use here.")


def option_values(world: Stage, leaf: dict[str, Any], raw: Mapping[str, Any]) -> dict[str, Any]:
    """Turn what the page sent into the values SimCord expects, by each option's type."""
    declared = {option["name"]: option for option in leaf.get("options") or []}
    values: dict[str, Any] = {}
    for name, value in raw.items():
        option = declared.get(name)
        if option is None:
            raise DemoError(f"There is no option called {name}.")
        if value is None or value == "":
            continue
        values[name] = option_value(world, option, value)
    return values


def option_value(world: Stage, option: dict[str, Any], value: Any) -> Any:
    kind = option["type"]
    name = option["name"]
    try:
        if kind == Option.STRING:
            return str(value)
        if kind == Option.INTEGER:
            return int(value)
        if kind == Option.NUMBER:
            return float(value)
        if kind == Option.BOOLEAN:
            return value if isinstance(value, bool) else str(value).lower() == "true"
    except ValueError:
        raise DemoError(f"{name} needs a number.") from None
    if kind in OPTION_PICKS:
        return resolve_entity(world, OPTION_PICKS[Option(kind)], value)
    if kind == Option.ATTACHMENT:
        return upload(value)
    raise DemoError(f"The option {name} has a type this page can't fill in.")


def modal_values(world: Stage, spec: dict[str, Any], raw: Mapping[str, Any]) -> dict[str, Any]:
    controls = {control["custom_id"]: control for control in modal_controls(spec)}
    values: dict[str, Any] = {}
    for custom_id, value in raw.items():
        control = controls.get(custom_id)
        if control is None:
            continue
        kind = control["type"]
        if kind == Part.TEXT_INPUT:
            values[custom_id] = str(value or "")
        elif kind == Part.CHECKBOX:
            values[custom_id] = bool(value)
        elif kind == Part.RADIO_GROUP:
            if value:
                values[custom_id] = str(value)
        elif kind in (Part.STRING_SELECT, Part.CHECKBOX_GROUP):
            chosen = [str(item) for item in as_list(value)]
            if chosen:
                values[custom_id] = chosen
        elif kind in SELECT_PICKS:
            picks = SELECT_PICKS[Part(kind)]
            picked = [resolve_entity(world, picks, item) for item in as_list(value)]
            if picked:
                values[custom_id] = picked
        elif kind == Part.FILE_UPLOAD:
            files = [upload(item) for item in as_list(value)]
            if files:
                values[custom_id] = files
    return values
