"""Two people at once: every form opens under its own custom_id, and each person's words land
with them when forms and flows are interleaved."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from bot.ui.replies import SafeModal
from tests.conftest import World
from tests.test_reliability_forms import FORMS


def every_modal_class() -> set[type[discord.ui.Modal]]:
    found: set[type[discord.ui.Modal]] = set()
    pending: list[type[discord.ui.Modal]] = list(discord.ui.Modal.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        if form.__module__.startswith(("bot.", "cogs.")):
            found.add(form)
    return found


async def test_every_form_in_the_bot_is_a_safe_modal(world: World) -> None:
    # SafeModal takes no custom_id, so every opening gets discord.py's random one.
    outside = [form for form in every_modal_class() if not issubclass(form, SafeModal)]
    assert not outside
    with pytest.raises(TypeError):
        SafeModal(title="x", custom_id="fixed")  # type: ignore[call-arg]


@pytest.mark.parametrize("form", sorted(FORMS), ids=lambda name: name.split(".", 1)[1])
async def test_each_opening_of_a_form_has_its_own_custom_id(world: World, form: str) -> None:
    state: dict[str, Any] = {}
    _, first = await FORMS[form](world, state)
    _, second = await FORMS[form](world, state)
    assert first.modal is not None and second.modal is not None
    assert first.modal["custom_id"] != second.modal["custom_id"]


async def test_two_members_check_in_at_once_and_each_keeps_their_own(world: World) -> None:
    for person in (world.member, world.other):
        await world.services.checkins.agree(world.guild.id, person.id)
    ash = await world.member.slash(world.general, "checkin log")
    bea = await world.other.slash(world.general, "checkin log")
    assert ash.modal is not None and bea.modal is not None
    # Submitted in the opposite order to opening.
    bea_done = await world.other.submit_modal(
        bea, {"load": ["5"], "energy": ["1"], "note": "bea's week", "peer": ["no"]}
    )
    ash_done = await world.member.submit_modal(
        ash, {"load": ["1"], "energy": ["5"], "note": "ash's week", "peer": ["no"]}
    )
    assert bea_done.response is not None and "Thank you" in bea_done.response.content
    assert ash_done.response is not None and "Thank you" in ash_done.response.content
    checkins = world.services.checkins
    ash_rows = await checkins.history(world.guild.id, world.member.id, 2)
    bea_rows = await checkins.history(world.guild.id, world.other.id, 2)
    assert [(p.load, p.energy) for p in ash_rows] == [(1, 5)]
    assert [(p.load, p.energy) for p in bea_rows] == [(5, 1)]
