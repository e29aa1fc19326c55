"""`/mydata`: members see, export and erase their data; erasure leaves no bytes behind."""

from __future__ import annotations

import json

import pytest

from tests.bytescan import id_patterns, traces
from tests.conftest import World

MARKER = "Zebrafinch lanterns are how I remember that meeting"
CHECKIN_MARKER = "Marmalade skies over the board table"
JOURNAL_MARKER = "Heronsbill journal words nobody else reads"


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return (
        "cogs.about",
        "cogs.support",
        "cogs.mod",
        "cogs.glossary",
        "cogs.checkin",
        "cogs.mydata",
    )


async def contribute(world: World) -> None:
    """The member adds a perspective (approved) and suggests a term; another member too."""
    glossary = world.services.glossary
    for actor, text in ((world.member, MARKER), (world.other, "Another member's view.")):
        perspective, _ = await glossary.add_perspective(
            world.guild.id, actor.id, "recovery", text, anonymous=False
        )
        await glossary.decide_perspective(world.guild.id, perspective.id, approve=True)
    await glossary.suggest_term(world.guild.id, world.member.id, "Quillwort", "A suggestion.", "")
    checkins = world.services.checkins
    await checkins.agree(world.guild.id, world.member.id)
    await checkins.log(
        world.guild.id, world.member.id, 4, 2, note=f"Checkin note: {CHECKIN_MARKER}"
    )
    prompts = world.services.prompts
    await prompts.write_journal(world.guild.id, world.member.id, JOURNAL_MARKER, None)
    await prompts.subscribe(
        world.guild.id, world.member.id, "weekly", "monday", "09:00", None, None
    )


async def test_show_summarises_what_is_held_and_why(world: World) -> None:
    await contribute(world)
    result = await world.member.slash(world.general, "mydata show")
    assert result.ephemeral
    description = result.response.embeds[0].description
    assert "**glossary**: 2 item(s)" in description
    assert "**checkins**:" in description
    assert "receipt code" in result.response.embeds[0].fields[0].value


async def test_export_contains_exactly_the_callers_data(world: World) -> None:
    await contribute(world)
    result = await world.member.slash(world.general, "mydata export")
    assert result.ephemeral
    attachment = result.response.attachments[0]
    data = json.loads(await attachment.read())
    assert data["your_id"] == str(world.member.id)
    glossary = data["glossary"]["data"]
    assert [p["text"] for p in glossary["perspectives"]] == [MARKER]
    assert [s["name"] for s in glossary["suggestions"]] == ["Quillwort"]
    assert "Another member's view." not in json.dumps(data)
    assert CHECKIN_MARKER in json.dumps(data["checkins"])
    assert JOURNAL_MARKER in json.dumps(data["prompts"])
    assert "not linked to anyone" in data["about_anonymous_submissions"]


async def test_delete_asks_first_then_leaves_no_bytes_behind(world: World) -> None:
    await contribute(world)
    await world.services.db.checkpoint()
    database = world.services.db.path
    assert traces(database, [MARKER.encode()])  # the scan can see it before erasure

    asked = await world.member.slash(world.general, "mydata delete")
    assert asked.ephemeral and "can't be undone" in asked.response.content
    confirm = asked.response.components[0]["components"][0]["custom_id"]
    done = await world.member.click(asked.response.message, custom_id=confirm)
    assert (
        "has been erased" in done.followups[-1].content if done.followups else done.response.content
    )

    left = traces(
        database,
        [
            MARKER.encode(),
            CHECKIN_MARKER.encode(),
            JOURNAL_MARKER.encode(),
            b"Quillwort",
            *id_patterns(world.member.id),
        ],
    )
    assert left == []
    defined = await world.other.slash(world.general, "glossary define", term="recovery")
    assert MARKER not in str(defined.response.embeds[0].to_dict())
    assert "Another member's view." in str(defined.response.embeds[0].to_dict())


async def test_keep_my_data_changes_nothing(world: World) -> None:
    await contribute(world)
    asked = await world.member.slash(world.general, "mydata delete")
    keep = asked.response.components[0]["components"][1]["custom_id"]
    await world.member.click(asked.response.message, custom_id=keep)
    data = await world.services.member_data.export(world.guild.id, world.member.id)
    assert data["glossary"]["data"]["perspectives"]
