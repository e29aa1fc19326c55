"""`/mod settings set` value suggestions keep what the moderator typed first."""

from __future__ import annotations

import pytest

from tests.conftest import World


async def choose_first(world: World, key: str, typed: str) -> str:
    """Do what Discord does when a moderator presses Enter: take the first suggestion."""
    choices = await world.moderator.autocomplete(
        world.general, "mod settings set", "value", typed, key=key
    )
    assert choices, "no suggestion: Discord sends what was typed"
    assert len(choices) <= 25
    assert all(1 <= len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in choices)
    return str(choices[0]["value"])


@pytest.mark.parametrize(
    ("key", "typed", "stored"),
    [
        ("quiet_hours_start", "22:00", "22:00"),
        ("quiet_hours_end", "7:30", "07:30"),
        ("timezone", "America/New_York", "America/New_York"),
    ],
)
async def test_pressing_enter_keeps_the_value_the_moderator_typed(
    world: World, key: str, typed: str, stored: str
) -> None:
    value = await choose_first(world, key, typed)
    result = await world.moderator.slash(world.general, "mod settings set", key=key, value=value)
    assert result.ephemeral
    assert await world.services.settings.get(world.guild.id, key) == stored


async def test_an_invalid_value_is_offered_with_a_reason_and_then_explained(world: World) -> None:
    before = await world.services.settings.all(world.guild.id)
    choices = await world.moderator.autocomplete(
        world.general, "mod settings set", "value", "25:00", key="quiet_hours_start"
    )
    assert choices[0]["value"] == "25:00"
    assert "needs a time like 08:30" in choices[0]["name"]
    assert "default" in [c["value"] for c in choices]
    result = await world.moderator.slash(
        world.general, "mod settings set", key="quiet_hours_start", value=choices[0]["value"]
    )
    assert "time of day like 08:30" in result.response.content
    assert await world.services.settings.all(world.guild.id) == before


async def test_sensible_values_follow_what_was_typed(world: World) -> None:
    choices = await world.moderator.autocomplete(
        world.general, "mod settings set", "value", "gen", key="checkin_support_channel"
    )
    assert [c["value"] for c in choices][:2] == ["gen", "#general"]
