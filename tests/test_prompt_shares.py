"""Shares in prompt threads belong to their authors: delete, export and erase them."""

from __future__ import annotations

import json

import discord
import pytest

from tests.bytescan import traces
from tests.conftest import World
from tests.reflectsupport import at_london, button_ids, quiet_hours_off, tick_at

ANSWER = "Quokka-marker: we meet monthly, as peers."


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.about", "cogs.support", "cogs.mod", "cogs.reflect", "cogs.mydata")


async def post_prompt(world: World) -> discord.Message:
    await quiet_hours_off(world)
    await world.moderator.slash(
        world.general, "mod prompts schedule", channel=world.general, cadence="daily"
    )
    await tick_at(world, at_london(2026, 1, 13, 9, 0))
    [post] = [m for m in world.general.history() if m.embeds]
    return post


async def share_answer(world: World, post: discord.Message) -> discord.Message:
    form = await world.member.click(post, label="Share in the thread")
    await world.member.submit_modal(form, {"answer": ANSWER})
    [thread] = world.general.threads
    answer = thread.last_message
    assert answer is not None and ANSWER in answer.content
    return answer


async def test_only_the_author_can_delete_a_share_even_with_a_crafted_click(
    world: World,
) -> None:
    post = await post_prompt(world)
    answer = await share_answer(world, post)
    [thread] = world.general.threads
    [delete_id] = [c for c in button_ids(answer) if ":unshare:" in c]
    # Stand-in for a hand-crafted interaction: the same custom_id, where `other` can click.
    general = world.bot.get_channel(world.general.id)
    assert isinstance(general, discord.TextChannel)
    crafted = discord.ui.View()
    crafted.add_item(discord.ui.Button(label="Delete", custom_id=delete_id))
    await general.send("crafted", view=crafted)
    refused = await world.other.click(world.general.last_message, custom_id=delete_id)
    assert refused.ephemeral and "Only the person who shared this" in refused.response.content
    assert thread.last_message is not None and ANSWER in thread.last_message.content
    assert await world.services.prompts.shares.mine(world.guild.id, world.member.id)

    done = await world.member.click(answer, custom_id=delete_id)
    assert done.ephemeral and "Deleted" in done.response.content
    assert all(ANSWER not in m.content for m in thread.history())
    assert await world.services.prompts.shares.mine(world.guild.id, world.member.id) == []


async def test_the_journal_lists_and_deletes_your_shares(world: World) -> None:
    post = await post_prompt(world)
    await share_answer(world, post)
    [thread] = world.general.threads
    journal = await world.member.slash(world.general, "reflect journal")
    assert "Your shares" in str(journal.response.embeds[0].to_dict())
    menus = [c for row in journal.response.components for c in row["components"]]
    [unshare] = [m for m in menus if "shared in a thread" in m.get("placeholder", "")]
    [option] = unshare["options"]
    assert "Quokka-marker" in option["label"]
    await world.member.select(
        journal.response.message, [option["value"]], custom_id=unshare["custom_id"]
    )
    assert all(ANSWER not in m.content for m in thread.history())


async def test_mydata_exports_and_erases_shares_with_their_posts(world: World) -> None:
    post = await post_prompt(world)
    answer = await share_answer(world, post)
    [thread] = world.general.threads
    exported = await world.member.slash(world.general, "mydata export")
    data = json.loads(await exported.response.attachments[0].read())
    [share] = data["prompt_shares"]["data"]["shared_in_threads"]
    assert share["words"] == ANSWER and share["message_id"] == str(answer.id)
    shown = await world.member.slash(world.general, "mydata show")
    assert "**prompt_shares**: 1 item(s)" in shown.response.embeds[0].description

    asked = await world.member.slash(world.general, "mydata delete")
    confirm = asked.response.components[0]["components"][0]["custom_id"]
    await world.member.click(asked.response.message, custom_id=confirm)
    assert all(ANSWER not in m.content for m in thread.history())
    await world.services.db.checkpoint()
    assert traces(world.services.db.path, [b"Quokka-marker"]) == []
