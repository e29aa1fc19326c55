"""`python -m bot try`: the demo's JSON API over the real bot: people, commands, forms."""

from __future__ import annotations

import base64
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.tryoutsupport import PNG, WORDS, Demo, answer, channel_names, running_demo


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[Demo]:
    async with running_demo(tmp_path) as running:
        yield running


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
