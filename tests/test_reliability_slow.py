"""Slow dependencies: with 2 s on every database call, or 2 s on every Discord request, every
handler still acknowledges inside Discord's 3 s.

The bot runs in this process against the loopback Discord, which refuses (10062) an
acknowledgement arriving more than 3 s after it sent the interaction, the injected REST latency
included. The database latency is injected in this process too, by wrapping the bot's Database
object (reads and transactions sleep first). Every slash command is invoked with plausible
options, every form they open is submitted and every button on their answers is clicked, each
wave all at once; a second round of forms and buttons follows what the first opened. Once a
wave is acknowledged the latency is lifted so its handlers finish, and no deferred answer may be
left "thinking".
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.db import Database
from bot.ui.deadline import LATE_FORM
from tests.fakediscord.restbase import EPHEMERAL
from tests.livebot import Community, LiveBot, LoopbackDiscord, live_bot, quiet
from tests.sweep import Sent, Sweep, acknowledged

# `alone`: these measure real time against Discord's 3 s window, so `scripts/test` runs them
# after the parallel run, with no other test competing for the CPU.
pytestmark = [
    pytest.mark.reliability,
    pytest.mark.alone,
    pytest.mark.asyncio(loop_scope="module"),
]

LATENCY = 2.0
WAVES = ("commands", "forms", "buttons", "forms", "buttons")


class Delay:
    """A latency that can be lifted at once, ending the sleeps already under way."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.sleeping = 0
        self._lifted = asyncio.Event()

    def set(self, seconds: float) -> None:
        """Change the latency; 0 wakes everything that is waiting."""
        self.seconds = seconds
        if seconds:
            self._lifted.clear()
        else:
            self._lifted.set()

    async def wait(self) -> None:
        """Sleep for the current latency (or until it is lifted)."""
        if not self.seconds:
            return
        self.sleeping += 1
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._lifted.wait(), self.seconds)
        finally:
            self.sleeping -= 1


def slow_down(db: Database, delay: Delay) -> None:
    """Put `delay` in front of every read and every transaction of this Database object."""
    fetch_one, fetch_all, transaction = db.fetch_one, db.fetch_all, db.transaction

    async def slow_fetch_one(*args: Any, **kwargs: Any) -> Any:
        await delay.wait()
        return await fetch_one(*args, **kwargs)

    async def slow_fetch_all(*args: Any, **kwargs: Any) -> Any:
        await delay.wait()
        return await fetch_all(*args, **kwargs)

    @asynccontextmanager
    async def slow_transaction() -> AsyncIterator[Any]:
        await delay.wait()
        async with transaction() as tx:
            yield tx

    # Instance attributes shadow the methods; execute, insert and fetch_value go through these.
    db.fetch_one = slow_fetch_one  # type: ignore[method-assign]
    db.fetch_all = slow_fetch_all  # type: ignore[method-assign]
    db.transaction = slow_transaction  # type: ignore[method-assign]


@dataclass
class Setup:
    """The bot, its server, and the two latencies the tests turn on and off."""

    bot: LiveBot
    place: Community
    fake: LoopbackDiscord
    db_delay: Delay

    def latency(self, *, database: float = 0.0, rest: float = 0.0) -> None:
        """Set both latencies."""
        self.db_delay.set(database)
        self.fake.slow(rest)

    def busy(self) -> bool:
        """Whether a database call is still sleeping."""
        return self.db_delay.sleeping > 0


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def setup(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Setup]:
    folder: Path = tmp_path_factory.mktemp("slow")
    async with live_bot(folder, env={"FEEDS_ALLOW_PRIVATE_HOSTS": "yes"}) as running:
        place = Community.build(running.fake)
        await running.start()
        assert running.services is not None
        await running.services.settings.set_many(place.guild, place.settings())
        delay = Delay()
        slow_down(running.services.db, delay)
        assert isinstance(running.fake, LoopbackDiscord)
        yield Setup(running, place, running.fake, delay)


@pytest.fixture
def ready(setup: Setup) -> Setup:
    """Each test starts fast, with a bot that has not yet seen Discord being slow."""
    setup.latency()
    assert setup.bot.bot is not None
    setup.bot.bot.deadlines.answer_trip = 0.0
    return setup


async def sweep_under(setup: Setup, on: Callable[[], None]) -> tuple[list[Sent], Sweep]:
    """Run the waves with the latency on while each is acknowledged, off while it ends."""
    sweep = Sweep(setup.fake, setup.place)
    every: list[Sent] = []
    wave: list[Sent] = []
    for step in WAVES:
        on()
        if step == "commands":
            wave = await sweep.commands()
        elif step == "forms":
            wave = await sweep.forms(wave)
        else:
            wave = await sweep.buttons()
        await acknowledged(wave)
        setup.latency()
        await quiet(setup.fake, still=0.3, timeout=30, busy=setup.busy)
        every += wave
    return every, sweep


def verdict(sent: list[Sent], extra: float) -> tuple[list[str], float]:
    """Interactions that failed their deadline or were left thinking; the worst ack time."""
    failures = []
    worst = 0.0
    for item in sent:
        handle = item.handle
        if handle.body is None:
            failures.append(f"{item.label}: never acknowledged in time")
            continue
        worst = max(worst, (handle.latency or 0.0) + extra)
        if handle.loading:
            failures.append(f"{item.label}: deferred, then never answered")
    return failures, worst


async def test_two_seconds_on_every_database_call(ready: Setup) -> None:
    bot = ready.bot.bot
    assert bot is not None
    deferred, late_forms = bot.deadlines.deferred, bot.deadlines.late_forms
    sent, sweep = await sweep_under(ready, lambda: ready.latency(database=LATENCY))
    failures, worst = verdict(sent, 0.0)
    print(
        f"\n{len(sent)} interactions under {LATENCY:g} s database latency: worst acknowledgement "
        f"{worst:.2f} s; {bot.deadlines.deferred - deferred} deferred for their handler, "
        f"{bot.deadlines.late_forms - late_forms} forms offered by button; "
        f"not swept: {sweep.skipped}"
    )
    assert failures == []
    assert worst < 3.0
    assert ready.fake.problems == []
    assert ready.bot.errors.lines() == []


async def test_two_seconds_on_every_discord_request(ready: Setup) -> None:
    """No handler may ask Discord for anything before it has acknowledged: the 3 s include the
    acknowledgement's own trip, so one earlier request would use the window up."""
    sent, _ = await sweep_under(ready, lambda: ready.latency(rest=LATENCY))
    failures, worst = verdict(sent, LATENCY)
    print(
        f"\n{len(sent)} interactions under {LATENCY:g} s REST latency: worst acknowledgement "
        f"{worst:.2f} s, its trip included"
    )
    assert failures == []
    assert worst < 3.0
    assert ready.fake.problems == []
    assert ready.bot.errors.lines() == []


async def test_both_at_once_after_the_bot_has_noticed(ready: Setup) -> None:
    """With 2 s on the database and 2 s on Discord, deferring after 2 s leaves no time for the
    deferral to travel. Once one answer has shown the bot how slow Discord is, it defers sooner.
    (The very first interaction after Discord turns slow cannot know; that one would fail.)"""
    fake, place = ready.fake, ready.place
    bot = ready.bot.bot
    assert bot is not None
    ready.latency(rest=LATENCY)
    first = await fake.slash(place.guild, place.general, place.member, "about")
    await first.response(timeout=5)
    ready.latency(database=LATENCY, rest=LATENCY)
    wave = await Sweep(fake, place).commands()
    await acknowledged(wave)
    waited = bot.deadlines.defer_delay()
    ready.latency()
    await quiet(fake, still=0.3, timeout=30, busy=ready.busy)
    failures, worst = verdict(wave, LATENCY)
    print(
        f"\n{len(wave)} commands under {LATENCY:g} s database and {LATENCY:g} s REST latency: "
        f"worst acknowledgement {worst:.2f} s; deferred after {waited:.2f} s"
    )
    assert failures == []
    assert worst < 3.0
    assert ready.bot.errors.lines() == []


async def test_deferring_for_a_handler_keeps_each_answer_where_it_belongs(ready: Setup) -> None:
    """A shared definition is deferred in public; a mistake in it still answers privately; a
    form that could no longer open directly is one button away."""
    fake, place = ready.fake, ready.place
    g, channel = place.guild, place.general
    ready.latency(database=LATENCY)
    shared = await fake.slash(
        g, channel, place.member, "glossary define", term="peer support", share=True
    )
    typo = await fake.slash(g, channel, place.member, "glossary define", term="recovry", share=True)
    edit = await fake.slash(g, channel, place.moderator, "mod glossary edit", term="recovery")
    handles = {"shared": shared, "typo": typo, "edit": edit}
    await acknowledged([Sent(name, 0, channel, h) for name, h in handles.items()])
    ready.latency()
    await quiet(fake, busy=ready.busy)

    for handle in handles.values():
        assert handle.body is not None and handle.body["type"] == 5  # deferred, in time
    for public in (shared, typo):
        assert not (public.body.get("data") or {}).get("flags")  # the placeholder is public
    assert edit.body["data"]["flags"] & EPHEMERAL
    posted = [m for m in fake.messages(channel) if m["embeds"] and m["id"] == shared.original["id"]]
    assert [m["embeds"][0]["title"] for m in posted] == ["Peer support"]
    assert not any("isn't in the glossary" in m["content"] for m in fake.messages(channel))
    assert [f.method for f in typo.followups] == ["DELETE", "POST"]  # the placeholder went
    private = typo.followups[1]
    assert private.body["flags"] & EPHEMERAL and "Did you mean" in private.body["content"]

    [offer] = edit.followups
    assert offer.body["content"] == LATE_FORM
    button = offer.body["components"][0]["components"][0]["custom_id"]
    opened = await fake.click(g, channel, place.moderator, int(offer.message_id or 0), button)
    form = await opened.response()
    assert form["type"] == 9
    fields = {"definition": "Recovery, as this server's moderators now put it."}  # the rest kept
    saved = await fake.submit_modal(g, channel, place.moderator, form["data"]["custom_id"], fields)
    assert "Saved" in (await saved.response())["data"]["content"]
    assert ready.bot.errors.lines() == []
