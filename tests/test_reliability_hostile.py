"""Hostile input in every free-text slash option: no crash, no ping, nothing over Discord's limits,
and a clear, private message when the input is refused.

One bot (in this process, against the loopback Discord) serves the module, because SimCord's
settling costs tens of milliseconds per interaction that touches the database; the loopback
Discord checks every request the bot sends against Discord's documented limits and its OpenAPI
description, as SimCord's request checker does, and bugs surface as "Unhandled error" log
records. Each option gets its own Hypothesis run of 25 examples (the same ones on every CI run);
the other options get plausible values so that the handler gets past its first check. Forms are
in test_reliability_forms.py.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from hypothesis import given
from hypothesis import strategies as st

from bot.ui.replies import APOLOGY
from tests.fakediscord.interactions import InteractionHandle
from tests.fakediscord.restbase import EPHEMERAL
from tests.hostile import HYPOTHESIS, hostile_text
from tests.livebot import Community, LiveBot, live_bot
from tests.sweep import STRING, WORDS, Leaf, leaves, sample

pytestmark = [pytest.mark.reliability, pytest.mark.asyncio(loop_scope="module")]

# Every free-text string option (options with fixed choices are enforced by Discord).
STRING_OPTIONS = [
    ("glossary define", "term"),
    ("glossary search", "query"),
    ("glossary list", "letter"),
    ("glossary perspective", "term"),
    ("unsaid withdraw", "receipt"),
    ("unsaid status", "receipt"),
    ("checkin remind", "time"),
    ("checkin remind", "timezone"),
    ("room prepare", "timezone"),
    ("room cancel", "meeting"),
    ("checkin available", "quiet_hours"),
    ("checkin available", "timezone"),
    ("reflect now", "theme"),
    ("reflect subscribe", "time"),
    ("reflect subscribe", "timezone"),
    ("reflect suggest", "theme"),
    ("mod settings set", "key"),
    ("mod settings set", "value"),
    ("mod log", "action"),
    ("mod glossary add", "term"),
    ("mod glossary add", "definition"),
    ("mod glossary add", "aliases"),
    ("mod glossary add", "contested_note"),
    ("mod glossary edit", "term"),
    ("mod glossary remove", "term"),
    ("mod glossary alias", "term"),
    ("mod glossary alias", "alias"),
    ("mod glossary perspectives", "term"),
    ("mod glossary history", "term"),
    ("mod glossary revert", "term"),
    ("mod feeds add", "url"),
    ("mod feeds add", "include"),
    ("mod feeds add", "exclude"),
    ("mod feeds test", "url"),
    ("mod feeds filters", "include"),
    ("mod feeds filters", "exclude"),
    ("mod unsaid settings", "delay"),
    ("mod unsaid unblock", "block"),
    ("mod prompts schedule", "time"),
    ("mod prompts schedule", "theme"),
    ("mod prompts post-now", "theme"),
    ("mod prompts add", "theme"),
    ("mod prompts add", "text"),
    ("mod prompts add", "content_note"),
    ("mod prompts add", "grounding"),
    ("mod prompts list", "theme"),
    ("mod prompts retire", "prompt"),
    ("mod prompts preview", "prompt"),
]
SORRY = APOLOGY.split("{")[0][:40]
NUMBERS = itertools.count()


class Bot:
    """The module's bot and server, with marks for "since the last example"."""

    def __init__(self, harness: LiveBot, place: Community) -> None:
        self.harness, self.place, self.fake = harness, place, harness.fake
        self.commands = {leaf.path: leaf for leaf in leaves(self.fake)}
        self.mark()

    def mark(self) -> None:
        """Start a new example."""
        self.problems = len(self.fake.problems)
        self.errors = len(self.harness.errors.records)

    async def run(self, path: str, **options: Any) -> InteractionHandle:
        """Invoke a command and wait for its answer (and its first followup, if deferred)."""
        user = self.place.moderator if path.startswith("mod ") else self.place.member
        handle = await self.fake.slash(self.place.guild, self.place.general, user, path, **options)
        body = await handle.response(timeout=5)
        if body["type"] == 5:
            await handle.wait_followups(1, timeout=5)
        return handle

    def check(self, handle: InteractionHandle, typed: str) -> None:
        """No bug, no request Discord would refuse, and a kind, private answer."""
        value = typed[:80]
        problems = self.fake.problems[self.problems :]
        assert not problems, f"{value!r} made the bot send: {problems[:3]}"
        bugs = self.harness.errors.lines()[self.errors :]
        assert not bugs, f"{value!r}: {bugs}"
        body = handle.body or {}
        if body.get("type") == 9:
            return  # a form opened: its fields are fuzzed in test_reliability_forms.py
        answer = handle.followups[0].body if body.get("type") == 5 else body.get("data", {})
        text = str(answer.get("content") or "")
        assert SORRY not in text, (value, text)
        flags = int((body.get("data") or {}).get("flags") or answer.get("flags") or 0)
        assert flags & EPHEMERAL, f"the answer to {value!r} was not private: {text}"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Bot]:
    async with live_bot(tmp_path_factory.mktemp("hostile")) as harness:
        place = Community.build(harness.fake)
        await harness.start()
        assert harness.services is not None
        await harness.services.settings.set_many(place.guild, place.settings())
        yield Bot(harness, place)


def plausible(bot: Bot, leaf: Leaf, option: dict[str, Any]) -> Any:
    """A value that gets the handler past this option, unique where it must be."""
    name = option["name"]
    if name in ("term", "alias") and leaf.path in ("mod glossary add", "mod glossary alias"):
        return f"{WORDS.get(name, name)} {next(NUMBERS)}"[: int(option.get("max_length") or 80)]
    if (leaf.path, name) == ("mod settings set", "key"):
        return "local_helplines"  # free text, shown again by /support
    return sample(option, bot.place)


async def test_every_free_text_option_is_a_target(bot: Bot) -> None:
    found = {
        (leaf.path, option["name"])
        for leaf in bot.commands.values()
        for option in leaf.options
        if option["type"] == STRING and not option.get("choices")
    }
    assert found == set(STRING_OPTIONS)


@pytest.mark.parametrize(
    ("path", "name"), STRING_OPTIONS, ids=[" ".join(target) for target in STRING_OPTIONS]
)
@HYPOTHESIS
@given(data=st.data())
async def test_string_option(bot: Bot, path: str, name: str, data: st.DataObject) -> None:
    leaf = bot.commands[path]
    option = next(o for o in leaf.options if o["name"] == name)
    low, high = int(option.get("min_length") or 0), int(option.get("max_length") or 6000)
    if name == "url":
        # Only loopback: a hostile host name would wait on DNS; the address guard refuses it.
        value = "http://127.0.0.1:9/" + data.draw(hostile_text(0, high - 19))
    else:
        value = data.draw(hostile_text(max(1, low), high))
    options = {o["name"]: plausible(bot, leaf, o) for o in leaf.options if o.get("required")}
    options[name] = value
    bot.mark()
    bot.check(await bot.run(path, **options), value)
    if (path, name) == ("mod settings set", "value"):
        # Stored text is shown elsewhere: /support lists the server's own helplines.
        bot.mark()
        bot.check(await bot.run("support"), value)
    if path == "mod glossary add":
        # The stored words are shown again wherever the term is looked up.
        bot.mark()
        bot.check(await bot.run("glossary define", term=options["term"]), value)
