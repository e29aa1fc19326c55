"""The loopback Discord fake, driven by the real discord.py client: commands, buttons, forms."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import discord
import pytest

from tests.fakediscord import FakeDiscord
from tests.fakescene import (
    NOTE_MODAL,
    PANEL_BUTTON,
    Scene,
    assert_clean,
    running_fake,
    running_scene,
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A started fake Discord, with discord.py pointed at it for the test."""
    async with running_fake() as server:
        yield server


@pytest.fixture
async def scene(fake: FakeDiscord) -> AsyncIterator[Scene]:
    """The test bot, running until the test ends, then closed cleanly."""
    async with running_scene(fake) as running:
        yield running


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


async def test_the_bot_holds_only_the_invite_and_overwrites_take_away(scene: Scene) -> None:
    from bot.ui.permissions import BITS

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
