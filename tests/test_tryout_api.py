# Over 400 lines: every demo API endpoint. Issue #17 splits it.
"""`python -m bot try`: the demo's JSON API over the real bot in SimCord, without a browser."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import urllib.request
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

import bot.tryout
from bot.core.config import PROJECT_ROOT
from bot.db import Database
from bot.db.migrate import apply_migrations
from bot.tryout.feed import render_rss
from bot.tryout.runner import demo_settings
from bot.tryout.web import SCRIPTS, build_app
from bot.tryout.world import DemoWorld

WORDS = "In the board meeting they talked about us as if we weren't there."
PNG = b"\x89PNG\r\n\x1a\n"


class Demo:
    """The running demo and a client for its API, with helpers that read like the page."""

    def __init__(self, world: DemoWorld, client: TestClient[Any, Any]) -> None:
        self.world = world
        self.client = client

    def id_of(self, key: str) -> str:
        return str(self.world.person(key).id)

    def channel(self, name: str) -> str:
        return str(self.world.channels[name].id)

    async def get(self, path: str, **query: str) -> Any:
        response = await self.client.get(path, params=query)
        assert response.status == 200, await response.text()
        return await response.json()

    async def post(self, path: str, body: dict[str, Any], status: int = 200) -> Any:
        response = await self.client.post(path, json=body)
        assert response.status == status, await response.text()
        return await response.json()

    async def state(self, who: str, channel: str = "general") -> Any:
        return await self.get("/api/state", person=self.id_of(who), channel=self.channel(channel))

    async def messages(self, who: str, channel: str = "general") -> list[dict[str, Any]]:
        return list((await self.state(who, channel))["messages"])

    async def slash(self, who: str, command: str, where: str = "general", **options: Any) -> Any:
        body = {"person": self.id_of(who), "channel": self.channel(where)}
        return await self.post("/api/slash", {**body, "command": command, "options": options})

    async def click(self, who: str, channel: str, label: str) -> Any:
        message, button = await self.find(who, channel, label)
        body = {"person": self.id_of(who), "channel": self.channel(channel)}
        return await self.post(
            "/api/click", {**body, "message": message["id"], "custom_id": button["custom_id"]}
        )

    async def submit(self, who: str, modal: dict[str, Any], values: dict[str, Any]) -> Any:
        body = {"person": self.id_of(who), "modal": modal["id"], "values": values}
        return await self.post("/api/modal", body)

    async def find(self, who: str, channel: str, label: str) -> tuple[dict[str, Any], Any]:
        for message in reversed(await self.messages(who, channel)):
            for row in message["components"]:
                for part in row.get("components", []):
                    if label in (part.get("label"), part.get("placeholder")):
                        return message, part
        raise AssertionError(f"nothing labelled {label!r} in #{channel} for {who}")


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[Demo]:
    settings = demo_settings(tmp_path / "demo.db")
    db = await Database.open(settings.database_path)
    await apply_migrations(db)
    world = await DemoWorld.start(settings, db)
    client: TestClient[Any, Any] = TestClient(TestServer(build_app(world), host="127.0.0.1"))
    await client.start_server()
    try:
        yield Demo(world, client)
    finally:
        await client.close()
        await world.stop()
        await db.close()


def channel_names(state: dict[str, Any]) -> list[str]:
    return [channel["name"] for channel in state["channels"] if channel["kind"] == "text"]


async def until(check: Any) -> None:
    """Wait (ten seconds at most) until `check()` says the page would show what we expect."""

    async def poll() -> None:
        while not await check():
            await asyncio.sleep(0.02)

    await asyncio.wait_for(poll(), timeout=10)


async def answer(demo: Demo, who: str) -> dict[str, Any]:
    """The last message this person sees, once it is no longer "thinking…" (a feed is fetched
    beside the demo's other work, so a deferred answer may land just after the command)."""

    async def done() -> bool:
        return not (await demo.messages(who))[-1]["loading"]

    await until(done)
    return (await demo.messages(who))[-1]


async def test_each_person_sees_only_their_channels_and_commands(demo: Demo) -> None:
    first = await demo.get("/api/state")
    assert [(p["name"], p["role"]) for p in first["people"]] == [
        ("Mo", "moderator"),
        ("Ash", "member"),
        ("Bea", "member"),
    ]
    assert channel_names(await demo.state("ash")) == ["general", "unsaid", "reflections", "blogs"]
    assert "peer-support" in channel_names(await demo.state("bea"))
    assert "moderators" in channel_names(await demo.state("mo"))
    # A person asking for a channel they can't see gets #general instead.
    hidden = await demo.state("ash", "moderators")
    assert hidden["channel"] == demo.channel("general")

    def paths(answer: dict[str, Any]) -> set[str]:
        return {command["path"] for command in answer["commands"]}

    general = demo.channel("general")
    member = paths(await demo.get("/api/commands", person=demo.id_of("ash"), channel=general))
    moderator = paths(await demo.get("/api/commands", person=demo.id_of("mo"), channel=general))
    assert {"about", "support", "glossary define", "unsaid share", "checkin log"} <= member
    assert not any(path.startswith("mod ") for path in member)
    assert {"mod setup", "mod status", "mod feeds list"} <= moderator


async def test_about_is_only_for_the_person_who_asked(demo: Demo) -> None:
    outcome = await demo.slash("ash", "about")
    assert outcome == {"modal": None, "failed": False, "error": None, "choices": None}
    [answer] = await demo.messages("ash")
    assert answer["ephemeral"]
    assert answer["author"]["name"] == "Alongside" and answer["author"]["bot"]
    assert answer["interaction"] == {"user": "Ash", "command": "about"}
    assert answer["embeds"]
    assert await demo.messages("bea") == []


async def test_glossary_define_with_autocomplete(demo: Demo) -> None:
    body = {
        "person": demo.id_of("ash"),
        "channel": demo.channel("general"),
        "command": "glossary define",
        "option": "term",
        "value": "co-pro",
        "options": {},
    }
    suggestions = (await demo.post("/api/autocomplete", body))["choices"]
    assert {"name": "co-produced → Co-production", "value": "co-production"} in suggestions
    await demo.slash("ash", "glossary define", term="co-production")
    [answer] = await demo.messages("ash")
    assert answer["embeds"][0]["title"].startswith("Co-production")
    assert answer["interaction"]["command"] == "glossary define"


async def test_unsaid_share_review_and_anonymous_post(demo: Demo) -> None:
    shown = await demo.slash("ash", "unsaid share")
    modal = shown["modal"]
    assert modal["title"] == "Share anonymously"
    done = await demo.submit("ash", modal, {"body": WORDS, "note": "", "replies": True})
    assert done["modal"] is None and not done["failed"]
    [receipt] = await demo.messages("ash")
    assert receipt["ephemeral"] and receipt["embeds"][0]["title"] == "Shared anonymously"
    # A form is submitted once.
    again = await demo.client.post(
        "/api/modal", json={"person": demo.id_of("ash"), "modal": modal["id"], "values": {}}
    )
    assert again.status == 400
    assert "form has closed" in (await again.json())["error"]

    assert await demo.messages("mo", "moderators") == []
    before = (await demo.get("/api/state"))["now"]
    # Batches leave on the half hour, at least two minutes after the last submission.
    moved = await demo.post("/api/advance", {"minutes": 32})
    assert moved["now"] > before
    [queued] = await demo.messages("mo", "moderators")
    assert WORDS in queued["embeds"][0]["description"]
    approved = await demo.click("mo", "moderators", "Approve")
    assert not approved["failed"]

    posts = [m for m in await demo.messages("bea", "unsaid") if m["embeds"]]
    [post] = posts
    assert post["embeds"][0]["title"] == "Unsaid #1"
    assert post["embeds"][0]["description"] == WORDS
    assert post["author"]["name"] == "Alongside"
    assert post["interaction"] is None
    assert "Ash" not in str(post)
    assert post["thread"]["name"] == "Unsaid #1: responses"
    threads = [c for c in (await demo.state("bea"))["channels"] if c["kind"] == "thread"]
    assert "Unsaid #1: responses" in [t["name"] for t in threads]


async def test_checkin_form_chart_and_export_are_private_files(demo: Demo) -> None:
    consent = await demo.slash("ash", "checkin log")
    assert consent["modal"] is None
    form = (await demo.click("ash", "general", "Agree"))["modal"]
    assert form["title"] == "Check in"
    await demo.submit("ash", form, {"load": ["4"], "energy": ["2"], "note": "Long week"})
    await demo.post("/api/advance", {"minutes": 24 * 60})
    form = (await demo.slash("ash", "checkin log"))["modal"]
    await demo.submit("ash", form, {"load": ["3"], "energy": ["3"]})

    await demo.slash("ash", "checkin history")
    chart = (await demo.messages("ash"))[-1]
    [picture] = chart["attachments"]
    assert picture["content_type"] == "image/png"
    assert chart["embeds"][0]["image"]["url"] == picture["url"]
    # The words the bot sent with the picture reach a screen reader as its alt text.
    assert picture["description"]
    assert chart["embeds"][0]["image"]["description"] == picture["description"]
    response = await demo.client.get(picture["url"])
    assert response.status == 200
    assert (await response.read()).startswith(PNG)
    # Someone else can't fetch it, even with its address.
    other = re.sub(r"person=\d+", f"person={demo.id_of('bea')}", picture["url"])
    assert (await demo.client.get(other)).status == 404

    await demo.slash("ash", "mydata export")
    [export] = (await demo.messages("ash"))[-1]["attachments"]
    assert export["filename"] == "alongside-my-data.json"
    response = await demo.client.get(export["url"] + "&download=1")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert b"Long week" in await response.read()


async def test_prompts_by_dm_after_a_day(demo: Demo) -> None:
    await demo.slash("ash", "reflect subscribe", cadence="daily")
    dm = next(c for c in (await demo.state("ash"))["channels"] if c["kind"] == "dm")
    assert dm["name"] == "Alongside"
    await demo.post("/api/advance", {"minutes": 24 * 60})
    prompts = await demo.get("/api/state", person=demo.id_of("ash"), channel=dm["id"])
    assert prompts["channel"] == dm["id"]
    assert any("reflective prompt" in m["content"] for m in prompts["messages"])
    # The morning schedule in #reflections posted too, each prompt with its thread.
    reflections = await demo.messages("bea", "reflections")
    assert any(m["thread"] for m in reflections)


async def test_mod_setup_role_select(demo: Demo) -> None:
    await demo.slash("mo", "mod setup")
    message, picker = await demo.find("mo", "general", "Choose a role")
    assert picker["type"] == 6
    role = str(demo.world.roles["Moderators"].id)
    body = {
        "person": demo.id_of("mo"),
        "channel": demo.channel("general"),
        "message": message["id"],
        "custom_id": picker["custom_id"],
        "values": [role],
    }
    outcome = await demo.post("/api/select", body)
    assert not outcome["failed"]
    latest = (await demo.messages("mo"))[-1]
    assert "step 2" in latest["embeds"][0]["title"]


async def test_channel_role_and_file_options(demo: Demo) -> None:
    role = str(demo.world.roles["Peer supporters"].id)
    await demo.slash(
        "mo",
        "mod feeds add",
        url=demo.world.feed.url + "?again",
        channel=demo.channel("general"),
        mention_role=role,
    )
    added = await answer(demo, "mo")
    assert "Added **Voices Alongside (demo blog)** (feed #2)" in added["content"]

    await demo.slash("mo", "mod glossary export")
    [exported] = (await demo.messages("mo"))[-1]["attachments"]
    data = await (await demo.client.get(exported["url"])).read()
    upload = {"name": "glossary.toml", "data": base64.b64encode(data).decode()}
    await demo.slash("mo", "mod glossary import", file=upload)
    checked = (await demo.messages("mo"))[-1]
    assert "This file would add 0 terms and update 0" in checked["content"]


async def test_feeds_stay_on_this_computer(demo: Demo) -> None:
    await demo.slash("mo", "mod feeds test", url="https://blog.example.org/feed.xml")
    refused = await answer(demo, "mo")
    assert "blog.example.org is out on the internet" in str(refused)
    await demo.slash("mo", "mod feeds test", url="http://203.0.113.7/feed.xml")
    assert "203.0.113.7 is out on the internet" in str(await answer(demo, "mo"))
    await demo.slash("mo", "mod feeds test", url=demo.world.feed.url)
    previewed = await answer(demo, "mo")
    assert "Voices Alongside (demo blog)" in str(previewed)


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


async def test_a_kept_database_comes_back_with_the_same_server(tmp_path: Path) -> None:
    settings = demo_settings(tmp_path / "kept.db")
    ids: list[tuple[int, list[int], list[int]]] = []
    for run in range(2):
        db = await Database.open(settings.database_path)
        await apply_migrations(db)
        world = await DemoWorld.start(settings, db)
        try:
            ids.append(
                (
                    world.guild_id,
                    sorted(world.people),
                    sorted(handle.id for handle in world.channels.values()),
                )
            )
            ash = world.person("ash")
            if run == 0:
                await world.advance(90)
                before = world.clock.now()
                general = world.channels["general"].id
                await world.slash(ash, general, "reflect subscribe", {"cadence": "daily"})
            else:
                assert world.clock.now() == before
                status = await world.services.prompts.subscription(world.guild_id, ash.id)
                assert status is not None
                feeds = await world.services.feeds.health(world.guild_id)
                assert [f.feed.url for f in feeds] == [world.feed.url]
        finally:
            await world.stop()
            await db.close()
    assert ids[0] == ids[1]


async def test_keep_refuses_a_real_database(tmp_path: Path) -> None:
    real = tmp_path / "alongside.db"
    db = await Database.open(real)
    await apply_migrations(db)
    await db.close()
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(PROJECT_ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "try", "--keep", str(real)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "is not a database kept by `try --keep`" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_extra_is_one_plain_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(bot.tryout, "extra_installed", lambda: False)
    assert bot.tryout.main(port=0, keep=None) == 2
    error = capsys.readouterr().err
    assert error == f"{bot.tryout.MISSING_EXTRA}\n"
    assert "pip install -e '.[try]'" in error
    assert bot.tryout.main(port=70000, keep=None) == 2


def test_the_command_starts_serves_and_stops_cleanly(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(PROJECT_ROOT),
        "PYTHONWARNINGS": "default",
        "HOME": str(tmp_path),
        "TMPDIR": str(tmp_path),
    }
    process = subprocess.Popen(
        [sys.executable, "-X", "dev", "-m", "bot", "try", "--no-browser", "--port", "0"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", "".join(lines))
        assert match, lines
        with urllib.request.urlopen(match[0] + "api/state", timeout=10) as answer:
            assert b'"people"' in answer.read()
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0
    assert "Stopped." in out
    assert "Traceback" not in err
    assert "Unclosed" not in err
    assert "Task was destroyed" not in err
    assert not list(tmp_path.glob("**/*.db")), "the temporary database outlived the run"


def test_the_command_opens_the_page_in_a_browser_unless_told_not_to(tmp_path: Path) -> None:
    record = tmp_path / "opened.txt"
    script = f"import sys, pathlib; pathlib.Path({str(record)!r}).write_text(sys.argv[1])"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(PROJECT_ROOT),
        "HOME": str(tmp_path),
        "TMPDIR": str(tmp_path),
        # webbrowser runs $BROWSER (with %s) and waits for it: a stand-in browser.
        "BROWSER": f"{shlex.quote(sys.executable)} -c {shlex.quote(script)} %s",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "try", "--port", "0"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(5)]
        match = re.search(r"http://127\.0\.0\.1:\d+/", "".join(lines))
        assert match, lines
        assert "Opened it in your web browser." in lines[-1]
        assert record.read_text() == match[0]
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
