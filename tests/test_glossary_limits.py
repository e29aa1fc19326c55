"""Glossary replies sized by stored data fit Discord's limits, so a saved change is never
reported as a failure; the edit form shows every alias or leaves them untouched."""

from __future__ import annotations

import pytest

from bot.glossary.model import TermFields
from tests.conftest import World
from tests.test_glossary_discord import plan_confirm_id
from tests.test_reliability_forms import fields


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.about", "cogs.mod", "cogs.glossary")


def alias(number: int) -> str:
    return f"A long other name for the same idea, number {number:03d}, with a comma, too"[:80]


async def term_with_aliases(world: World, count: int) -> None:
    await world.services.glossary.add_term(
        world.guild.id,
        world.moderator.id,
        TermFields(
            name="Kin work",
            definition="Support from people with lived experience.",
            aliases=tuple(alias(n) for n in range(count)),
        ),
    )


def toml_term(slug: str, name: str, definition: str) -> str:
    return f'[[term]]\nslug = "{slug}"\nname = "{name}"\ndefinition = "{definition}"\n'


async def test_a_large_import_reports_success_within_discords_limit(world: World) -> None:
    name = "Imported term " * 5
    good = [toml_term(f"term-{n:02d}", f"{name}{n:02d}", "Fine.") for n in range(52)]
    data = "\n".join(good).encode()
    plan = await world.moderator.slash(
        world.general, "mod glossary import", file=("big.toml", data)
    )
    assert plan.ephemeral and len(plan.response.content) <= 2000
    assert "would add 52 terms" in plan.response.content
    assert "more" in plan.response.content  # the names not listed are counted
    done = await world.moderator.click(plan.response.message, custom_id=plan_confirm_id(plan))
    assert done.response is not None
    assert done.response.content.startswith("Imported.")
    assert len(done.response.content) <= 2000
    defined = await world.member.slash(world.general, "glossary define", term="term-51")
    assert defined.response.embeds[0].description == "Fine."


async def test_adding_one_more_alias_to_a_term_with_many_says_so(world: World) -> None:
    await term_with_aliases(world, 30)
    added = await world.moderator.slash(
        world.general, "mod glossary alias", term="Kin work", alias="Kin support work"
    )
    assert added.ephemeral
    assert len(added.response.content) <= 2000
    assert added.response.content.startswith("Kin work is also called:")
    assert "more." in added.response.content
    term = await world.services.glossary.resolve(world.guild.id, "Kin support work")
    assert len(term.aliases) == 31


async def test_the_edit_form_shows_every_alias_and_saving_keeps_them(world: World) -> None:
    await term_with_aliases(world, 20)  # 20 x 67 characters: more than the old 1,000 limit
    shown = await world.moderator.slash(world.general, "mod glossary edit", term="Kin work")
    assert shown.modal is not None
    [field] = [f for f in fields(shown.modal) if f["custom_id"] == "aliases"]
    assert len(field["value"]) <= field["max_length"] <= 4000
    assert field["value"].splitlines() == [alias(n) for n in range(20)]
    await world.moderator.submit_modal(
        shown,
        {
            "name": "Kin work",
            "definition": "Rewritten.",
            "aliases": field["value"],
            "contested_note": "",
        },
    )
    term = await world.services.glossary.resolve(world.guild.id, "Kin work")
    assert term.definition == "Rewritten."
    assert sorted(term.aliases) == sorted(alias(n) for n in range(20))


async def test_too_many_aliases_for_the_form_are_left_untouched(world: World) -> None:
    await term_with_aliases(world, 65)  # 65 x 67 characters: more than a form field holds
    shown = await world.moderator.slash(world.general, "mod glossary edit", term="Kin work")
    assert shown.modal is not None
    assert "aliases" not in [f["custom_id"] for f in fields(shown.modal)]
    saved = await world.moderator.submit_modal(
        shown, {"name": "Kin work", "definition": "Rewritten.", "contested_note": ""}
    )
    assert "other names are unchanged" in saved.response.content
    term = await world.services.glossary.resolve(world.guild.id, "Kin work")
    assert term.definition == "Rewritten."
    assert len(term.aliases) == 65


def test_an_import_summary_with_many_skipped_entries_stays_within_the_limit() -> None:
    from bot.glossary.moving import ImportPlan
    from cogs.glossary._summary import import_summary

    problems = [f"term-{n:02d}: {'its definition is far too long; ' * 12}" for n in range(12)]
    names = [f"{'Imported term ' * 5}{n:02d}" for n in range(40)]
    summary = import_summary(ImportPlan(names, [], [], problems, ()))
    assert len(summary) <= 1800
    assert "12 entries will be skipped" in summary
    assert "and 7 more" in summary
