"""Hostile input in every field of every form: no crash, no ping, nothing over Discord's limits,
and a clear, private message when the words are refused.

Each form is opened the way a person would open it (a command, a button, a moderator's review
button), then submitted with Hypothesis-drawn text in every text field, within the lengths Discord
enforces. A meta-test checks that every form in the bot has an opener here.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from typing import Any

import discord
import pytest
import simcord
from hypothesis import given
from hypothesis import strategies as st

from bot.ui.replies import SafeModal
from tests.conftest import World
from tests.hostile import HYPOTHESIS, Watch, hostile_text
from tests.requestcheck import RequestChecker
from tests.test_unsaid_helpers import configure, release, review_messages, share

pytestmark = pytest.mark.reliability

NUMBERS = itertools.count()
Opener = Callable[[World, dict[str, Any]], Awaitable[tuple[simcord.MemberActor, Any]]]


async def carrier(world: World, custom_id: str) -> discord.Message:
    """A message holding one persistent button, as a review post would."""
    channel = world.bot.get_channel(world.general.id)
    assert isinstance(channel, discord.TextChannel)
    view = discord.ui.View()
    view.add_item(discord.ui.Button(label="x", custom_id=custom_id))
    message = await channel.send("review", view=view)
    view.stop()
    return message


async def newcomer(world: World) -> simcord.MemberActor:
    """A member who has not shared anything today (Unsaid limits each person per day)."""
    return world.guild.add_member(world.env.create_user(f"new{next(NUMBERS)}"))


async def glossary_suggest(world: World, state: dict[str, Any]) -> tuple[Any, Any]:
    return world.member, await world.member.slash(world.general, "glossary suggest")


async def glossary_perspective(world: World, state: dict[str, Any]) -> tuple[Any, Any]:
    shown = await world.member.slash(world.general, "glossary perspective", term="recovery")
    return world.member, shown


async def glossary_edit_term(world: World, state: dict[str, Any]) -> tuple[Any, Any]:
    shown = await world.moderator.slash(world.general, "mod glossary edit", term="tokenism")
    return world.moderator, shown


async def _glossary_review(world: World, action: str) -> tuple[Any, Any]:
    suggestion = await world.services.glossary.suggest_term(
        world.guild.id, world.member.id, f"Suggested {next(NUMBERS)}", "A definition.", ""
    )
    custom_id = f"alongside:glossary:{action}:s{suggestion.id}"
    message = await carrier(world, custom_id)
    return world.moderator, await world.moderator.click(message, custom_id=custom_id)


async def glossary_edit_suggestion(world: World, state: dict[str, Any]) -> tuple[Any, Any]:
    return await _glossary_review(world, "edit")


async def glossary_reject(world: World, state: dict[str, Any]) -> tuple[Any, Any]:
    return await _glossary_review(world, "reject")


async def _approved_perspective(world: World) -> int:
    perspective, _ = await world.services.glossary.add_perspective(
        world.guild.id, world.member.id, "recovery", f"A view, {next(NUMBERS)}.", anonymous=True
    )
    await world.services.glossary.decide_perspective(world.guild.id, perspective.id, approve=True)
    return perspective.id


async def glossary_edit_mine(world: World, state: dict[str, Any]) -> tuple[Any, Any]:
    custom_id = f"alongside:glossary:mine-edit:{await _approved_perspective(world)}"
    message = await carrier(world, custom_id)
    return world.member, await world.member.click(message, custom_id=custom_id)


async def glossary_remove(world: World, state: dict[str, Any]) -> tuple[Any, Any]:
    custom_id = f"alongside:glossary:premove:{await _approved_perspective(world)}"
    message = await carrier(world, custom_id)
    return world.moderator, await world.moderator.click(message, custom_id=custom_id)


async def reflect_suggest(world: World, state: dict[str, Any]) -> tuple[Any, Any]:
    return world.member, await world.member.slash(world.general, "reflect suggest", theme="power")


async def reflect_journal(world: World, state: dict[str, Any]) -> tuple[Any, Any]:
    now = await world.member.slash(world.general, "reflect now")
    assert now.response is not None
    return world.member, await world.member.click(now.response, label="Journal privately")


async def reflect_share(world: World, state: dict[str, Any]) -> tuple[Any, Any]:
    if "prompt post" not in state:
        await world.moderator.slash(world.general, "mod prompts post-now", channel=world.general)
        [post] = [m for m in world.general.history() if m.embeds]
        state["prompt post"] = post
    shown = await world.member.click(state["prompt post"], label="Share in the thread")
    return world.member, shown


async def reflect_reject(world: World, state: dict[str, Any]) -> tuple[Any, Any]:
    suggestion = await world.services.prompts.suggest(
        world.guild.id, world.member.id, "power", f"Who decides, number {next(NUMBERS)}?", None
    )
    custom_id = f"alongside:reflect:reject:{suggestion.id}"
    message = await carrier(world, custom_id)
    return world.moderator, await world.moderator.click(message, custom_id=custom_id)


async def unsaid_share(world: World, state: dict[str, Any]) -> tuple[Any, Any]:
    if "review" not in state:
        state["review"] = await configure(world)
    actor = await newcomer(world)
    return actor, await actor.slash(world.general, "unsaid share")


async def unsaid_reply(world: World, state: dict[str, Any]) -> tuple[Any, Any]:
    if "unsaid post" not in state:
        review = state["review"] = await configure(world)
        await share(world.member, world, "Words that stay with me after the meeting.")
        await release(world)
        [message] = review_messages(review)
        await world.moderator.click(message, label="Approve")
        state["unsaid post"] = next(m for m in world.general.history() if m.embeds)
    actor = await newcomer(world)
    return actor, await actor.click(state["unsaid post"], label="Reply anonymously")


async def unsaid_answer(world: World, state: dict[str, Any]) -> tuple[Any, Any]:
    if "prompt post" not in state:
        state["review"] = await configure(world)
        await world.moderator.slash(world.general, "mod prompts post-now", channel=world.general)
        [post] = [m for m in world.general.history() if m.embeds]
        state["prompt post"] = post
    actor = await newcomer(world)
    return actor, await actor.click(state["prompt post"], label="Share anonymously")


async def _unsaid_review(world: World, state: dict[str, Any], label: str) -> tuple[Any, Any]:
    if "review" not in state:
        state["review"] = await configure(world)
    await share(await newcomer(world), world, f"Something unsaid, number {next(NUMBERS)}.")
    await release(world)
    message = review_messages(state["review"])[-1]
    return world.moderator, await world.moderator.click(message, label=label)


async def unsaid_note(world: World, state: dict[str, Any]) -> tuple[Any, Any]:
    return await _unsaid_review(world, state, "Approve with content note")


async def unsaid_reject(world: World, state: dict[str, Any]) -> tuple[Any, Any]:
    return await _unsaid_review(world, state, "Reject")


async def checkin_log(world: World, state: dict[str, Any]) -> tuple[Any, Any]:
    shown = await world.member.slash(world.general, "checkin log")
    if shown.modal is None:  # the consent statement comes first, once
        assert shown.response is not None
        shown = await world.member.click(shown.response, label="Agree")
    return world.member, shown


async def setup_last_step(world: World, state: dict[str, Any]) -> tuple[Any, Any]:
    started = await world.moderator.slash(world.general, "mod setup")
    assert started.response is not None
    finish = "alongside:setup:finish"
    return world.moderator, await world.moderator.click(started.response.message, custom_id=finish)


async def _room(world: World, command: str, **options: Any) -> tuple[Any, Any]:
    await world.services.rooms.agree(world.guild.id, world.member.id)
    return world.member, await world.member.slash(world.general, command, **options)


async def room_prepare(world: World, state: dict[str, Any]) -> tuple[Any, Any]:
    return await _room(world, "room prepare")


async def room_debrief(world: World, state: dict[str, Any]) -> tuple[Any, Any]:
    return await _room(world, "room debrief")


async def room_impact(world: World, state: dict[str, Any]) -> tuple[Any, Any]:
    return await _room(world, "room impact", action="add")


async def room_peer_words(world: World, state: dict[str, Any]) -> tuple[Any, Any]:
    await world.services.checkins.agree(world.guild.id, world.other.id)
    await world.services.checkins.set_available(world.guild.id, world.other.id, True)
    _, shown = await _room(world, "room prepare", peer=world.other)
    values = {"what": "Board", "when": "tomorrow 14:00"}
    done = await world.member.submit_modal(shown, values)
    assert done.response is not None
    return world.member, await world.member.click(done.response, label="Choose the words and agree")


FORMS: dict[str, Opener] = {
    "cogs.room._forms.PrepareForm": room_prepare,
    "cogs.room._forms.DebriefForm": room_debrief,
    "cogs.room._forms.ImpactForm": room_impact,
    "cogs.room._forms.PeerWordsForm": room_peer_words,
    "cogs.glossary._modals.SuggestTermModal": glossary_suggest,
    "cogs.glossary._modals.PerspectiveModal": glossary_perspective,
    "cogs.glossary._modals.EditTermModal": glossary_edit_term,
    "cogs.glossary._modals.EditSuggestionModal": glossary_edit_suggestion,
    "cogs.glossary._modals.RejectModal": glossary_reject,
    "cogs.glossary._mine.EditMineModal": glossary_edit_mine,
    "cogs.glossary._remove.RemoveModal": glossary_remove,
    "cogs.reflect._modals.SuggestModal": reflect_suggest,
    "cogs.reflect._modals.JournalModal": reflect_journal,
    "cogs.reflect._modals.ShareModal": reflect_share,
    "cogs.reflect._modals.RejectModal": reflect_reject,
    "cogs.unsaid._modals.ShareModal": unsaid_share,
    "cogs.unsaid._modals.ReplyModal": unsaid_reply,
    "cogs.unsaid._modals.AnswerModal": unsaid_answer,
    "cogs.unsaid._modals.NoteModal": unsaid_note,
    "cogs.unsaid._modals.RejectModal": unsaid_reject,
    "cogs.checkin._modals.LogModal": checkin_log,
    "cogs.mod._setup.TimeAndHelpModal": setup_last_step,
}


def every_form() -> set[str]:
    found: set[str] = set()
    pending = list(SafeModal.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        found.add(f"{form.__module__}.{form.__qualname__}")
    return found


async def test_every_form_has_an_opener(world: World) -> None:
    # The world fixture has loaded every extension, so every form class is imported.
    assert every_form() == set(FORMS)


def fields(modal: dict[str, Any]) -> list[dict[str, Any]]:
    """The controls of a modal payload, whatever their layout."""
    found = []
    for row in modal.get("components") or []:
        found += [c for c in row.get("components") or [] if c.get("custom_id")]
        if isinstance(row.get("component"), dict):
            found.append(row["component"])
    return found


def draw_values(data: st.DataObject, modal: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for control in fields(modal):
        custom_id, kind = control["custom_id"], control["type"]
        if kind == 4:
            required = control.get("required", True)
            low = max(int(control.get("min_length") or 0), 1 if required else 0)
            high = int(control.get("max_length") or 4000)
            values[custom_id] = data.draw(hostile_text(low, high), label=custom_id)
        elif kind == 3:
            options = [o["value"] for o in control.get("options") or []]
            values[custom_id] = [data.draw(st.sampled_from(options), label=custom_id)]
        elif kind == 23:
            values[custom_id] = data.draw(st.booleans(), label=custom_id)
    return values


@pytest.mark.parametrize("form", sorted(FORMS), ids=lambda name: name.split(".", 1)[1])
@HYPOTHESIS
@given(data=st.data())
async def test_form(
    world: World,
    request_checker: RequestChecker,
    state: dict[str, Any],
    form: str,
    data: st.DataObject,
) -> None:
    actor, shown = await FORMS[form](world, state)
    opened = shown.response.content if shown.response else shown
    assert shown.modal is not None, f"{form} did not open: {opened}"
    values = draw_values(data, shown.modal)
    watch = Watch(world, request_checker)
    result = await actor.submit_modal(shown, values)
    watch.check(result, values)


@pytest.fixture
def state() -> dict[str, Any]:
    """What an opener set up once for the whole run of one form (a posted prompt, say)."""
    return {}
