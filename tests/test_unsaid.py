"""Unsaid through SimCord: share, review, post, reply, withdraw, block, crisis, failures."""

from __future__ import annotations

import discord
import pytest

from tests.bytescan import traces
from tests.conftest import World
from tests.test_unsaid_helpers import (
    UNSAID_EXTENSIONS,
    answer,
    configure,
    custom_ids,
    posts,
    receipt_of,
    release,
    review_messages,
    share,
)

WORDS = "In the board meeting they talked about 'service users' as if none of us were there."
CRISIS = "Honestly some days after those meetings I want to kill myself."


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return UNSAID_EXTENSIONS


async def approve_first(world: World, review: object) -> None:
    [message] = review_messages(review)  # type: ignore[arg-type]
    result = await world.moderator.click(message, label="Approve")
    assert result.ephemeral
    assert "Approved and posted" in answer(result)


async def test_submit_review_approve_posts_with_a_thread(world: World) -> None:
    review = await configure(world)
    result = await share(world.member, world, WORDS)
    assert result.ephemeral
    embed = result.response.embeds[0]
    assert "A moderator will read it" in embed.description
    assert receipt_of(result)

    # Timing: nothing reaches moderators at the moment of submission, only with the batch.
    assert review.history() == []
    await release(world, minutes=10)
    assert review.history() == []
    await release(world, minutes=21)
    [queued] = review_messages(review)
    assert WORDS in queued.embeds[0].description
    assert "can't see who wrote this" in queued.embeds[0].footer.text

    await approve_first(world, review)
    [post] = posts(world.general)
    assert post.author.id == world.bot.user.id
    assert post.interaction_metadata is None  # a plain channel message, not a response
    assert post.embeds[0].title == "Unsaid #1"
    assert post.embeds[0].description == WORDS
    assert post.embeds[0].footer.text == "Shared anonymously on 12 January 2026"
    assert [t.name for t in world.general.threads] == ["Unsaid #1: responses"]
    assert any(c.startswith("alongside:unsaid:reply:") for c in custom_ids(post))
    # The review message no longer holds the words once decided.
    closed = review.history()[-1]
    assert closed.embeds[0].title == "Posted as Unsaid #1"
    assert WORDS not in str(closed.embeds[0].to_dict())
    assert await world.services.db.fetch_value("SELECT body FROM unsaid_items") is None


async def test_content_note_is_shown_and_the_body_spoilered(world: World) -> None:
    review = await configure(world)
    await share(world.member, world, "Restrained | again", note="restraint")
    await release(world)
    [message] = review_messages(review)
    shown = await world.moderator.click(message, label="Approve with content note")
    assert shown.modal is not None
    done = await world.moderator.submit_modal(shown, {"note": "restraint, ward rounds"})
    assert done.ephemeral
    [post] = posts(world.general)
    assert post.content == "**Content note:** restraint, ward rounds"
    assert post.embeds[0].description == "||Restrained \\| again||"


async def test_reject_erases_the_words_and_the_author_reads_the_reason(world: World) -> None:
    review = await configure(world)
    receipt = receipt_of(await share(world.member, world, WORDS))
    await release(world)
    [message] = review_messages(review)
    shown = await world.moderator.click(message, label="Reject")
    done = await world.moderator.submit_modal(shown, {"reason": "It names a colleague."})
    assert done.ephemeral
    assert posts(world.general) == []
    assert await world.services.db.fetch_value("SELECT body FROM unsaid_items") is None
    assert review.history()[-1].embeds[0].title == "Not posted"

    status = await world.member.slash(world.general, "unsaid status", receipt=receipt)
    assert status.ephemeral
    assert "It names a colleague." in answer(status)
    audit, _ = await world.services.audit.page(world.guild.id, action="unsaid.reject")
    assert len(audit) == 1


async def test_withdraw_before_review_erases_everything(world: World) -> None:
    review = await configure(world)
    receipt = receipt_of(await share(world.member, world, WORDS))
    result = await world.member.slash(world.general, "unsaid withdraw", receipt=receipt.lower())
    assert result.ephemeral
    assert "withdrawn" in answer(result)
    assert await world.services.db.fetch_value("SELECT COUNT(*) FROM unsaid_items") == 0
    assert traces(world.services.config.database_path, [WORDS.encode()]) == []
    await release(world)
    assert review.history() == []


async def test_withdraw_during_review_clears_the_review_message(world: World) -> None:
    review = await configure(world)
    receipt = receipt_of(await share(world.member, world, WORDS))
    await release(world)
    await world.member.slash(world.general, "unsaid withdraw", receipt=receipt)
    [message] = review.history()
    assert message.embeds[0].title == "Withdrawn by its author"
    assert WORDS not in str(message.embeds[0].to_dict())
    assert custom_ids(message) == []


async def test_withdraw_after_posting_deletes_post_and_thread(world: World) -> None:
    review = await configure(world)
    receipt = receipt_of(await share(world.member, world, WORDS))
    await release(world)
    await approve_first(world, review)
    assert posts(world.general)
    assert world.general.threads

    result = await world.member.slash(world.general, "unsaid withdraw", receipt=receipt)
    assert result.ephemeral
    assert "taken down" in answer(result)
    assert posts(world.general) == []
    assert world.general.threads == []
    assert await world.services.db.fetch_value("SELECT COUNT(*) FROM unsaid_items") == 0
    again = await world.member.slash(world.general, "unsaid withdraw", receipt=receipt)
    assert "couldn't find anything" in answer(again)


async def test_anonymous_reply_is_posted_by_the_bot_in_the_thread(world: World) -> None:
    review = await configure(world)
    await share(world.member, world, WORDS)
    await release(world)
    await approve_first(world, review)
    [post] = posts(world.general)

    shown = await world.other.click(post, label="Reply anonymously")
    assert shown.modal is not None
    assert shown.modal["title"] == "Reply to Unsaid #1"
    done = await world.other.submit_modal(shown, {"body": "Same here. You are not alone."})
    assert done.ephemeral
    assert receipt_of(done)
    await release(world)
    [message] = review_messages(review)
    assert message.embeds[0].title == "Reply to Unsaid #1: waiting for review"
    await world.moderator.click(message, label="Approve")

    [thread] = world.general.threads
    replies = [m for m in thread.history() if m.embeds]
    assert [m.embeds[0].description for m in replies] == ["Same here. You are not alone."]
    assert replies[0].author.id == world.bot.user.id
    assert replies[0].interaction_metadata is None


async def test_replies_can_be_turned_off_by_the_author(world: World) -> None:
    review = await configure(world)
    await share(world.member, world, WORDS, replies=False)
    await release(world)
    await approve_first(world, review)
    [post] = posts(world.general)
    assert custom_ids(post) == []
    assert world.general.threads == []


async def test_block_refuses_the_author_but_not_others(world: World) -> None:
    review = await configure(world)
    await share(world.member, world, WORDS)
    await share(world.member, world, "A second, unrelated thought.")
    await release(world)
    first = review_messages(review)[0]
    blocked = await world.moderator.click(first, label="Block author")
    assert blocked.ephemeral
    block_id = answer(blocked).split("`")[1]
    assert block_id.startswith("B-")
    assert "alongside:unsaid:block:" not in " ".join(custom_ids(review.history()[0]))

    refused = await world.member.slash(world.general, "unsaid share")
    assert refused.ephemeral
    assert refused.modal is None
    assert "paused for you" in refused.response.content
    allowed = await world.other.slash(world.general, "unsaid share")
    assert allowed.modal is not None

    listed = await world.moderator.slash(world.general, "mod unsaid blocks")
    assert block_id in listed.response.embeds[0].description
    await world.moderator.slash(world.general, "mod unsaid unblock", block=block_id)
    assert (await world.member.slash(world.general, "unsaid share")).modal is not None
    actions = [e.action for e in (await world.services.audit.page(world.guild.id))[0]]
    assert actions[:2] == ["unsaid.unblock", "unsaid.block"]


async def test_crisis_phrase_shows_helplines_first_and_is_held_without_review(
    world: World,
) -> None:
    review = await configure(world, review=False)
    result = await share(world.member, world, CRISIS)
    assert result.ephemeral
    embeds = result.response.embeds
    assert embeds[0].title == "Support"  # the helplines, before anything else
    assert "Samaritans" in str(embeds[0].to_dict())
    assert "before anything else" in result.response.content
    assert "of what it says" in embeds[1].description
    await release(world, minutes=60)
    assert posts(world.general) == []  # held even though review is off
    [message] = review_messages(review)
    assert message.embeds[0].fields[0].name == "Needs care"


async def test_crisis_phrase_still_signposts_when_the_limit_is_reached(world: World) -> None:
    await configure(world, daily_limit=1)
    await share(world.member, world, WORDS)
    shown = await world.member.slash(world.general, "unsaid share")
    assert shown.modal is None  # the form says no before anything is typed
    await world.moderator.slash(world.general, "mod unsaid settings", daily_limit=2)
    shown = await world.member.slash(world.general, "unsaid share")
    await world.moderator.slash(world.general, "mod unsaid settings", daily_limit=1)
    result = await world.member.submit_modal(shown, {"body": CRISIS, "note": "", "replies": True})
    assert result.ephemeral
    assert result.response.embeds[0].title == "Support"
    assert "You've shared once today" in result.response.content


async def test_daily_limit_is_kind_and_resets_the_next_day(world: World) -> None:
    await configure(world)
    for n in range(3):
        assert (await share(world.member, world, f"thought {n}")).ephemeral
    refused = await world.member.slash(world.general, "unsaid share")
    assert refused.ephemeral
    assert "You can share again tomorrow" in refused.response.content
    assert (await world.other.slash(world.general, "unsaid share")).modal is not None
    await release(world, minutes=24 * 60)
    assert (await world.member.slash(world.general, "unsaid share")).modal is not None


async def test_review_off_waits_a_random_delay_and_notifies_moderators(world: World) -> None:
    review = await configure(world, review=False, delay="2-10")
    result = await share(world.member, world, WORDS + "\u200b\u202e")
    assert "random wait of 2 to 10 minutes" in result.response.embeds[0].description
    assert posts(world.general) == []  # not at the moment of submission
    await release(world, minutes=1)
    assert posts(world.general) == []
    await release(world, minutes=10)
    [post] = posts(world.general)
    assert post.embeds[0].description == WORDS  # invisible characters stripped
    [notice] = review.history()
    assert notice.embeds[0].title == "Unsaid #1 was posted without review"
    assert [c.split(":")[2] for c in custom_ids(notice)] == ["block"]


async def test_links_are_held_for_review_when_review_is_off(world: World) -> None:
    review = await configure(world, review=False)
    result = await share(world.member, world, "Read this: https://example.org/report")
    assert "it holds a link" in result.response.embeds[0].description
    await release(world, minutes=31)
    assert posts(world.general) == []
    [message] = review_messages(review)
    assert "Holds a link" in [f.name for f in message.embeds[0].fields]


async def test_a_failed_post_is_kept_and_moderators_are_told(world: World) -> None:
    review = await configure(world)
    receipt = receipt_of(await share(world.member, world, WORDS))
    await release(world)
    world.env.inject_error(
        "POST",
        f"/channels/{world.general.id}/messages",
        status=403,
        code=50013,
        message="Missing Permissions",
        times=1,
    )
    [message] = review_messages(review)
    result = await world.moderator.click(message, label="Approve")
    assert "couldn't post it" in answer(result)
    assert posts(world.general) == []
    assert any("couldn't be posted" in m.content for m in review.history())
    status = await world.member.slash(world.general, "unsaid status", receipt=receipt)
    assert "couldn't post it yet" in answer(status)

    await release(world, minutes=16)
    assert len(posts(world.general)) == 1
    status = await world.member.slash(world.general, "unsaid status", receipt=receipt)
    assert "posted as Unsaid #1" in answer(status)


async def test_a_missing_review_channel_keeps_submissions_queued(world: World) -> None:
    await configure(world)
    world.env.inject_error("POST", "/channels/*/messages", status=404, code=10003, times=1)
    await share(world.member, world, WORDS)
    await release(world)
    assert await world.services.db.fetch_value("SELECT status FROM unsaid_items") == "queued"
    await release(world)
    assert await world.services.db.fetch_value("SELECT status FROM unsaid_items") == "in_review"


async def test_a_member_cannot_click_moderator_buttons(world: World) -> None:
    review = await configure(world)  # the member can see this channel, to craft the click
    await share(world.member, world, WORDS)
    await release(world)
    [message] = review_messages(review)
    before = await world.services.db.fetch_value("SELECT total_changes()")
    for label in ("Approve", "Approve with content note", "Reject", "Block author"):
        result = await world.member.click(message, label=label)
        assert result.ephemeral, label
        assert result.modal is None, label
        assert "Only moderators can use this" in result.response.content, label
    assert await world.services.db.fetch_value("SELECT total_changes()") == before
    assert posts(world.general) == []
    assert await world.services.db.fetch_value("SELECT COUNT(*) FROM unsaid_blocks") == 0


async def test_every_unsaid_response_is_private(world: World) -> None:
    await configure(world)
    results = [
        await world.member.slash(world.general, "unsaid about"),
        await world.member.slash(world.general, "unsaid withdraw", receipt="nonsense"),
        await world.member.slash(world.general, "unsaid status", receipt="AAAAA-AAAAA-AAAAA-AAAAA"),
        await share(world.member, world, WORDS),
        await share(world.member, world, "   "),
    ]
    for result in results:
        assert result.ephemeral
    shown = await world.member.slash(world.general, "unsaid share")
    assert shown.modal is not None
    public = [
        m
        for m in world.general.history()
        if not m.flags.ephemeral and m.author.id == world.bot.user.id
    ]
    assert public == []


async def test_unsaid_without_channels_says_so_privately(world: World) -> None:
    result = await world.member.slash(world.general, "unsaid share")
    assert result.ephemeral
    assert "isn't set up" in result.response.content


async def test_about_explains_who_sees_what(world: World) -> None:
    await configure(world)
    result = await world.member.slash(world.general, "unsaid about")
    text = str(result.response.embeds[0].to_dict())
    for phrase in ("Moderators see", "never who wrote them", "No user id", "receipt", "30 minutes"):
        assert phrase in text
    about = await world.member.slash(world.general, "about")
    assert "Unsaid posts and anonymous replies are sent by Alongside" in str(
        about.response.embeds[0].to_dict()
    )


async def test_anonymous_posts_never_ping_and_ids_are_random(world: World) -> None:
    review = await configure(world, review=False, hold_links=False)
    await share(world.member, world, f"@everyone <@{world.moderator.id}> look", note="@here")
    await release(world, minutes=11)
    bodies = [
        entry.json
        for entry in world.env.http_requests
        if entry.method == "POST" and entry.path.endswith("/messages")
    ]
    assert bodies
    for body in bodies:
        assert body["allowed_mentions"]["parse"] == []
    ids = [c for message in [*posts(world.general), *review.history()] for c in custom_ids(message)]
    assert ids
    for custom_id in ids:
        assert str(world.member.id) not in custom_id
        assert len(custom_id.split(":")[3]) == 16


async def test_settings_are_audited_and_warn_about_missing_channels(world: World) -> None:
    shown = await world.moderator.slash(world.general, "mod unsaid settings")
    assert "Unsaid is off until" in shown.response.embeds[0].description
    await configure(world, delay="3-12", batch_minutes=15)
    assert await world.services.settings.get(world.guild.id, "unsaid_delay_max") == 12
    bad = await world.moderator.slash(world.general, "mod unsaid settings", delay="soon")
    assert "delay needs minutes" in bad.response.content
    entries, _ = await world.services.audit.page(world.guild.id, action="unsaid.settings")
    assert len(entries) == 1


def test_review_buttons_are_discord_buttons() -> None:
    from cogs.unsaid._views import review_view

    view = review_view("A" * 16)
    assert [item.type for item in view.children] == [discord.ComponentType.button] * 4
