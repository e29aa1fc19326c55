"""Anonymous answers to a prompt go through Unsaid's protections and land in its thread."""

from __future__ import annotations

import logging

import discord
import pytest
import simcord

from tests.bytescan import id_patterns, traces
from tests.conftest import World
from tests.reflectsupport import at_london, quiet_hours_off, tick_at
from tests.test_unsaid_helpers import answer, receipt_of, release, review_messages

WORDS = "Wombat-marker: in the room I agreed, but I wasn't sure at all."


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.about", "cogs.support", "cogs.mod", "cogs.unsaid", "cogs.reflect")


async def set_up(
    world: World,
) -> tuple[simcord.ChannelHandle, simcord.ChannelHandle, discord.Message]:
    """An Unsaid channel, a review channel, and a prompt posted in #general with its thread."""
    await quiet_hours_off(world)
    unsaid = world.guild.create_text_channel("unsaid")
    review = world.guild.create_text_channel("unsaid-review")
    await world.moderator.slash(
        world.general, "mod unsaid settings", channel=unsaid, review_channel=review
    )
    await world.moderator.slash(
        world.general, "mod prompts schedule", channel=world.general, cadence="daily"
    )
    await tick_at(world, at_london(2026, 1, 13, 9, 0))
    [post] = [m for m in world.general.history() if m.embeds]
    return unsaid, review, post


async def answer_anonymously(actor: simcord.MemberActor, post: discord.Message, words: str) -> str:
    opened = await actor.click(post, label="Share anonymously")
    assert opened.modal is not None and opened.modal["title"] == "Answer anonymously"
    sent = await actor.submit_modal(opened, {"body": words, "note": ""})
    assert "in the prompt's thread" in str(sent.response.embeds[0].to_dict())
    return receipt_of(sent)


def shown_in(channel: simcord.ChannelHandle) -> str:
    """Everything readable in a channel's messages: text and embeds."""
    return str([(m.content, [e.to_dict() for e in m.embeds]) for m in channel.history()])


async def prompt_first_line(world: World, thread_id: int) -> str:
    """The first line of the prompt whose thread this is, as the library holds it."""
    prompts = world.services.prompts
    delivery = await prompts.repo.delivery_by_thread(world.guild.id, thread_id)
    assert delivery is not None and delivery.prompt_id is not None
    drawn = await prompts.prompt_in(world.guild.id, delivery.prompt_id)
    return drawn.prompt.text.strip().splitlines()[0]


async def test_an_anonymous_answer_is_reviewed_then_posted_in_the_prompts_thread(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    logging.getLogger("discord").setLevel(logging.INFO)
    author = world.guild.add_member(world.env.create_user("quillon_writer"))
    unsaid, review, post = await set_up(world)
    [thread] = world.general.threads
    receipt = await answer_anonymously(author, post, WORDS)
    assert "Wombat-marker" not in shown_in(thread)  # held for review, not posted yet

    await release(world)
    [card] = review_messages(review)
    shown = str(card.embeds[0].to_dict())
    assert "Anonymous answer to a prompt" in shown and "Answers the prompt" in shown
    assert "Wombat-marker" in shown
    for secret in (str(author.id), author.name):
        assert secret not in shown + (card.content or "")

    approved = await world.moderator.click(card, label="Approve")
    assert "Approved" in answer(approved)
    [posted] = [
        m for m in thread.history() if m.embeds and "Wombat-marker" in str(m.embeds[0].description)
    ]
    first = await prompt_first_line(world, thread.id)
    assert (posted.embeds[0].title or "").startswith(f"Anonymous answer: {first[:40]}")
    assert posted.author.id == world.bot.user.id  # type: ignore[union-attr]
    assert "Wombat-marker" not in shown_in(unsaid)
    for secret in (str(author.id), author.name):
        assert secret not in str(posted.embeds[0].to_dict()) + (posted.content or "")

    await world.services.db.checkpoint()
    assert traces(world.services.db.path, [*id_patterns(author.id), author.name.encode()]) == []
    records = [r for r in caplog.records if not r.name.startswith("simcord")]
    for record in records:
        text = record.getMessage() + (record.exc_text or "") + repr(record.args)
        assert str(author.id) not in text and author.name not in text

    status = await author.slash(world.general, "unsaid status", receipt=receipt)
    assert "posted as an anonymous answer to the prompt" in answer(status)
    assert f"/{thread.id}/{posted.id}" in answer(status)

    withdrawn = await author.slash(world.general, "unsaid withdraw", receipt=receipt)
    assert "withdrawn" in answer(withdrawn)
    assert "Wombat-marker" not in shown_in(thread)


async def test_if_the_thread_is_gone_the_answer_goes_to_unsaid_with_the_prompt_quoted(
    world: World,
) -> None:
    unsaid, review, post = await set_up(world)
    [thread] = world.general.threads
    await answer_anonymously(world.member, post, WORDS)
    gone = await world.bot.fetch_channel(thread.id)
    assert isinstance(gone, discord.Thread)
    await gone.delete()

    await release(world)
    [card] = review_messages(review)
    await world.moderator.click(card, label="Approve")
    [posted] = [m for m in unsaid.history() if m.embeds]
    assert (posted.embeds[0].title or "").startswith("Anonymous answer")
    first = await prompt_first_line(world, thread.id)
    assert f"> {first[:40]}" in (posted.embeds[0].description or "")
    assert "thread was gone" in shown_in(review)


async def test_an_archived_thread_is_reopened_for_the_answer(world: World) -> None:
    unsaid, review, post = await set_up(world)
    [thread] = world.general.threads
    await answer_anonymously(world.member, post, WORDS)
    found = await world.bot.fetch_channel(thread.id)
    assert isinstance(found, discord.Thread)
    await found.edit(archived=True)

    await release(world)
    [card] = review_messages(review)
    await world.moderator.click(card, label="Approve")
    assert "Wombat-marker" in shown_in(thread)
    assert "Wombat-marker" not in shown_in(unsaid)
    reopened = await world.bot.fetch_channel(thread.id)
    assert isinstance(reopened, discord.Thread) and not reopened.archived
