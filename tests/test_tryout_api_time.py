"""`python -m bot try`: the demo's API over time: edits, slow answers, the clock, the page."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp import web

from bot.tryout.feed import render_rss
from bot.tryout.web import SCRIPTS
from tests.tryoutsupport import WORDS, Demo, answer, running_demo, until


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[Demo]:
    async with running_demo(tmp_path) as running:
        yield running


async def test_edited_only_when_a_message_really_changed(demo: Demo) -> None:
    # A deferred answer's first content replaces "thinking…": that is not an edit.
    await demo.slash("mo", "mod feeds test", url=demo.world.feed.url)
    previewed = await answer(demo, "mo")
    assert "Voices Alongside (demo blog)" in str(previewed)
    assert previewed["edited"] is None
    await demo.slash("ash", "about")
    assert (await demo.messages("ash"))[-1]["edited"] is None
    # A review card the moderator approves is changed after it was posted: that is an edit.
    shown = await demo.slash("ash", "unsaid share")
    await demo.submit("ash", shown["modal"], {"body": WORDS, "note": "", "replies": True})
    await demo.post("/api/advance", {"minutes": 32})
    [card] = await demo.messages("mo", "moderators")
    assert card["edited"] is None
    await demo.click("mo", "moderators", "Approve")
    [card, said] = await demo.messages("mo", "moderators")
    assert "Approved and posted" in str(said) and said["edited"] is None
    assert card["edited"] is not None


class SlowFeed:
    """A feed on loopback that answers only when the test says so."""

    def __init__(self) -> None:
        self.asked = asyncio.Event()
        self.release = asyncio.Event()
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def _feed(self, _request: web.Request) -> web.Response:
        self.asked.set()
        await self.release.wait()
        body = render_rss(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC))
        return web.Response(text=body, content_type="application/rss+xml")

    async def __aenter__(self) -> SlowFeed:
        app = web.Application()
        app.router.add_get("/slow.xml", self._feed)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = next(a[1] for a in self.runner.addresses if isinstance(a, tuple))
        self.url = f"http://127.0.0.1:{port}/slow.xml"
        return self

    async def __aexit__(self, *_exc: object) -> None:
        self.release.set()
        assert self.runner is not None
        await self.runner.cleanup()


async def test_a_slow_answer_thinks_without_holding_up_anyone(demo: Demo) -> None:
    async with SlowFeed() as feed:
        # Mo's /mod feeds test is deferred while the feed holds its answer: "thinking…".
        sent = await demo.slash("mo", "mod feeds test", url=feed.url)
        assert sent == {"modal": None, "failed": False, "error": None, "choices": None}
        assert feed.asked.is_set()
        thinking = (await demo.messages("mo"))[-1]
        assert thinking["loading"] and thinking["ephemeral"]
        assert thinking["interaction"] == {"user": "Mo", "command": "mod feeds test"}
        # Meanwhile the page goes on: Ash's command and Mo's own are answered at once.
        await demo.slash("ash", "about")
        assert (await demo.messages("ash"))[-1]["embeds"]
        await demo.slash("mo", "about")
        assert (await demo.messages("mo"))[-1]["id"] != thinking["id"]
        # The feed answers; the placeholder becomes the answer, in place, not "(edited)".
        feed.release.set()

        async def answered() -> bool:
            shown = {m["id"]: m for m in await demo.messages("mo")}
            return not shown[thinking["id"]]["loading"]

        await until(answered)
    [answer] = [m for m in await demo.messages("mo") if m["id"] == thinking["id"]]
    assert "Voices Alongside (demo blog)" in str(answer)
    assert answer["edited"] is None and answer["ephemeral"]


async def test_mod_status_counts_next_runs_from_the_demo_clock(demo: Demo) -> None:
    await demo.post("/api/advance", {"minutes": 24 * 60})
    await demo.slash("mo", "mod status")
    status = (await demo.messages("mo"))[-1]
    text = status["content"] + json.dumps(status["embeds"])
    runs = [int(stamp) for stamp in re.findall(r"<t:(\d+):R>", text)]
    assert runs, text
    now = demo.world.clock.now().timestamp()
    # Every job's next run is ahead of the demo's clock, not "last week" by the real one.
    assert all(now < run <= now + 8 * 24 * 3600 for run in runs), (now, runs)


async def test_plain_messages_and_mistakes(demo: Demo) -> None:
    body = {"person": demo.id_of("bea"), "channel": demo.channel("general")}
    await demo.post("/api/send", {**body, "content": "Morning, all."})
    [said] = await demo.messages("ash")
    assert said["author"]["name"] == "Bea" and said["content"] == "Morning, all."
    wrong = await demo.post("/api/slash", {**body, "command": "mod status"}, status=400)
    assert "isn't a command Bea can use here" in wrong["error"]
    late = await demo.post("/api/advance", {"minutes": 0}, status=400)
    assert "a minute to a week" in late["error"]
    nobody = await demo.post("/api/slash", {"person": "1", "command": "about"}, status=400)
    assert nobody["error"] == "Choose who you are first."


async def test_only_loopback_pages_and_json_posts(demo: Demo) -> None:
    page = await demo.client.get("/")
    assert page.status == 200
    assert "Try Alongside" in await page.text()
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    # The page's script is ES modules, served as JavaScript (browsers refuse modules otherwise).
    assert '<script type="module" src="/static/app.js">' in await page.text()
    for name in SCRIPTS:
        script = await demo.client.get(f"/static/{name}")
        assert script.status == 200 and script.content_type == "text/javascript", name
    assert (await demo.client.get("/static/../world.py")).status == 404
    rebound = await demo.client.get("/api/state", headers={"Host": "evil.example"})
    assert rebound.status == 403
    form = await demo.client.post("/api/advance", data="minutes=5")
    assert form.status == 415
