"""The Alongside bot: loads cogs, owns the command tree, syncs only when it changed."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import json
import logging
from collections.abc import Sequence
from typing import Any

import discord
import yarl
from discord import app_commands
from discord.ext import commands

from bot.app.runstate import IDENTIFY_LIMIT, record_identify
from bot.app.services import Services, reapply
from bot.ui.deadline import Deadlines
from bot.ui.membership import Membership, discord_fetch
from bot.ui.moderation import ModRoot, ensure_known_server, is_moderator, under_moderator_group
from bot.ui.replies import NO_PINGS, report_error

log = logging.getLogger(__name__)

EXTENSIONS: tuple[str, ...] = (
    "cogs.about",
    "cogs.support",
    "cogs.mod",
    "cogs.glossary",
    "cogs.mydata",
    "cogs.feeds",
    "cogs.unsaid",
    "cogs.checkin",
    "cogs.reflect",
    "cogs.room",
)


def point_discord_at(api_base: str | None, gateway_url: str | None) -> None:
    """Send REST calls and the gateway connection somewhere other than Discord (proxy, tests)."""
    if api_base:
        discord.http.Route.BASE = api_base
    if gateway_url:
        # The non-sharded client never asks /gateway/bot: it dials this URL directly.
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


def intents() -> discord.Intents:
    """Ask only for what the features need: server and channel events, nothing privileged."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    return wanted


class AlongsideTree(app_commands.CommandTree["Alongside"]):
    """A command tree whose failures become kind, private messages."""

    async def interaction_check(self, interaction: discord.Interaction[Alongside]) -> bool:
        """Refuse every command from a server the bot is not in, before any handler runs."""
        if interaction.type is discord.InteractionType.autocomplete:
            guild_id = interaction.guild_id
            if guild_id is not None and interaction.client.get_guild(guild_id) is None:
                return False
            if under_moderator_group(interaction.command) and not await is_moderator(interaction):
                # Every /mod suggestion (channels, roles, feeds, blocks…) is for moderators only.
                await interaction.response.autocomplete([])
                return False
            return True
        ensure_known_server(interaction)
        return True

    async def on_error(
        self, interaction: discord.Interaction[Alongside], error: app_commands.AppCommandError
    ) -> None:
        """Turn known errors into explanations and bugs into an apology with a reference."""
        await report_error(interaction, error)


class Alongside(commands.Bot):
    """The bot; every dependency arrives through `services`."""

    def __init__(
        self,
        services: Services,
        *,
        extensions: Sequence[str] = EXTENSIONS,
        force_sync: bool = False,
        freeze_heap: bool = False,
    ) -> None:
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=intents(),
            tree_cls=AlongsideTree,
            allowed_mentions=NO_PINGS,
            help_command=None,
            max_messages=None,
            member_cache_flags=discord.MemberCacheFlags.none(),
            chunk_guilds_at_startup=False,
        )
        self.services = services
        self.extension_names = tuple(extensions)
        self.force_sync = force_sync
        self.mod_root = ModRoot()
        self.deadlines = Deadlines()
        self.synced_on_start: bool | None = None
        # Only the bot's own process freezes its heap: a test process hosts many bots in turn.
        self._heap_frozen = not freeze_heap
        self.membership = Membership(discord_fetch(self), services.clock)

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        """Start the acknowledgement watch on each interaction before any handler runs."""
        # discord.py creates the handler tasks, then dispatches "interaction", all in one
        # synchronous step: the watch is in place before the first handler line executes.
        if event_name == "interaction" and args and isinstance(args[0], discord.Interaction):
            self.deadlines.watch(args[0])
        super().dispatch(event_name, *args, **kwargs)

    async def setup_hook(self) -> None:
        """Load cogs, start the scheduler from the database, and sync commands if they changed."""
        for name in self.extension_names:
            await self.load_extension(name)
        if self.mod_root.commands:
            self.tree.add_command(self.mod_root)
        # Before anything can be posted: what was withdrawn or erased stays gone after a restore.
        await reapply(self.services)
        await self.services.scheduler.start()
        self.synced_on_start = await self.sync_commands(force=self.force_sync)

    def command_payload(self, guild: discord.abc.Snowflake | None) -> list[dict[str, Any]]:
        """Return what a sync would send for `guild` (or the global scope)."""
        return [command.to_dict(self.tree) for command in self.tree.get_commands(guild=guild)]

    async def sync_commands(self, *, force: bool = False) -> bool:
        """Sync the tree when its payload differs from the last sync; return whether it synced."""
        dev_guild = self.services.config.dev_guild_id
        guild = discord.Object(dev_guild) if dev_guild else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        payload = self.command_payload(guild)
        digest = hashlib.sha256(
            json.dumps(payload, sort_keys=True, default=str).encode()
        ).hexdigest()
        key = f"command_tree_hash:{dev_guild or 'global'}"
        if not force and await self.services.meta.get(key) == digest:
            log.info("Command tree unchanged since the last sync; not syncing")
            return False
        await self.tree.sync(guild=guild)
        await self.services.meta.set(key, digest)
        log.info("Synced %d commands (%s)", len(payload), "dev server" if guild else "global")
        return True

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        """Count IDENTIFYs: Discord resets a token after 1,000 in a day, so never get near it."""
        count = await record_identify(self.services.meta, self.services.clock.now())
        log.info("IDENTIFY number %d in the last 24 hours", count)
        if count > IDENTIFY_LIMIT:
            log.error(
                "Over %d IDENTIFYs in 24 hours: waiting an hour to protect the token",
                IDENTIFY_LIMIT,
            )
            await asyncio.sleep(3600)
        await super().before_identify_hook(shard_id, initial=initial)

    async def on_ready(self) -> None:
        """Log that the gateway session is ready, and freeze the start-up heap (once)."""
        log.info("Ready as %s in %d servers", self.user, len(self.guilds))
        if not self._heap_frozen:
            # Everything made while starting (modules, commands, caches) lives as long as the
            # process: moved out of the collector's reach, a full collection no longer walks it.
            # Measured for issue #17 on the shared 2-core machine: a full collection over the
            # start-up heap (~63,000 objects) took 19-26 ms before the freeze, under 0.01 ms
            # after; every full collection while serving skips that walk, so pauses shrink.
            gc.freeze()
            self._heap_frozen = True

    async def close(self) -> None:
        """Stop scheduled work before the connection closes."""
        self.services.scheduler.shutdown()
        await super().close()
