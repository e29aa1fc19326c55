"""Every `/mod` autocomplete answers moderators only, checked centrally in the tree."""

from __future__ import annotations

from discord import app_commands

from bot.checkins.settings import SUPPORT_CHANNEL
from tests.conftest import World


def mod_autocomplete_options(world: World) -> list[tuple[str, str]]:
    """List (command path, option) for every /mod option that autocompletes."""
    found: list[tuple[str, str]] = []
    for command in world.bot.mod_root.walk_commands():
        if isinstance(command, app_commands.Command):
            for parameter in command.parameters:
                if parameter.autocomplete:
                    found.append((command.qualified_name, parameter.name))
    return found


async def test_no_mod_autocomplete_answers_a_member(world: World) -> None:
    world.guild.create_text_channel("staff-only-room")
    world.guild.create_role("Crisis team")
    world.open_mod_commands_to_everyone()
    options = mod_autocomplete_options(world)
    assert len(options) >= 10, options
    moderator_saw = 0
    for path, option in options:
        filled = {"key": SUPPORT_CHANNEL} if (path, option) == ("mod settings set", "value") else {}
        as_member = await world.member.autocomplete(world.general, path, option, "", **filled)
        assert as_member == [], f"/{path} {option} answered a member: {as_member}"
        as_moderator = await world.moderator.autocomplete(world.general, path, option, "", **filled)
        moderator_saw += bool(as_moderator)
    # The refusal is about who asks: the same look-ups answer a moderator.
    assert moderator_saw >= 2


async def test_member_cannot_list_hidden_channels_through_settings(world: World) -> None:
    world.guild.create_text_channel("staff-only-room")
    world.open_mod_commands_to_everyone()
    as_moderator = await world.moderator.autocomplete(
        world.general, "mod settings set", "value", "", key=SUPPORT_CHANNEL
    )
    assert any("staff-only-room" in c["name"] for c in as_moderator)
    as_member = await world.member.autocomplete(
        world.general, "mod settings set", "value", "", key=SUPPORT_CHANNEL
    )
    assert as_member == []
