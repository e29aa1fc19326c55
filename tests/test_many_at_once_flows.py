"""Two people at once through every multi-step flow: forms and steps interleaved, each person's
data lands with them (issue 14, "many people at once")."""

from __future__ import annotations

import discord

from tests.conftest import World
from tests.test_glossary_discord import set_review_channel
from tests.test_reliability_forms import fields
from tests.test_unsaid_helpers import configure, release, review_messages

CALM = {"load": ["2"], "energy": ["4"], "peer": ["no"]}


async def test_check_in_consent_then_forms_interleaved(world: World) -> None:
    ash = await world.member.slash(world.general, "checkin log")
    bea = await world.other.slash(world.general, "checkin log")
    assert ash.modal is None and bea.modal is None  # both see the consent statement first
    bea_form = await world.other.click(bea.response, label="Agree")
    ash_form = await world.member.click(ash.response, label="Agree")
    assert ash_form.modal is not None and bea_form.modal is not None
    await world.member.submit_modal(ash_form, {**CALM, "note": "ash", "load": ["1"]})
    await world.other.submit_modal(bea_form, {**CALM, "note": "bea", "load": ["5"]})
    checkins = world.services.checkins
    for person, load in ((world.member, 1), (world.other, 5)):
        assert await checkins.consent(world.guild.id, person.id) is not None
        assert [p.load for p in await checkins.history(world.guild.id, person.id, 2)] == [load]


async def test_setup_in_two_servers_at_once_keeps_each_servers_choices(world: World) -> None:
    other_guild = world.env.create_guild("Second Network")
    other_general = other_guild.create_text_channel("general")
    mods = other_guild.create_role("Mods", permissions=discord.Permissions(manage_guild=True))
    other_mod = other_guild.add_member(world.env.create_user("max"), roles=[mods])
    await world.env.settle()
    here_role = world.guild.create_role("Leads here")
    there_role = other_guild.create_role("Leads there")

    here = await world.moderator.slash(world.general, "mod setup")
    there = await other_mod.slash(other_general, "mod setup")
    pick = "alongside:setup:pick"
    await other_mod.select(there.response.message, [there_role], custom_id=pick)
    await world.moderator.select(here.response.message, [here_role], custom_id=pick)
    finish = "alongside:setup:finish"
    here_form = await world.moderator.click(here.response.message, custom_id=finish)
    there_form = await other_mod.click(there.response.message, custom_id=finish)
    text = {"quiet_hours_start": "22:00", "quiet_hours_end": "07:00", "local_helplines": ""}
    await other_mod.submit_modal(there_form, {**text, "timezone": "Europe/Dublin"})
    await world.moderator.submit_modal(here_form, {**text, "timezone": "Europe/Paris"})

    settings = world.services.settings
    assert await settings.get(world.guild.id, "moderator_role") == here_role.id
    assert await settings.get(other_guild.id, "moderator_role") == there_role.id
    assert await settings.get(world.guild.id, "timezone") == "Europe/Paris"
    assert await settings.get(other_guild.id, "timezone") == "Europe/Dublin"


async def test_glossary_suggestions_and_reviews_interleaved(world: World) -> None:
    await set_review_channel(world)
    ash = await world.member.slash(world.general, "glossary suggest")
    bea = await world.other.slash(world.general, "glossary suggest")
    await world.other.submit_modal(
        bea, {"term": "Bea's term", "definition": "By bea.", "source": ""}
    )
    await world.member.submit_modal(
        ash, {"term": "Ash's term", "definition": "By ash.", "source": ""}
    )
    reviews = [m for m in world.mod_channel.history() if m.components]
    assert len(reviews) == 2
    # Two review forms open at once, submitted in the opposite order.
    forms = [await world.moderator.click(m, label="Edit and approve") for m in reviews]
    names = [
        next(c["value"] for c in fields(f.modal or {}) if c["custom_id"] == "term") for f in forms
    ]
    for form, name in reversed(list(zip(forms, names, strict=True))):
        await world.moderator.submit_modal(
            form, {"term": f"{name} (edited)", "definition": f"Approved: {name}."}
        )
    for person, name in ((world.member, "Ash's term"), (world.other, "Bea's term")):
        term = await world.services.glossary.resolve(world.guild.id, f"{name} (edited)")
        assert term.definition == f"Approved: {name}."
        assert any(name in m.content for m in person.user.dm_channel.history())


async def test_unsaid_shares_and_reviews_interleaved(world: World) -> None:
    review = await configure(world)
    ash = await world.member.slash(world.general, "unsaid share")
    bea = await world.other.slash(world.general, "unsaid share")
    await world.other.submit_modal(bea, {"body": "Bea's unsaid words here.", "note": ""})
    await world.member.submit_modal(ash, {"body": "Ash's unsaid words here.", "note": ""})
    await release(world)
    messages = review_messages(review)
    assert len(messages) == 2
    by_body = {("Ash" if "Ash's" in str(m.embeds[0].to_dict()) else "Bea"): m for m in messages}
    note_form = await world.moderator.click(by_body["Ash"], label="Approve with content note")
    reject_form = await world.moderator.click(by_body["Bea"], label="Reject")
    await world.moderator.submit_modal(reject_form, {"reason": "Names a colleague."})
    await world.moderator.submit_modal(note_form, {"note": "grief"})
    published = " ".join(
        f"{m.content} {m.embeds[0].to_dict()}" for m in world.general.history() if m.embeds
    )
    assert "Ash's unsaid words" in published and "grief" in published
    assert "Bea's unsaid words" not in published


async def test_prompt_answers_interleaved_land_under_each_name(world: World) -> None:
    await world.moderator.slash(world.general, "mod prompts post-now", channel=world.general)
    [post] = [m for m in world.general.history() if m.embeds]
    ash = await world.member.click(post, label="Share in the thread")
    bea = await world.other.click(post, label="Share in the thread")
    await world.other.submit_modal(bea, {"answer": "Bea answers the prompt."})
    await world.member.submit_modal(ash, {"answer": "Ash answers the prompt."})
    [thread] = world.general.threads
    said = [m.content for m in thread.history()]
    assert any(f"<@{world.other.id}> shared" in s and "Bea answers" in s for s in said), said
    assert any(f"<@{world.member.id}> shared" in s and "Ash answers" in s for s in said), said


async def test_buddy_joins_interleaved_with_consent(world: World) -> None:
    ash = await world.member.slash(world.general, "checkin buddies join")
    bea = await world.other.slash(world.general, "checkin buddies join")
    await world.other.click(bea.response, label="Agree")
    await world.member.click(ash.response, label="Agree")
    buddies = world.services.checkins.buddies
    for person in (world.member, world.other):
        joined = await person.slash(world.general, "checkin buddies join")
        assert "You're in buddy rounds" in joined.response.content
    for person in (world.member, world.other):
        assert await buddies.status(world.guild.id, person.id) is not None
