"""Checks over the whole bot: names, descriptions, custom_ids and the moderator gate."""

from __future__ import annotations

import re
from typing import Any

import discord
from discord import app_commands

from bot.ui.components import ModeratorOnly
from tests.conftest import World
from tests.regexsample import sample

NAME = re.compile(r"^[-_a-z0-9]{1,32}$")
CUSTOM_ID = re.compile(r"^alongside:[a-z-]+:[a-z-]+")


def leaves(
    bot: discord.Client, tree: app_commands.CommandTree[Any]
) -> list[app_commands.Command[Any, ..., Any]]:
    """Every invocable slash command in the tree."""
    found: list[app_commands.Command[Any, ..., Any]] = []
    for command in tree.get_commands():
        if isinstance(command, app_commands.Group):
            found.extend(c for c in command.walk_commands() if isinstance(c, app_commands.Command))
        elif isinstance(command, app_commands.Command):
            found.append(command)
    return found


async def test_every_extension_loads_with_unique_well_formed_commands(world: World) -> None:
    assert set(world.bot.extensions) == set(world.bot.extension_names)
    commands = leaves(world.bot, world.bot.tree)
    names = [c.qualified_name for c in commands]
    assert len(names) == len(set(names))
    for command in commands:
        for part in command.qualified_name.split():
            assert NAME.match(part), part
        assert 1 <= len(command.description) <= 100
        assert command.callback.__doc__, f"/{command.qualified_name} has no docstring"
        for parameter in command.parameters:
            assert parameter.description not in ("…", ""), (
                f"/{command.qualified_name} option {parameter.name} has no description"
            )


async def test_custom_ids_are_namespaced_and_feature_prefixes_unique(world: World) -> None:
    state = world.bot._connection
    custom_ids = [
        item.custom_id  # type: ignore[attr-defined]
        for view in world.bot.persistent_views
        for item in view.children
        if getattr(item, "custom_id", None)
    ]
    templates = [pattern.pattern for pattern in state._view_store._dynamic_items]
    for custom_id in custom_ids:
        assert CUSTOM_ID.match(custom_id), custom_id
    for template in templates:
        assert template.startswith("alongside:"), template
    assert len(custom_ids) == len(set(custom_ids))
    assert len(templates) == len(set(templates))


def sample_value(world: World, parameter: app_commands.Parameter) -> Any:
    """A value of the right type for a required option, to reach the permission check."""
    kind = parameter.type
    if kind is discord.AppCommandOptionType.channel:
        return world.general
    if kind is discord.AppCommandOptionType.role:
        return world.guild.default_role
    if kind in (discord.AppCommandOptionType.user, discord.AppCommandOptionType.mentionable):
        return world.other
    if kind is discord.AppCommandOptionType.integer:
        return int(parameter.min_value or 1)
    if kind is discord.AppCommandOptionType.number:
        return float(parameter.min_value or 1)
    if kind is discord.AppCommandOptionType.boolean:
        return True
    if parameter.choices:
        return parameter.choices[0].value
    return "sample"


async def test_every_mod_command_refuses_a_crafted_interaction_from_a_member(world: World) -> None:
    world.open_mod_commands_to_everyone()
    mod_commands = [
        c for c in leaves(world.bot, world.bot.tree) if c.qualified_name.startswith("mod ")
    ]
    assert len(mod_commands) >= 4
    before = await world.services.db.fetch_value("SELECT total_changes()")
    for command in mod_commands:
        if any(p.type is discord.AppCommandOptionType.attachment for p in command.parameters):
            continue  # attachments need an upload; covered by the feature's own tests
        options = {p.name: sample_value(world, p) for p in command.parameters if p.required}
        result = await world.member.slash(world.general, command.qualified_name, **options)
        assert result.ephemeral, command.qualified_name
        assert "Only moderators can use this" in result.response.content, command.qualified_name
    assert await world.services.db.fetch_value("SELECT total_changes()") == before


def moderator_buttons(world: World) -> list[tuple[type[Any], re.Pattern[str]]]:
    """Every registered persistent button that only moderators may use."""
    store = world.bot._connection._view_store._dynamic_items
    return [(item, pattern) for pattern, item in store.items() if issubclass(item, ModeratorOnly)]


async def test_every_moderator_button_refuses_a_crafted_click_from_a_member(world: World) -> None:
    buttons = moderator_buttons(world)
    assert len(buttons) >= 3
    channel = world.bot.get_channel(world.general.id)
    before = await world.services.db.fetch_value("SELECT total_changes()")
    for item, pattern in buttons:
        custom_id = sample(pattern)
        # Put a button with that custom_id on a message, as a replayed or crafted one would be.
        carrier = discord.ui.View()
        carrier.add_item(discord.ui.Button(label="x", custom_id=custom_id))
        message = await channel.send("crafted", view=carrier)
        carrier.stop()
        result = await world.member.click(message, custom_id=custom_id)
        assert result.ephemeral, item.__name__
        assert "Only moderators can use this" in result.response.content, item.__name__
    assert await world.services.db.fetch_value("SELECT total_changes()") == before
