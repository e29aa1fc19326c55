"""Reflective prompts through SimCord, for moderators: channel schedules, post now, suggestions."""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.reflectsupport import at_london, button_ids, dms, quiet_hours_off, tick_at


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.about", "cogs.support", "cogs.mod", "cogs.reflect")


async def test_a_channel_schedule_posts_a_prompt_with_its_own_thread(world: World) -> None:
    await quiet_hours_off(world)
    made = await world.moderator.slash(
        world.general,
        "mod prompts schedule",
        channel=world.general,
        cadence="weekly",
        day="wednesday",
        time="12:00",
        theme="solidarity",
    )
    assert made.ephemeral and "every Wednesday at 12:00" in made.response.content
    await tick_at(world, at_london(2026, 1, 14, 11, 59))
    assert world.general.threads == []
    await tick_at(world, at_london(2026, 1, 14, 12, 0))
    [post] = [m for m in world.general.history() if m.embeds]
    assert post.embeds[0].title == "Solidarity and peer connection"
    [thread] = world.general.threads
    described = " ".join(post.embeds[0].description.split())
    heavy = "Reflection (content note: "
    if thread.name.startswith(heavy):  # a heavy prompt's thread is named by its note, not words
        assert thread.name.removeprefix(heavy).rstrip(")")[:20] in described and "||" in described
    else:
        assert thread.name[:20] in described
    assert [b.split(":")[2] for b in button_ids(post)] == ["journal", "share", "anon"]

    form = await world.member.click(post, label="Share in the thread")
    shared = await world.member.submit_modal(form, {"answer": "We meet monthly, as peers."})
    assert shared.ephemeral and "under your name" in shared.response.content
    answer = thread.last_message
    assert answer is not None and answer.content.startswith(f"<@{world.member.id}> shared:")
    assert "We meet monthly, as peers." in answer.content
    sent = [r for r in world.env.http_requests if r.path == f"/channels/{thread.id}/messages"]
    assert sent[-1].json["allowed_mentions"] == {"parse": []}

    anonymous = await world.member.click(post, label="Share anonymously")
    assert anonymous.ephemeral and "coming soon" in anonymous.response.content

    form = await world.other.click(post, label="Journal privately")
    await world.other.submit_modal(form, {"entry": "I want more of this."})
    journal = await world.other.slash(world.general, "reflect journal")
    assert "I want more of this." in str(journal.response.embeds[0].to_dict())

    listed = await world.moderator.slash(world.general, "mod prompts schedules")
    assert "7 of 8 unused" in listed.response.embeds[0].description
    log = await world.moderator.slash(world.general, "mod log")
    assert "prompts.schedule" in log.response.embeds[0].description


async def test_post_now_preview_add_and_retire(world: World) -> None:
    preview = await world.moderator.slash(world.general, "mod prompts preview", prompt="power-05")
    description = preview.response.embeds[0].description
    assert description.startswith("**Content note:** restraint, seclusion and detention")
    assert "||Have you been present" in description

    added = await world.moderator.slash(
        world.general,
        "mod prompts add",
        theme="sustaining",
        text="What helped you rest this week?",
    )
    code = added.response.content.split("`")[1]
    assert code.startswith("local-")
    for prompt in ("sustaining-01", "sustaining-02"):
        await world.moderator.slash(world.general, "mod prompts retire", prompt=prompt)
    listing = await world.moderator.slash(world.general, "mod prompts list", theme="sustaining")
    text = listing.response.embeds[0].description
    assert "What helped you rest this week?" in text and text.count("retired") == 2

    posted = await world.moderator.slash(
        world.general, "mod prompts post-now", channel=world.general, thread=False
    )
    assert posted.ephemeral and "Posted" in posted.response.content
    assert world.general.last_message.embeds and world.general.threads == []


async def test_a_suggestion_is_reviewed_and_its_author_told(world: World) -> None:
    await world.moderator.slash(
        world.general,
        "mod settings set",
        key="prompts_review_channel",
        value=f"<#{world.mod_channel.id}>",
    )
    form = await world.member.slash(world.general, "reflect suggest", theme="being-heard")
    sent = await world.member.submit_modal(
        form, {"text": "When were you asked for your view after the decision?", "content_note": ""}
    )
    assert sent.ephemeral and "A moderator will look" in sent.response.content
    review = world.mod_channel.last_message
    assert review.embeds[0].title == "Suggested prompt"
    approve_id, _ = button_ids(review)

    refused = await world.other.click(review, custom_id=approve_id)
    assert "Only moderators can use this" in refused.response.content

    approved = await world.moderator.click(review, custom_id=approve_id)
    assert approved.ephemeral and "local-" in approved.response.content
    footer = world.mod_channel.last_message.embeds[0].footer.text
    # The card outlives a moderator's /mydata delete, so it never names them (/mod log does,
    # until they erase).
    assert "Approved by a moderator" in footer and world.moderator.name not in footer.split()
    assert "now in the server's library" in dms(world.member)[-1].content
    listing = await world.moderator.slash(world.general, "mod prompts list", theme="being-heard")
    assert "asked for your view after the decision" in listing.response.embeds[0].description

    form = await world.other.slash(world.general, "reflect suggest", theme="power")
    await world.other.submit_modal(form, {"text": "Who holds the budget?", "content_note": ""})
    review = world.mod_channel.last_message
    reason_form = await world.moderator.click(review, custom_id=button_ids(review)[1])
    await world.moderator.submit_modal(reason_form, {"reason": "We have one very like it."})
    assert "We have one very like it." in dms(world.other)[-1].content


async def test_crafted_mod_prompts_commands_from_a_member_change_nothing(world: World) -> None:
    world.open_mod_commands_to_everyone()
    refused = await world.member.slash(
        world.general, "mod prompts schedule", channel=world.general, cadence="daily"
    )
    assert "Only moderators can use this" in refused.response.content
    retire = await world.member.slash(world.general, "mod prompts retire", prompt="power-01")
    assert "Only moderators can use this" in retire.response.content
    assert await world.services.prompts.schedules(world.guild.id) == []
    assert not any(p.retired for p in await world.services.prompts.library_for(world.guild.id))


async def test_pause_resume_and_unsubscribe(world: World) -> None:
    await world.member.slash(world.general, "reflect subscribe", cadence="daily")
    paused = await world.member.slash(world.general, "reflect pause", weeks=2)
    assert "Paused" in paused.response.content
    await tick_at(world, at_london(2026, 1, 13, 9, 0))
    assert dms(world.member) == []
    await world.member.slash(world.general, "reflect resume")
    await tick_at(world, at_london(2026, 1, 14, 9, 0))
    assert len(dms(world.member)) == 1
    await world.member.slash(world.general, "reflect unsubscribe")
    await tick_at(world, at_london(2026, 1, 15, 9, 0))
    assert len(dms(world.member)) == 1
    status = await world.member.slash(world.general, "reflect status")
    assert "not subscribed" in status.response.embeds[0].description


async def test_a_dm_prompt_can_be_stopped_from_the_dm_itself(world: World) -> None:
    await world.member.slash(world.general, "reflect subscribe", cadence="daily")
    await tick_at(world, at_london(2026, 1, 13, 9, 0))
    [prompt] = dms(world.member)
    form = await world.member.user.click(prompt, label="Journal privately")
    await world.member.user.submit_modal(form, {"entry": "Written from my DMs."})
    stopped = await world.member.user.click(prompt, label="Stop these prompts")
    assert "no more prompts by direct message from Peer Network" in stopped.response.content
    await tick_at(world, at_london(2026, 1, 14, 9, 0))
    assert len(dms(world.member)) == 1
    journal = await world.member.slash(world.general, "reflect journal")
    assert "Written from my DMs." in str(journal.response.embeds[0].to_dict())
