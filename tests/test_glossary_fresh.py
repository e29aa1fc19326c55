"""Define answers from a cache, yet shows every glossary write at once; answers keep no timers."""

from __future__ import annotations

import asyncio
import gc
import json
from collections.abc import Awaitable, Callable
from dataclasses import replace

import pytest
import simcord

from bot.glossary.shipped import ShippedGlossary
from tests.conftest import World

WORDS = "Boundaries are how I keep doing this work for years."
OTHER_WORDS = "Boundaries let me say no without guilt."


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.about", "cogs.support", "cogs.mod", "cogs.glossary", "cogs.mydata")


def buttons(result: simcord.InteractionResult) -> dict[str, str]:
    """Label → custom_id of a reply's buttons."""
    rows = result.response.components
    return {c["label"]: c["custom_id"] for row in rows for c in row["components"]}


async def shown(world: World, term: str = "boundaries") -> str:
    """What a member sees for /glossary define, as text."""
    result = await world.other.slash(world.general, "glossary define", term=term)
    if not result.response.embeds:
        return str(result.response.content)
    return json.dumps([e.to_dict() for e in result.response.embeds], ensure_ascii=False)


async def propose(world: World, text: str) -> simcord.Message:
    """A member proposes a named perspective on Boundaries; return the review message."""
    await world.moderator.slash(
        world.general,
        "mod settings set",
        key="glossary_review_channel",
        value=f"<#{world.mod_channel.id}>",
    )
    form = await world.member.slash(
        world.general, "glossary perspective", term="boundaries", credit="my name"
    )
    await world.member.submit_modal(form, {"perspective": text})
    message = world.mod_channel.last_message
    assert message is not None
    return message


async def approve(world: World, review: simcord.Message) -> None:
    await world.moderator.click(review, custom_id=review.components[0].children[0].custom_id)


async def contributed(world: World) -> None:
    await approve(world, await propose(world, WORDS))


# Each case: (set-up, the write, what define must show right after it). Define is asked
# between set-up and write, so a cached entry would show the old state.


async def edit_term(world: World) -> None:
    form = await world.moderator.slash(world.general, "mod glossary edit", term="boundaries")
    await world.moderator.submit_modal(
        form,
        {"name": "Boundaries", "definition": "A rewrite.", "aliases": "", "contested_note": ""},
    )


async def add_alias(world: World) -> None:
    await world.moderator.slash(
        world.general, "mod glossary alias", term="boundaries", alias="Limits at work"
    )


async def remove_term(world: World) -> None:
    asked = await world.moderator.slash(world.general, "mod glossary remove", term="boundaries")
    await world.moderator.click(asked.response.message, custom_id=buttons(asked)["Remove"])


async def revert_term(world: World) -> None:
    history = await world.moderator.slash(world.general, "mod glossary history", term="boundaries")
    shipped = int(history.response.embeds[0].description.split("**#")[-1].split("**")[0])
    await world.moderator.slash(
        world.general, "mod glossary revert", term="boundaries", revision=shipped
    )


async def import_terms(world: World) -> None:
    data = b"""version = 1
[[term]]
slug = "boundaries"
name = "Boundaries"
aliases = []
definition = "Imported wording."
contested = false
related = []
sources = []
"""
    plan = await world.moderator.slash(
        world.general, "mod glossary import", file=("glossary.toml", data)
    )
    confirm = plan.response.components[0]["components"][0]["custom_id"]
    await world.moderator.click(plan.response.message, custom_id=confirm)


async def shipped_load(world: World) -> None:
    glossary = world.services.glossary
    current = glossary.shipped()
    terms = tuple(
        replace(t, fields=replace(t.fields, definition="Newer shipped wording."))
        if t.slug == "boundaries"
        else t
        for t in current.terms
    )
    await glossary.load_shipped(world.guild.id, ShippedGlossary(current.version + 1, terms))


async def approve_perspective(world: World) -> None:
    await approve(world, world.mod_channel.last_message)


async def approve_edit(world: World) -> None:
    mine = await world.member.slash(world.general, "glossary mine")
    form = await world.member.click(mine.response.message, custom_id=buttons(mine)["Edit 1"])
    await world.member.submit_modal(form, {"perspective": OTHER_WORDS})
    await approve(world, world.mod_channel.last_message)


async def withdraw(world: World) -> None:
    mine = await world.member.slash(world.general, "glossary mine")
    asked = await world.member.click(mine.response.message, custom_id=buttons(mine)["Withdraw 1"])
    confirm = asked.response.components[0]["components"][0]["custom_id"]
    await world.member.click(asked.response.message, custom_id=confirm)


async def moderator_removes(world: World) -> None:
    listed = await world.moderator.slash(
        world.general, "mod glossary perspectives", term="boundaries"
    )
    form = await world.moderator.click(
        listed.response.message, custom_id=buttons(listed)["Remove 1"]
    )
    await world.moderator.submit_modal(form, {"reason": "It names a colleague."})


async def erase_member(world: World) -> None:
    asked = await world.member.slash(world.general, "mydata delete")
    confirm = asked.response.components[0]["components"][0]["custom_id"]
    await world.member.click(asked.response.message, custom_id=confirm)


async def nothing(world: World) -> None:
    """No set-up."""


async def proposed(world: World) -> None:
    await propose(world, WORDS)


Step = Callable[[World], Awaitable[None]]
CASES: dict[str, tuple[Step, Step, Callable[[str], bool]]] = {
    "edit": (nothing, edit_term, lambda text: "A rewrite." in text),
    "alias": (nothing, add_alias, lambda text: "Limits at work" in text),
    "remove term": (nothing, remove_term, lambda text: "isn't in the glossary" in text),
    "revert": (edit_term, revert_term, lambda text: "A rewrite." not in text),
    "import": (nothing, import_terms, lambda text: "Imported wording." in text),
    "shipped file": (nothing, shipped_load, lambda text: "Newer shipped wording." in text),
    "approve perspective": (proposed, approve_perspective, lambda text: WORDS in text),
    "approve edit": (
        contributed,
        approve_edit,
        lambda text: OTHER_WORDS in text and WORDS not in text,
    ),
    "withdraw": (contributed, withdraw, lambda text: WORDS not in text),
    "moderator removes": (contributed, moderator_removes, lambda text: WORDS not in text),
    "erasure": (contributed, erase_member, lambda text: WORDS not in text),
}


@pytest.mark.parametrize("case", list(CASES))
async def test_define_shows_each_write_at_once(world: World, case: str) -> None:
    set_up, write, fresh = CASES[case]
    await set_up(world)
    before = await shown(world)
    assert not fresh(before)
    assert await shown(world) == before  # asked twice: the second comes from the cache
    await write(world)
    assert fresh(await shown(world))


def view_timers() -> int:
    """Count discord.py's per-view timeout tasks alive now."""
    return sum(
        "timeout_task_impl" in getattr(task.get_coro(), "__qualname__", "")
        for task in asyncio.all_tasks()
    )


async def test_single_page_answers_keep_no_view_and_their_buttons_work_after_restart(
    world: World,
) -> None:
    store = world.bot._connection._view_store
    timers, views = view_timers(), len(store._views) + len(store._synced_message_views)
    answers = [
        await world.member.slash(world.general, "glossary define", term=term)
        for term in ("co-production", "recovery", "tokenism", "boundaries") * 5
    ]
    assert view_timers() == timers
    assert len(store._views) + len(store._synced_message_views) == views
    first = answers[0]
    related = [v for k, v in buttons(first).items() if v.startswith("alongside:glossary:term:")]
    assert len(related) >= 2
    opened = await world.member.click(first.response.message, custom_id=related[0])
    assert opened.ephemeral and opened.response.embeds[0].title
    await world.restart()
    again = await world.member.click(first.response.message, custom_id=related[1])
    assert again.ephemeral and again.response.embeds[0].title


async def test_after_erasure_no_rendered_answer_keeps_the_words(world: World) -> None:
    from cogs.glossary import _views

    gc.collect()  # earlier tests' bots and their cached entries, unreachable by now
    await contributed(world)
    assert WORDS in await shown(world)
    assert any(WORDS in json.dumps(r[1][0].to_dict()) for r in _views._answers.values())
    await erase_member(world)
    assert WORDS not in await shown(world)
    gc.collect()
    kept = [json.dumps(page.to_dict()) for r in _views._answers.values() for page in r[1]]
    assert not any(WORDS in text for text in kept)
