# Over 400 lines: the fake's own conformance tests, route by route. Issue #17 splits it.
"""The loopback Discord fake, driven by the real discord.py client; the request validators."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
import pytest
import yarl
from discord import app_commands
from discord.http import Route, handle_message_parameters
from discord.webhook.async_ import interaction_message_response_params

from tests.discord_limits import OpenApiValidator, check_request
from tests.fakediscord import FakeDiscord
from tests.fakediscord.barebot import BareBot, point_discord_at

PANEL_BUTTON = "test:panel:ok"
NOTE_MODAL = "test:note"


class Panel(discord.ui.View):
    """A persistent view with one button."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="OK", custom_id=PANEL_BUTTON)
    async def ok(self, interaction: discord.Interaction, button: discord.ui.Button[Panel]) -> None:
        """Acknowledge the click privately."""
        await interaction.response.send_message("clicked", ephemeral=True)


class NoteModal(discord.ui.Modal, title="Leave a note"):
    """A modal with one text input."""

    text: discord.ui.TextInput[NoteModal] = discord.ui.TextInput(
        label="Note", custom_id="note:text", max_length=200
    )

    def __init__(self) -> None:
        super().__init__(custom_id=NOTE_MODAL)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        """Echo the note privately."""
        await interaction.response.send_message(f"noted: {self.text.value}", ephemeral=True)


feeds = app_commands.Group(name="config", description="Configure things")
feed_group = app_commands.Group(name="feeds", description="Blog feeds", parent=feeds)


@feed_group.command(name="add", description="Add a feed")
@app_commands.describe(name="Feed name", every="Days between checks", channel="Where to post")
async def feed_add(
    interaction: discord.Interaction,
    name: str,
    every: app_commands.Range[int, 1, 30],
    channel: discord.TextChannel,
    quiet: bool = False,
) -> None:
    """Echo the parsed options."""
    await interaction.response.send_message(f"{name}|{every}|{channel.id}|{quiet}", ephemeral=True)


class FakeTestBot(BareBot):
    """The bare bot plus the commands these tests drive."""

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Re-identify at once; discord.py otherwise waits 5 s before every non-initial IDENTIFY."""

    async def setup_hook(self) -> None:
        """Register the persistent view and test commands, then sync."""
        self.add_view(Panel())
        self.tree.add_command(feeds)

        @self.tree.command(name="panel", description="Post the panel")
        async def panel(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("Panel", view=Panel())

        @self.tree.command(name="note", description="Leave a note")
        async def note(interaction: discord.Interaction) -> None:
            await interaction.response.send_modal(NoteModal())

        @self.tree.command(name="slow", description="Defer, then follow up")
        async def slow(interaction: discord.Interaction) -> None:
            await interaction.response.defer(thinking=True)
            await interaction.followup.send("done")
            await interaction.edit_original_response(content="done, edited")

        @self.tree.command(name="pick", description="Pick a fruit")
        async def pick(interaction: discord.Interaction, fruit: str) -> None:
            await interaction.response.send_message(fruit, ephemeral=True)

        @pick.autocomplete("fruit")
        async def pick_fruit(
            interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            fruits = ["apple", "apricot", "banana"]
            return [app_commands.Choice(name=f, value=f) for f in fruits if f.startswith(current)]

        await self.tree.sync()


@dataclass
class Scene:
    """A running fake with one guild, and the test bot connected to it."""

    fake: FakeDiscord
    bot: FakeTestBot
    guild: int
    channel: int
    member: int


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A started fake Discord, with discord.py pointed at it for the test."""
    server = FakeDiscord()
    await server.start()
    old_base, old_gateway = Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    point_discord_at(server.api_base, server.gateway_url)
    yield server
    Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway
    await server.stop()


async def run_bot(fake: FakeDiscord, bot: discord.Client) -> asyncio.Task[None]:
    """Start a bot against the fake and wait until discord.py reports it ready."""
    task = asyncio.create_task(bot.start(fake.token))
    await fake.wait_for_ready(timeout=10)
    await asyncio.wait_for(bot.wait_until_ready(), timeout=10)
    return task


@pytest.fixture
async def scene(fake: FakeDiscord) -> AsyncIterator[Scene]:
    """The test bot, running until the test ends, then closed cleanly."""
    guild = fake.add_guild("Peer Network")
    channel = fake.add_channel(guild, "general")
    member = fake.add_member(guild, "ash")
    bot = FakeTestBot(guild_ready_timeout=0.05)
    async with bot:
        task = await run_bot(fake, bot)
        yield Scene(fake, bot, guild, channel, member)
        await bot.close()
        await task


def assert_clean(fake: FakeDiscord) -> None:
    """Fail on anything Discord would reject or the fake could not serve."""
    assert fake.problems == []


async def test_bot_starts_syncs_and_sees_the_guild(scene: Scene) -> None:
    fake = scene.fake
    assert fake.identify_count == 1
    assert scene.bot.get_guild(scene.guild) is not None
    assert scene.bot.get_channel(scene.channel) is not None
    scope, body = fake.command_syncs[0]
    assert scope == "global"
    assert {c["name"] for c in body} == {"ping", "config", "panel", "note", "slow", "pick"}
    assert_clean(fake)


async def test_ping_answers_ephemerally(scene: Scene) -> None:
    handle = await scene.fake.slash(scene.guild, scene.channel, scene.member, "ping")
    body = await handle.response(timeout=5)
    assert body["type"] == 4
    assert body["data"]["content"] == "pong"
    assert body["data"]["flags"] & 64
    assert handle.latency is not None
    assert handle.latency < 1.0
    assert scene.fake.messages(scene.channel) == []  # ephemeral replies stay out of the channel
    assert_clean(scene.fake)


async def test_subcommand_group_with_options(scene: Scene) -> None:
    handle = await scene.fake.slash(
        scene.guild,
        scene.channel,
        scene.member,
        "config feeds add",
        name="blog",
        every=7,
        channel=scene.channel,
    )
    body = await handle.response(timeout=5)
    assert body["data"]["content"] == f"blog|7|{scene.channel}|False"
    with pytest.raises(LookupError):
        await scene.fake.slash(scene.guild, scene.channel, scene.member, "config nothing")
    with pytest.raises(ValueError, match="required"):
        await scene.fake.slash(scene.guild, scene.channel, scene.member, "config feeds add")
    assert_clean(scene.fake)


async def test_persistent_button_click(scene: Scene) -> None:
    fake = scene.fake
    posted = await fake.slash(scene.guild, scene.channel, scene.member, "panel")
    await posted.response(timeout=5)
    assert posted.message_id is not None
    assert fake.messages(scene.channel)[-1]["content"] == "Panel"
    click = await fake.click(
        scene.guild, scene.channel, scene.member, posted.message_id, PANEL_BUTTON
    )
    body = await click.response(timeout=5)
    assert body == {
        "type": 4,
        "data": {
            "tts": False,
            "content": "clicked",
            "flags": 64,
            "allowed_mentions": {"parse": []},
        },
    }
    # A button on a message the fake never saw (e.g. posted before a restart) still works.
    old = await fake.click(scene.guild, scene.channel, scene.member, 1234567890123, PANEL_BUTTON)
    assert (await old.response(timeout=5))["data"]["content"] == "clicked"
    assert_clean(fake)


async def test_modal_submit(scene: Scene) -> None:
    fake = scene.fake
    shown = await fake.slash(scene.guild, scene.channel, scene.member, "note")
    assert (await shown.response(timeout=5))["type"] == 9
    submitted = await fake.submit_modal(
        scene.guild, scene.channel, scene.member, NOTE_MODAL, {"note:text": "hello"}
    )
    assert (await submitted.response(timeout=5))["data"]["content"] == "noted: hello"
    assert_clean(fake)


async def test_defer_then_followup_fills_the_loading_message(scene: Scene) -> None:
    handle = await scene.fake.slash(scene.guild, scene.channel, scene.member, "slow")
    assert (await handle.response(timeout=5))["type"] == 5
    followups = await handle.wait_followups(2, timeout=5)
    assert [f.method for f in followups] == ["POST", "PATCH"]
    assert handle.original is not None
    assert handle.original["content"] == "done, edited"
    assert handle.original["flags"] & 128 == 0
    assert_clean(scene.fake)


async def test_autocomplete(scene: Scene) -> None:
    handle = await scene.fake.autocomplete(
        scene.guild, scene.channel, scene.member, "pick", "fruit", "ap"
    )
    body = await handle.response(timeout=5)
    assert body["type"] == 8
    assert [c["value"] for c in body["data"]["choices"]] == ["apple", "apricot"]
    assert_clean(scene.fake)


async def test_nonce_deduplicates_sends(scene: Scene) -> None:
    channel = scene.bot.get_channel(scene.channel)
    assert isinstance(channel, discord.TextChannel)
    first = await channel.send("once", nonce=4242)
    second = await channel.send("once", nonce=4242)
    assert first.id == second.id
    assert [m["content"] for m in scene.fake.messages(scene.channel)] == ["once"]
    assert_clean(scene.fake)


async def test_dm_and_closed_dm(scene: Scene) -> None:
    fake = scene.fake
    user = await scene.bot.fetch_user(scene.member)
    await user.send("hello in private")
    assert [m["content"] for m in fake.dm_messages(scene.member)] == ["hello in private"]
    closed = fake.add_member(scene.guild, "bea")
    fake.close_dms(closed)
    with pytest.raises(discord.Forbidden) as caught:
        await (await scene.bot.fetch_user(closed)).send("hi")
    assert caught.value.code == 50007
    assert_clean(fake)


async def test_attachments_are_kept(scene: Scene) -> None:
    channel = scene.bot.get_channel(scene.channel)
    assert isinstance(channel, discord.TextChannel)
    sent = await channel.send("file", file=discord.File(io.BytesIO(b"abc"), "a.txt"))
    assert sent.attachments[0].filename == "a.txt"
    stored = scene.fake.messages(scene.channel)[-1]
    assert stored["_files"] == {"a.txt": b"abc"}
    assert_clean(scene.fake)


async def test_threads_are_created_and_deleted(scene: Scene) -> None:
    fake = scene.fake
    channel = scene.bot.get_channel(scene.channel)
    assert isinstance(channel, discord.TextChannel)
    message = await channel.send("check-in")
    public_thread = await message.create_thread(name="Check-in thread")
    assert public_thread.id == message.id
    private = await channel.create_thread(name="Just us", type=discord.ChannelType.private_thread)
    await private.add_user(discord.Object(scene.member))
    assert fake.world.channels[private.id].type == 12
    await private.delete()
    assert private.id not in fake.world.channels
    assert_clean(fake)


async def test_heartbeats_are_acknowledged(fake: FakeDiscord) -> None:
    fake.gateway.heartbeat_interval = 50
    fake.add_guild("Tiny")
    bot = BareBot(guild_ready_timeout=0.05)
    async with bot:
        task = await run_bot(fake, bot)
        await asyncio.sleep(0.3)
        conn = next(iter(fake.gateway.connections))
        assert conn.heartbeats >= 3
        assert bot.latency < 1.0
        assert fake.identify_count == 1
        await bot.close()
        await task


async def test_resume_after_gateway_drop(scene: Scene) -> None:
    fake = scene.fake
    fake.delay_hello(0.1)
    started = time.perf_counter()
    await fake.drop_gateway()
    await fake.wait_for_resume(timeout=10)
    assert time.perf_counter() - started >= 0.1
    assert (fake.identify_count, fake.resume_count) == (1, 1)
    fake.delay_hello(0)
    handle = await fake.slash(scene.guild, scene.channel, scene.member, "ping")
    assert (await handle.response(timeout=5))["data"]["content"] == "pong"
    # Events sent while disconnected are replayed on resume.
    await fake.drop_gateway(None)
    await fake.dispatch(
        "CHANNEL_UPDATE", {**fake.world.channels[scene.channel].payload(fake.world)}
    )
    await fake.wait_for_resume(timeout=10, count=2)
    await fake.request_reconnect()
    await fake.wait_for_resume(timeout=10, count=3)
    assert fake.identify_count == 1
    assert_clean(fake)


async def test_session_timeout_forces_a_new_identify(scene: Scene) -> None:
    fake = scene.fake
    await fake.drop_gateway(4009)
    await fake.wait_for_ready(timeout=10, count=2)
    assert fake.identify_count == 2
    assert fake.gateway.invalid_session_count == 1
    handle = await fake.slash(scene.guild, scene.channel, scene.member, "ping")
    assert (await handle.response(timeout=5))["data"]["content"] == "pong"


async def test_rate_limits_are_retried_transparently(scene: Scene) -> None:
    fake = scene.fake
    channels = [fake.add_channel(scene.guild, f"c{i}") for i in range(4)]
    fake.rate_limits(global_per_second=8, route_limit=3, route_window=0.5)
    http = scene.bot.http
    sends = [
        http.send_message(
            cid,
            params=handle_message_parameters(
                content=f"m{i}", allowed_mentions=discord.AllowedMentions.none()
            ),
        )
        for i, cid in enumerate(channels * 3)
    ]
    started = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*sends), timeout=15)
    assert fake.count_429 > 0
    assert sum(len(fake.messages(c)) for c in channels) == 12
    assert time.perf_counter() - started < 10
    assert_clean(fake)


async def test_injected_errors(scene: Scene) -> None:
    fake = scene.fake
    channel = scene.bot.get_channel(scene.channel)
    assert isinstance(channel, discord.TextChannel)
    fake.inject(
        "POST", r"/channels/\d+/messages$", 403, {"message": "Missing Access", "code": 50001}
    )
    with pytest.raises(discord.Forbidden):
        await channel.send("nope")
    fake.inject("POST", r"/channels/\d+/messages$", 429, retry_after=0.01)
    await channel.send("after a 429")
    assert fake.count_429 == 1
    assert [m["content"] for m in fake.messages(scene.channel)] == ["after a 429"]


async def test_validators_catch_long_content_and_unknown_routes(scene: Scene) -> None:
    fake = scene.fake
    channel = scene.bot.get_channel(scene.channel)
    assert isinstance(channel, discord.TextChannel)
    await channel.send("x" * 2001)
    with pytest.raises(discord.NotFound):
        await scene.bot.http.request(Route("GET", "/nowhere/{channel_id}", channel_id=1))
    assert any("content is 2001 chars" in p for p in fake.problems)
    assert any("unknown route" in p for p in fake.problems)
    fake.problems.clear()


async def test_large_guild_is_chunked(fake: FakeDiscord) -> None:
    guild = fake.add_guild("Big")
    started = time.perf_counter()
    fake.bulk_members(guild, 10_000)
    assert time.perf_counter() - started < 2
    small = fake.add_guild("Small")
    fake.bulk_members(small, 300)
    bot = BareBot(intents=discord.Intents(guilds=True, members=True), guild_ready_timeout=0.05)
    async with bot:
        task = await run_bot(fake, bot)
        big = bot.get_guild(guild)
        assert big is not None
        assert big.member_count == 10_002
        assert big.chunked
        await bot.close()
        await task
    assert_clean(fake)


# -- validators on crafted bodies ----------------------------------------------------------------

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


def test_env_points_a_subprocess_at_the_fake() -> None:
    fake = FakeDiscord(openapi=False)
    assert set(fake.env()) == {"DISCORD_API_BASE", "DISCORD_GATEWAY_URL", "DISCORD_TOKEN"}
    assert yarl.URL(fake.gateway_url).scheme == "ws"


@pytest.mark.process
async def test_barebot_runs_as_a_process(fake: FakeDiscord) -> None:
    guild = fake.add_guild("Floor")
    channel = fake.add_channel(guild, "general")
    member = fake.add_member(guild, "ash")
    root = Path(__file__).resolve().parents[1]
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.fakediscord.barebot",
        cwd=root, env={**os.environ, **fake.env()},
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        await fake.wait_for_ready(timeout=20)
        await fake.wait_for_commands(timeout=5)
        handle = await fake.slash(guild, channel, member, "ping")
        assert (await handle.response(timeout=5))["data"]["content"] == "pong"
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=10)
    assert process.returncode == 0, stderr.decode()
    assert b"Unclosed" not in stderr
    assert_clean(fake)


async def test_the_bot_holds_only_the_invite_and_overwrites_take_away(scene: Scene) -> None:
    from bot.permissions import BITS

    fake = scene.fake
    channel = scene.bot.get_channel(scene.channel)
    assert isinstance(channel, discord.TextChannel)
    bot_id = fake.world.bot_user.id
    sent = await channel.send("hello", embed=discord.Embed(title="kept"))
    assert sent.embeds[0].title == "kept"
    denied = BITS["embed_links"] | BITS["attach_files"]
    await fake.set_overwrite(scene.channel, bot_id, deny=denied)
    dropped = await channel.send("no embeds", embed=discord.Embed(title="dropped"))
    assert dropped.embeds == []  # Discord drops embeds silently without Embed Links
    with pytest.raises(discord.Forbidden) as caught:
        await channel.send("file", file=discord.File(io.BytesIO(b"abc"), "a.txt"))
    assert caught.value.code == 50013
    await fake.set_overwrite(scene.channel, bot_id, deny=BITS["view_channel"])
    with pytest.raises(discord.Forbidden) as caught:
        await channel.send("hidden")
    assert caught.value.code == 50001
    await fake.set_overwrite(scene.channel, bot_id)
    first = await (await channel.send("one")).create_thread(name="One")
    await first.delete()  # the invite's Manage Threads
    assert first.id not in fake.world.channels
    second = await (await channel.send("two")).create_thread(name="Two")
    await fake.set_overwrite(scene.channel, bot_id, deny=BITS["manage_threads"])
    with pytest.raises(discord.Forbidden) as caught:
        await second.delete()
    assert caught.value.code == 50013
    assert second.id in fake.world.channels
    assert_clean(fake)
