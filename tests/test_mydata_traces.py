"""`/mydata` covers what names a member beyond their own records: the attacker is the member.

A member checks that the bot really forgot them: after `/mydata delete`, nothing the
moderators can scroll back through names or quotes them, no row still carries their id, and the
reply says what could not be removed and how long backups keep what was erased.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import discord
import pytest
import simcord
from simcord.backend.models import Overwrite
from simcord.enums import OverwriteType

from bot.core.config import Settings
from cogs.checkin._cog import Checkins
from tests.bytescan import id_patterns, traces
from tests.conftest import World, make_settings

TERM_WORDS = "Kittiwake circles: deciding things together in the round"
NAMED_VIEW = "Puffin burrows are where I keep my boundaries"
HIDDEN_VIEW = "Guillemot ledges taught me to rest between meetings"
PROMPT_WORDS = "Which shearwater habit of yours helps you come back to this work?"
KEEP = 9  # deliberately not the default, so the text can't have it written in


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path, BACKUP_KEEP=str(KEEP))


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.mod", "cogs.glossary", "cogs.reflect", "cogs.checkin", "cogs.mydata")


async def review_in(world: World, channel: simcord.ChannelHandle) -> None:
    for key in ("glossary_review_channel", "prompts_review_channel"):
        await world.moderator.slash(
            world.general, "mod settings set", key=key, value=f"<#{channel.id}>"
        )


async def contribute(world: World, reviews: simcord.ChannelHandle) -> None:
    """The member suggests a term (approved), two perspectives and a prompt."""
    form = await world.member.slash(world.general, "glossary suggest")
    await world.member.submit_modal(
        form, {"term": "Kittiwake circle", "definition": TERM_WORDS, "source": ""}
    )
    card = reviews.last_message
    await world.moderator.click(card, custom_id=card.components[0].children[0].custom_id)
    for credit, words in (("my name", NAMED_VIEW), ("a member", HIDDEN_VIEW)):
        form = await world.member.slash(
            world.general, "glossary perspective", term="boundaries", credit=credit
        )
        await world.member.submit_modal(form, {"perspective": words})
    form = await world.member.slash(world.general, "reflect suggest", theme="being-heard")
    await world.member.submit_modal(form, {"text": PROMPT_WORDS, "content_note": ""})


def seen_by_moderators(channel: simcord.ChannelHandle) -> str:
    """Everything in a channel's history, as a moderator scrolling back would read it."""
    return json.dumps(
        [[m.content, [e.to_dict() for e in m.embeds]] for m in channel.history()],
        ensure_ascii=False,
    )


async def delete_my_data(world: World, actor: simcord.MemberActor) -> str:
    asked = await actor.slash(world.general, "mydata delete")
    confirm = asked.response.components[0]["components"][0]["custom_id"]
    done = await actor.click(asked.response.message, custom_id=confirm)
    return str(done.followups[-1].content if done.followups else done.response.content)


async def test_review_cards_that_name_or_quote_the_member_are_gone(world: World) -> None:
    await review_in(world, world.mod_channel)
    await contribute(world, world.mod_channel)
    before = seen_by_moderators(world.mod_channel)
    for words in (TERM_WORDS, NAMED_VIEW, HIDDEN_VIEW, PROMPT_WORDS, str(world.member.id)):
        assert words in before  # the cards really named and quoted them
    exported = await world.member.slash(world.general, "mydata export")
    data = json.loads(await exported.response.attachments[0].read())
    listed = data["other_things_naming_you"]["alongside_messages_naming_you"]
    assert [m["what"] for m in listed] == ["prompt suggestion review"]

    reply = await delete_my_data(world, world.member)

    after = seen_by_moderators(world.mod_channel)
    for words in (TERM_WORDS, NAMED_VIEW, HIDDEN_VIEW, PROMPT_WORDS, str(world.member.id)):
        assert words not in after
    assert "couldn't be removed" not in reply
    # The approved term stays in the glossary: a moderator made it part of it.
    defined = await world.other.slash(world.general, "glossary define", term="kittiwake circle")
    assert TERM_WORDS in defined.response.embeds[0].description


async def test_a_card_nobody_can_reach_is_owned_up_to_and_a_gone_one_is_not(
    world: World,
) -> None:
    hidden = world.guild.create_text_channel("old-reviews")
    await review_in(world, hidden)
    await world.moderator.slash(
        world.general,
        "mod settings set",
        key="prompts_review_channel",
        value=f"<#{world.mod_channel.id}>",
    )
    await contribute(world, hidden)
    assert len([m for m in hidden.history() if m.embeds]) == 3
    # A moderator already deleted the prompt's card by hand (Discord answers 404 from now on)...
    [prompt_card] = [m for m in world.mod_channel.history() if m.embeds]
    world.env.backend.delete_message(world.mod_channel.id, prompt_card.id)
    # ...and then took the glossary review channel away from Alongside (403 from now on).
    bot_id = world.env.backend.bot_user.id
    deny = discord.Permissions(view_channel=True).value
    world.env.backend.set_overwrite(hidden.id, Overwrite(bot_id, OverwriteType.MEMBER, 0, deny))
    await world.env.settle()

    reply = await delete_my_data(world, world.member)

    assert "has been erased" in reply
    assert "3 of Alongside's messages that named you couldn't be removed" in reply
    assert "A moderator can delete them" in reply


async def test_moderator_actions_are_exported_then_no_longer_name_them(world: World) -> None:
    moderator = world.moderator
    await moderator.slash(
        world.general, "mod prompts schedule", channel=world.general, cadence="daily"
    )
    await moderator.slash(world.general, "mod prompts retire", prompt="sustaining-01")
    await moderator.slash(
        world.general, "mod glossary add", term="Storm petrel", definition="A small sea bird."
    )
    await world.services.db.execute(
        "INSERT INTO feeds (guild_id, channel_id, url, next_poll_at, added_by, created_at) "
        "VALUES (?, ?, 'https://example.org/feed', '2026-01-12T09:00:00Z', ?, "
        "'2026-01-12T09:00:00Z')",
        (world.guild.id, world.general.id, moderator.id),
    )

    exported = await moderator.slash(world.general, "mydata export")
    data = json.loads(await exported.response.attachments[0].read())
    did = data["other_things_naming_you"]
    assert [f["url"] for f in did["feeds_you_added"]] == ["https://example.org/feed"]
    assert len(did["prompt_schedules_you_set_up"]) == 1
    assert len(did["prompts_you_retired"]) == 1
    assert "Storm petrel" in [c["term"] for c in did["glossary_changes_you_made"]]

    await delete_my_data(world, moderator)

    db = world.services.db
    assert traces(db.path, id_patterns(moderator.id)) == []
    # What the server relies on keeps working, naming nobody.
    assert len(await world.services.prompts.schedules(world.guild.id)) == 1
    assert await db.fetch_value("SELECT added_by FROM feeds") == 0
    defined = await world.other.slash(world.general, "glossary define", term="storm petrel")
    assert defined.response.embeds[0].description == "A small sea bird."


async def test_being_avoided_is_a_count_in_the_export_and_gone_after_delete(
    world: World,
) -> None:
    checkins = world.services.checkins
    for actor in (world.member, world.other):
        await checkins.agree(world.guild.id, actor.id)
    await checkins.buddies.avoid(world.guild.id, world.other.id, world.member.id, avoid=True)

    exported = await world.member.slash(world.general, "mydata export")
    text = (await exported.response.attachments[0].read()).decode()
    data: dict[str, Any] = json.loads(text)
    assert data["other_things_naming_you"]["members_who_asked_not_to_be_paired_with_you"] == 1
    assert str(world.other.id) not in text  # who chose it is never shown

    await delete_my_data(world, world.member)

    assert await world.services.db.fetch_value("SELECT COUNT(*) FROM buddy_avoid") == 0
    assert traces(world.services.db.path, id_patterns(world.member.id)) == []


async def test_delete_show_and_export_say_how_long_backups_keep_it(world: World) -> None:
    assert world.services.config.backup_keep == KEEP
    asked = await world.member.slash(world.general, "mydata delete")
    assert f"each backup is kept for {KEEP} days" in asked.response.content
    reply = await delete_my_data(world, world.member)
    assert f"gone from all of them within {KEEP} days" in reply
    shown = await world.member.slash(world.general, "mydata show")
    backups = [f.value for f in shown.response.embeds[0].fields if f.name == "Backups"]
    assert backups and f"{KEEP} days" in backups[0]
    exported = await world.member.slash(world.general, "mydata export")
    data = json.loads(await exported.response.attachments[0].read())
    assert f"{KEEP} days" in data["about_backups"]


async def test_buddy_introductions_naming_them_are_gone_from_others_dms(world: World) -> None:
    extra = [world.guild.add_member(world.env.create_user(name)) for name in ("cai", "dee")]
    people = [world.member, world.other, *extra]
    checkins = world.services.checkins
    for person in people:
        await checkins.agree(world.guild.id, person.id)
        await checkins.buddies.join(world.guild.id, person.id)
    world.services.clock.set(datetime(2026, 1, 12, 10, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    cog = world.bot.get_cog("Checkins")
    assert isinstance(cog, Checkins)
    await cog.jobs.buddy_tick()
    await world.env.settle()

    def naming_ash() -> list[str]:
        return [
            m.content
            for person in people[1:]
            for m in person.user.dm_channel.history()
            if str(world.member.id) in m.content
        ]

    assert len(naming_ash()) in (1, 2)  # ash's buddy (or both, in a trio) was told their name

    await delete_my_data(world, world.member)

    assert naming_ash() == []
