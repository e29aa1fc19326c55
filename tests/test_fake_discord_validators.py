"""The request validators: Discord's limits on crafted bodies, and its OpenAPI spec."""

from __future__ import annotations

import time
from typing import Any

import discord
import pytest
from discord import app_commands
from discord.http import handle_message_parameters
from discord.webhook.async_ import interaction_message_response_params

from tests.discord_limits import check_request
from tests.discord_openapi import OpenApiValidator
from tests.fakescene import NoteModal, feeds

NO_PINGS: dict[str, Any] = {"parse": []}


def msg(**fields: Any) -> dict[str, Any]:
    """Build a message body that pings nobody."""
    return {"allowed_mentions": NO_PINGS, **fields}


def button(custom_id: str = "a:b", label: str = "Go") -> dict[str, Any]:
    """Build a button."""
    return {"type": 2, "style": 1, "custom_id": custom_id, "label": label}


def row(*items: dict[str, Any]) -> dict[str, Any]:
    """Build an action row."""
    return {"type": 1, "components": list(items)}


def text_input(**fields: Any) -> dict[str, Any]:
    """Build a text input."""
    return {"type": 4, "custom_id": "t", "style": 1, "label": "L", **fields}


def command(**fields: Any) -> dict[str, Any]:
    """Build a chat-input command."""
    return {"name": "cmd", "description": "Does things", "type": 1, **fields}


def option(name: str = "opt", **fields: Any) -> dict[str, Any]:
    """Build a string option."""
    return {"type": 3, "name": name, "description": "An option", **fields}


MESSAGES = "/channels/1/messages"
CALLBACK = "/interactions/1/tok/callback"
COMMANDS = "/applications/1/commands"
EMBED_OVER = {"title": "t" * 256, "description": "d" * 4096, "footer": {"text": "f" * 1700}}

CASES: list[tuple[str, str, Any, str]] = [
    ("POST", MESSAGES, msg(content="x" * 2001), "content is 2001"),
    ("POST", MESSAGES, msg(embeds=[{"title": "t"}] * 11), "embeds has 11"),
    ("POST", MESSAGES, msg(embeds=[{"title": "t" * 257}]), "title is 257"),
    ("POST", MESSAGES, msg(embeds=[{"description": "d" * 4097}]), "description is 4097"),
    (
        "POST",
        MESSAGES,
        msg(embeds=[{"fields": [{"name": "n", "value": "v"}] * 26}]),
        "fields has 26",
    ),
    (
        "POST",
        MESSAGES,
        msg(embeds=[{"fields": [{"name": "n" * 257, "value": "v"}]}]),
        "name is 257",
    ),
    (
        "POST",
        MESSAGES,
        msg(embeds=[{"fields": [{"name": "n", "value": "v" * 1025}]}]),
        "value is 1025",
    ),
    ("POST", MESSAGES, msg(embeds=[{"footer": {"text": "f" * 2049}}]), "footer.text is 2049"),
    ("POST", MESSAGES, msg(embeds=[{"author": {"name": "a" * 257}}]), "author.name is 257"),
    ("POST", MESSAGES, msg(embeds=[EMBED_OVER]), "total 6052"),
    ("POST", MESSAGES, msg(components=[row(button())] * 6), "has 6 items (max 5)"),
    ("POST", MESSAGES, msg(components=[row(*[button(f"b{i}") for i in range(6)])]), "row has 6"),
    ("POST", MESSAGES, msg(components=[row(button("c" * 101))]), "custom_id is 101"),
    ("POST", MESSAGES, msg(components=[row(button(label="l" * 81))]), "label is 81"),
    (
        "POST",
        MESSAGES,
        msg(
            components=[
                row({"type": 3, "custom_id": "s", "options": [{"label": "a", "value": "a"}] * 26})
            ]
        ),
        "options has 26",
    ),
    ("POST", MESSAGES, {"content": "hi"}, "allowed_mentions missing"),
    ("POST", MESSAGES, {"content": "hi", "allowed_mentions": {"parse": ["users"]}}, "not []"),
    ("POST", MESSAGES, {"content": "hi", "allowed_mentions": {"parse": [], "users": [1]}}, "users"),
    (
        "POST",
        MESSAGES,
        msg(
            content="hi",
            message_reference={"message_id": 1},
            allowed_mentions={"parse": [], "replied_user": True},
        ),
        "replied_user",
    ),
    ("POST", MESSAGES, msg(), "empty"),
    ("POST", "/webhooks/1/tok", {"content": "x" * 2001}, "allowed_mentions missing"),
    ("POST", "/webhooks/1/tok", msg(content="x" * 2001), "content is 2001"),
    ("PATCH", "/webhooks/1/tok/messages/@original", {"content": "x" * 2001}, "content is 2001"),
    ("POST", CALLBACK, {"type": 4, "data": {"content": "hi"}}, "allowed_mentions missing"),
    ("POST", CALLBACK, {"type": 7, "data": {"content": "x" * 2001}}, "content is 2001"),
    (
        "POST",
        CALLBACK,
        {"type": 8, "data": {"choices": [{"name": "n", "value": "v"}] * 26}},
        "choices has 26",
    ),
    (
        "POST",
        CALLBACK,
        {
            "type": 9,
            "data": {"custom_id": "m", "title": "t" * 46, "components": [row(text_input())]},
        },
        "title is 46",
    ),
    (
        "POST",
        CALLBACK,
        {
            "type": 9,
            "data": {"custom_id": "m", "title": "t", "components": [row(text_input())] * 6},
        },
        "6 top-level",
    ),
    (
        "POST",
        CALLBACK,
        {
            "type": 9,
            "data": {
                "custom_id": "m",
                "title": "t",
                "components": [row(text_input(label="l" * 46))],
            },
        },
        "label is 46",
    ),
    (
        "POST",
        CALLBACK,
        {
            "type": 9,
            "data": {
                "custom_id": "m",
                "title": "t",
                "components": [row(text_input(max_length=4001))],
            },
        },
        "max_length 4001",
    ),
    (
        "POST",
        CALLBACK,
        {
            "type": 9,
            "data": {
                "custom_id": "m",
                "title": "t",
                "components": [row(text_input(value="v" * 4001))],
            },
        },
        "value is 4001",
    ),
    ("POST", CALLBACK, {"type": 42}, "unknown interaction callback type"),
    ("PUT", COMMANDS, [command(name="Bad")], "lowercase"),
    ("PUT", COMMANDS, [command(name="has space")], "must match"),
    ("PUT", COMMANDS, [command(name="x" * 33)], "must match"),
    ("PUT", COMMANDS, [command(description="")], "description is 0"),
    ("PUT", COMMANDS, [command(description="d" * 101)], "description is 101"),
    ("PUT", COMMANDS, [command(options=[option(f"o{i}") for i in range(26)])], "options has 26"),
    (
        "PUT",
        COMMANDS,
        [command(options=[option(choices=[{"name": "c", "value": "c"}] * 26)])],
        "choices has 26",
    ),
    (
        "PUT",
        COMMANDS,
        [command(options=[option(choices=[{"name": "c" * 101, "value": "c"}])])],
        "name is 101",
    ),
    (
        "PUT",
        COMMANDS,
        [command(options=[option("a"), option("b", required=True)])],
        "before optional",
    ),
    ("PUT", COMMANDS, [command(name=f"c{i}") for i in range(101)], "101 commands"),
    ("PUT", "/applications/1/guilds/2/commands", [command(), command()], "duplicate"),
    ("POST", "/channels/1/messages/2/threads", {"name": "n" * 101}, "thread name is 101"),
    ("POST", "/api/v10/channels/1/threads", {"name": "", "type": 11}, "thread name is 0"),
]


@pytest.mark.parametrize(("method", "path", "body", "expected"), CASES)
def test_check_request_catches(method: str, path: str, body: Any, expected: str) -> None:
    problems = check_request(method, path, body)
    assert any(expected in p for p in problems), problems


def test_check_request_accepts_good_bodies() -> None:
    good_command = command(
        options=[
            {
                "type": 2,
                "name": "grp",
                "description": "Group",
                "options": [
                    {
                        "type": 1,
                        "name": "sub",
                        "description": "Sub",
                        "options": [
                            option("a", required=True),
                            option("b", choices=[{"name": "B", "value": "b"}]),
                        ],
                    },
                ],
            },
        ],
    )
    assert check_request("PUT", COMMANDS, [good_command, {"name": "Report", "type": 3}]) == []
    feed = msg(content="New post", allowed_mentions={"parse": [], "roles": [123]})
    assert check_request("POST", MESSAGES, feed) == []
    assert check_request("POST", CALLBACK, {"type": 5, "data": {"flags": 64}}) == []
    assert check_request("GET", "/users/@me", None) == []


@pytest.fixture(scope="module")
def openapi() -> OpenApiValidator:
    """Discord's OpenAPI validator, or a skip when the spec is not beside the project."""
    validator = OpenApiValidator.load()
    if validator is None:
        pytest.skip("../shared/discord-api-spec/openapi.json not found; OpenAPI checks skipped")
    return validator


def real_payloads() -> list[tuple[str, str, Any]]:
    """Build request bodies exactly as discord.py serialises them."""
    view = discord.ui.View(timeout=None)
    view.add_item(discord.ui.Button(label="Go", custom_id="t:go"))
    view.add_item(discord.ui.Select(custom_id="t:pick", options=[discord.SelectOption(label="A")]))
    embed = discord.Embed(title="Title", description="Text").add_field(name="n", value="v")
    embed.set_footer(text="footer").set_author(name="author")
    role_ping = discord.AllowedMentions(everyone=False, users=False, roles=[discord.Object(9)])
    message = handle_message_parameters(
        content="hi", embed=embed, view=view, allowed_mentions=role_ping, nonce=5
    ).payload
    reply = interaction_message_response_params(
        type=4,
        content="pong",
        flags=discord.MessageFlags(ephemeral=True),
        allowed_mentions=discord.AllowedMentions.none(),
    ).payload
    modal = {"type": 9, "data": NoteModal().to_dict()}
    tree = app_commands.CommandTree(discord.Client(intents=discord.Intents(guilds=True)))
    tree.add_command(feeds)
    commands = [c.to_dict(tree) for c in tree.get_commands()]
    return [
        ("POST", "/channels/1/messages", message),
        ("POST", "/interactions/1/tok/callback", reply),
        ("POST", "/interactions/1/tok/callback", modal),
        ("POST", "/interactions/1/tok/callback", {"type": 5, "data": {"flags": 64}}),
        ("PUT", "/applications/1/commands", commands),
        ("POST", "/users/@me/channels", {"recipient_id": 1234}),
        ("POST", "/channels/1/messages/2/threads", {"name": "t", "auto_archive_duration": 1440}),
    ]


def test_openapi_accepts_real_discord_py_payloads(openapi: OpenApiValidator) -> None:
    for method, path, body in real_payloads():
        assert openapi.validate(method, path, body) == [], (method, path)
        assert check_request(method, path, body) == [], (method, path)


def test_openapi_rejects_bad_bodies_and_unknown_routes(openapi: OpenApiValidator) -> None:
    assert openapi.validate("POST", "/channels/1/messages", {"content": 5})
    assert openapi.validate("POST", "/users/@me/channels", {"recipient_id": "abc"})
    assert openapi.validate("GET", "/nowhere", None)
    assert openapi.validate("GET", "/api/v10/users/@me", None) == []
    started = time.perf_counter()
    for _ in range(200):
        openapi.validate("POST", "/channels/1/messages", {"content": "hi"})
    assert time.perf_counter() - started < 1.0
