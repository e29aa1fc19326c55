"""A test bot with a button, a form and commands, running against the loopback Discord fake."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import discord
from discord import app_commands
from discord.http import Route

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


@asynccontextmanager
async def running_fake() -> AsyncIterator[FakeDiscord]:
    """A started fake Discord, with discord.py pointed at it until the block ends."""
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


@asynccontextmanager
async def running_scene(fake: FakeDiscord) -> AsyncIterator[Scene]:
    """The test bot on one guild, running until the block ends, then closed cleanly."""
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
