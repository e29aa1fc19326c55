"""A bare discord.py bot with one /ping, the floor for benchmarks against the fake Discord.

Run: python -m tests.fakediscord.barebot (reads DISCORD_API_BASE, DISCORD_GATEWAY_URL and
DISCORD_TOKEN), stops cleanly on SIGTERM or SIGINT.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from typing import Any

import discord
import yarl
from discord.ext import commands

log = logging.getLogger(__name__)


def point_discord_at(api_base: str, gateway_url: str) -> None:
    """Send discord.py's REST and gateway traffic to the given URLs."""
    discord.http.Route.BASE = api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


class BareBot(commands.Bot):
    """A bot with guilds-only intents, no pings, and a /ping command."""

    def __init__(self, **options: Any) -> None:
        options.setdefault("intents", discord.Intents(guilds=True))
        super().__init__(
            command_prefix=commands.when_mentioned,
            allowed_mentions=discord.AllowedMentions.none(),
            **options,
        )

        @self.tree.command(name="ping", description="Check that the bot answers")
        async def ping(interaction: discord.Interaction) -> None:
            """Reply with a fixed ephemeral pong."""
            await interaction.response.send_message("pong", ephemeral=True)

    async def setup_hook(self) -> None:
        """Sync the command tree before connecting to the gateway."""
        await self.tree.sync()


async def main() -> None:
    """Run the bare bot until SIGTERM or SIGINT."""
    point_discord_at(os.environ["DISCORD_API_BASE"], os.environ["DISCORD_GATEWAY_URL"])
    bot = BareBot()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with bot:
        runner = asyncio.create_task(bot.start(os.environ["DISCORD_TOKEN"]))
        stopper = asyncio.create_task(stop.wait())
        await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
        await bot.close()
        stopper.cancel()
        if runner.done():
            # Surface a crash (bad token, refused intents) instead of exiting quietly.
            runner.result()
        else:
            await runner
    log.info("bare bot stopped")


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    asyncio.run(main())
