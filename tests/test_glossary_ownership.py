"""Perspectives belong to their authors: edit, withdraw, moderators' removal, history, privacy."""

from __future__ import annotations

import json
import re
from typing import Any

import discord
import pytest
import simcord

from tests.bytescan import id_patterns, traces
from tests.conftest import World

WORDS = "Peer work taught me that listening is itself a kind of care."
EDITED = "Peer work taught me that listening, done well, is care."


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.about", "cogs.support", "cogs.mod", "cogs.glossary", "cogs.mydata")


async def review_channel(world: World) -> None:
    await world.moderator.slash(
        world.general,
        "mod settings set",
        key="glossary_review_channel",
        value=f"<#{world.mod_channel.id}>",
    )


async def contribute(world: World, actor: Any, text: str, *, anonymous: bool) -> None:
    """A member writes a perspective on Boundaries and a moderator approves it."""
    form = await actor.slash(
        world.general,
        "glossary perspective",
        term="boundaries",
        credit="a member" if anonymous else "my name",
    )
    await actor.submit_modal(form, {"perspective": text})
    review = world.mod_channel.last_message
    await world.moderator.click(review, custom_id=review.components[0].children[0].custom_id)


def buttons(result: simcord.InteractionResult) -> dict[str, str]:
    """Label → custom_id of a reply's buttons."""
    rows = result.response.components
    return {c["label"]: c["custom_id"] for row in rows for c in row["components"]}


async def define_text(world: World) -> str:
    shown = await world.other.slash(world.general, "glossary define", term="boundaries")
    return json.dumps([e.to_dict() for e in shown.response.embeds], ensure_ascii=False)


async def crafted_click(world: World, actor: Any, custom_id: str) -> simcord.InteractionResult:
    """Click a button carrying someone else's custom_id, as a modified client could send it.

    discord.py only dispatches ids present on the clicked message, so the id is put on a message
    the attacker can see; what is tested is the bot's own check, not Discord's.
    """
    view = discord.ui.View()
    view.add_item(discord.ui.Button(label="Crafted", custom_id=custom_id))
    channel = world.bot.get_channel(world.general.id)
    assert isinstance(channel, discord.TextChannel)
    await channel.send("A message the attacker can see.", view=view)
    return await actor.click(world.general.last_message, custom_id=custom_id)


async def test_an_edit_is_reviewed_and_the_approved_words_stay_until_then(world: World) -> None:
    await review_channel(world)
    await contribute(world, world.member, WORDS, anonymous=False)
    mine = await world.member.slash(world.general, "glossary mine")
    assert mine.ephemeral and WORDS in mine.response.embeds[0].fields[0].value
    first = await world.member.click(mine.response.message, custom_id=buttons(mine)["Edit 1"])
    second = await world.member.click(mine.response.message, custom_id=buttons(mine)["Edit 1"])
    assert first.modal is not None and second.modal is not None
    assert first.modal["custom_id"] != second.modal["custom_id"]  # never a fixed form id
    sent = await world.member.submit_modal(first, {"perspective": EDITED})
    assert "until then the approved words stay" in sent.response.content
    shown = await define_text(world)
    assert WORDS in shown and EDITED not in shown

    review = world.mod_channel.last_message
    assert review.embeds[0].title == "Edited perspective on Boundaries"
    await world.moderator.click(review, custom_id=review.components[0].children[0].custom_id)
    shown = await define_text(world)
    assert EDITED in shown and WORDS not in shown
    assert "edited perspective" in world.member.user.dm_channel.last_message.content
    history = await world.moderator.slash(world.general, "mod glossary history", term="boundaries")
    assert "perspective edit approved" in history.response.embeds[0].description


async def test_another_members_crafted_edit_or_withdraw_is_refused(world: World) -> None:
    await review_channel(world)
    await contribute(world, world.member, WORDS, anonymous=True)
    mine = await world.member.slash(world.general, "glossary mine")
    theirs = buttons(mine)
    for label in ("Edit 1", "Withdraw 1"):
        refused = await crafted_click(world, world.other, theirs[label])
        assert refused.ephemeral and refused.modal is None
        assert "Only the member who wrote this can change it" in refused.response.content
    assert WORDS in await define_text(world)
    again = await world.member.slash(world.general, "glossary mine")
    assert WORDS in again.response.embeds[0].fields[0].value


async def test_withdrawing_takes_it_out_of_define_and_its_words_out_of_history(
    world: World,
) -> None:
    await review_channel(world)
    await contribute(world, world.member, WORDS, anonymous=False)
    mine = await world.member.slash(world.general, "glossary mine")
    asked = await world.member.click(mine.response.message, custom_id=buttons(mine)["Withdraw 1"])
    confirm = asked.response.components[0]["components"][0]["custom_id"]
    done = await world.member.click(asked.response.message, custom_id=confirm)
    assert "Withdrawn" in done.response.content
    assert WORDS not in await define_text(world)
    history = await world.moderator.slash(world.general, "mod glossary history", term="boundaries")
    text = history.response.embeds[0].description
    assert "withdrawn by its author" in text and WORDS not in text
    approval = int(text.split("perspective approved")[0].split("**#")[-1].split("**")[0])
    refused = await world.moderator.slash(
        world.general, "mod glossary revert", term="boundaries", revision=approval
    )
    assert "their words are theirs" in refused.response.content
    assert WORDS not in await define_text(world)
    empty = await world.member.slash(world.general, "glossary mine")
    assert "haven't added anything" in empty.response.content


async def test_a_moderator_removes_one_with_a_reason_and_revert_restores_it(
    world: World,
) -> None:
    await review_channel(world)
    await contribute(world, world.member, WORDS, anonymous=False)
    listed = await world.moderator.slash(
        world.general, "mod glossary perspectives", term="boundaries"
    )
    assert listed.ephemeral and WORDS in listed.response.embeds[0].fields[0].value
    crafted = await crafted_click(world, world.member, buttons(listed)["Remove 1"])
    assert "Only moderators can use this" in crafted.response.content
    form = await world.moderator.click(
        listed.response.message, custom_id=buttons(listed)["Remove 1"]
    )
    done = await world.moderator.submit_modal(form, {"reason": "It names a colleague."})
    assert "told, privately" in done.response.content
    told = world.member.user.dm_channel.last_message.content
    assert "It names a colleague." in told and "Boundaries" in told
    assert WORDS not in await define_text(world)
    mine = await world.member.slash(world.general, "glossary mine")
    field = mine.response.embeds[0].fields[0]
    assert "removed by a moderator" in field.name and "It names a colleague." in field.value

    history = await world.moderator.slash(world.general, "mod glossary history", term="boundaries")
    text = history.response.embeds[0].description
    approval = int(text.split("perspective approved")[0].split("**#")[-1].split("**")[0])
    await world.moderator.slash(
        world.general, "mod glossary revert", term="boundaries", revision=approval
    )
    assert WORDS in await define_text(world)


async def test_moderators_never_see_who_wrote_an_anonymous_perspective(world: World) -> None:
    await review_channel(world)
    await contribute(world, world.member, WORDS, anonymous=True)
    mine = await world.member.slash(world.general, "glossary mine")
    form = await world.member.click(mine.response.message, custom_id=buttons(mine)["Edit 1"])
    await world.member.submit_modal(form, {"perspective": EDITED})

    seen: list[str] = []
    for message in world.mod_channel.history():
        seen.append(json.dumps([e.to_dict() for e in message.embeds]))
    pending = await world.moderator.slash(world.general, "mod glossary pending")
    seen += [json.dumps([e.to_dict() for e in f.embeds]) for f in pending.followups]
    review = world.mod_channel.last_message
    await world.moderator.click(review, custom_id=review.components[0].children[0].custom_id)
    listed = await world.moderator.slash(
        world.general, "mod glossary perspectives", term="boundaries"
    )
    seen.append(json.dumps([e.to_dict() for e in listed.response.embeds]))
    form = await world.moderator.click(
        listed.response.message, custom_id=buttons(listed)["Remove 1"]
    )
    removed = await world.moderator.submit_modal(form, {"reason": "Off topic."})
    seen.append(removed.response.content)
    history = await world.moderator.slash(world.general, "mod glossary history", term="boundaries")
    seen.append(history.response.embeds[0].description)
    log = await world.moderator.slash(world.general, "mod log")
    seen.append(json.dumps([e.to_dict() for e in log.response.embeds]))

    everything = "\n".join(seen)
    assert EDITED in everything and "perspective removed" in everything  # the surfaces were seen
    assert str(world.member.id) not in everything
    assert not re.search(rf"\b{re.escape(world.member.user.name)}\b", everything, re.IGNORECASE)
    # The author was still told, and a thief with the database alone can't link it either.
    assert "Off topic." in world.member.user.dm_channel.last_message.content
    await world.services.db.checkpoint()
    assert traces(world.services.db.path, id_patterns(world.member.id)) == []


async def test_mydata_exports_and_erases_anonymous_perspectives_and_their_history(
    world: World,
) -> None:
    await review_channel(world)
    await contribute(world, world.member, WORDS, anonymous=True)
    exported = await world.services.member_data.export(world.guild.id, world.member.id)
    assert [p["text"] for p in exported["glossary"]["data"]["perspectives"]] == [WORDS]
    other = await world.services.member_data.export(world.guild.id, world.other.id)
    assert other["glossary"]["data"]["perspectives"] == []

    asked = await world.member.slash(world.general, "mydata delete")
    confirm = asked.response.components[0]["components"][0]["custom_id"]
    await world.member.click(asked.response.message, custom_id=confirm)
    await world.services.db.checkpoint()
    assert traces(world.services.db.path, [WORDS.encode()]) == []
    assert WORDS not in await define_text(world)


async def test_mine_pages_through_many_contributions(world: World) -> None:
    glossary = world.services.glossary
    for number in range(7):
        await glossary.add_perspective(
            world.guild.id, world.member.id, "recovery", f"View number {number}.", anonymous=False
        )
    mine = await world.member.slash(world.general, "glossary mine")
    assert len(mine.response.embeds[0].fields) == 5
    turned = await world.member.click(mine.response.message, custom_id=buttons(mine)["Next"])
    fields = turned.response.embeds[0].fields
    assert [f.name.split(".")[0] for f in fields] == ["6", "7"]


async def test_a_declined_edit_leaves_the_approved_words_and_the_author_hears_why(
    world: World,
) -> None:
    await review_channel(world)
    await contribute(world, world.member, WORDS, anonymous=True)
    mine = await world.member.slash(world.general, "glossary mine")
    form = await world.member.click(mine.response.message, custom_id=buttons(mine)["Edit 1"])
    await world.member.submit_modal(form, {"perspective": EDITED})
    review = world.mod_channel.last_message
    decline = review.components[0].children[-1].custom_id
    assert decline.startswith("alongside:glossary:reject:e")
    reason_form = await world.moderator.click(review, custom_id=decline)
    await world.moderator.submit_modal(reason_form, {"reason": "Please keep the first wording."})
    assert "Please keep the first wording." in world.member.user.dm_channel.last_message.content
    shown = await define_text(world)
    assert WORDS in shown and EDITED not in shown
    again = await world.member.slash(world.general, "glossary mine")
    assert "waiting for review" not in again.response.embeds[0].fields[0].value
