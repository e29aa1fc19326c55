"""Deciding from `/mod glossary pending` marks the real review message in the review channel."""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.test_glossary_discord import set_review_channel


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.about", "cogs.mod", "cogs.glossary")


async def suggest(world: World, name: str) -> None:
    form = await world.member.slash(world.general, "glossary suggest")
    await world.member.submit_modal(form, {"term": name, "definition": "A meaning.", "source": ""})


@pytest.mark.parametrize("decision", ["Approve", "Decline"])
async def test_deciding_a_private_copy_marks_the_review_message(
    world: World, decision: str
) -> None:
    await set_review_channel(world)
    await suggest(world, "Solidarity pay")
    review = world.mod_channel.last_message
    assert review.components  # buttons waiting
    pending = await world.moderator.slash(world.general, "mod glossary pending")
    copies = [m for m in [pending.response, *pending.followups] if m is not None and m.embeds]
    [copy] = copies
    assert copy.ephemeral
    clicked = await world.moderator.click(copy, label=decision)
    if decision == "Decline":
        assert clicked.modal is not None
        clicked = await world.moderator.submit_modal(clicked, {"reason": "Already covered."})
    word = "Approved" if decision == "Approve" else "Declined"
    # The real review message in the channel shows the outcome and has no buttons left.
    marked = world.mod_channel.last_message
    assert marked.id == review.id
    assert not marked.components
    assert marked.embeds[0].footer.text.startswith(f"{word} by ")
    # The moderator's private copy is updated too, through the interaction.
    [answer] = [m for m in [clicked.response, *clicked.followups] if m and m.content]
    assert answer.ephemeral and word in answer.content
    assert copy.embeds[0].footer.text.startswith(f"{word} by ")
    assert not copy.components
