"""What the demo's parts share: SimCord, the bot, the people, channels and roles, and look-ups.

The page's inputs (inputs.py), the operations' lock (operation.py) and the server's seeding
(server.py) read these; the running demo (world.py) builds on them. Keeping them here lets
those modules depend on the stage without importing the world that uses them.
"""

from __future__ import annotations

import asyncio
from typing import Any

import simcord
from simcord.backend.access import channel_accessible

from bot.app.client import Alongside
from bot.app.services import Services
from bot.tryout.feed import DemoFeed
from bot.tryout.plan import Person
from bot.tryout.wire import DemoError


class Stage:
    """SimCord's Discord with the bot in it, and who and what the demo server holds."""

    def __init__(
        self, *, env: simcord.Env, bot: Alongside, services: Services, feed: DemoFeed
    ) -> None:
        self.env = env
        self.bot = bot
        self.services = services
        self.feed = feed
        self.lock = asyncio.Lock()
        self.people: dict[int, Person] = {}
        self.channels: dict[str, simcord.ChannelHandle] = {}
        self.roles: dict[str, simcord.RoleHandle] = {}
        self.guild: simcord.GuildHandle | None = None

    # ------------------------------------------------------------------ lookups

    @property
    def guild_id(self) -> int:
        """The demo server's id."""
        assert self.guild is not None
        return self.guild.id

    def person(self, key: str) -> Person:
        """The person with this key (mo, ash, bea)."""
        for person in self.people.values():
            if person.key == key:
                return person
        raise DemoError(f"There is nobody called {key} here.")

    def person_by_id(self, person_id: int) -> Person:
        """The person with this user id."""
        try:
            return self.people[person_id]
        except KeyError:
            raise DemoError("Choose who you are first.") from None

    def dm_channel_id(self, person: Person) -> int | None:
        """The id of this person's DMs with the bot, if open."""
        value = self.env.backend.dm_channels.get(person.id)
        return int(value) if value is not None else None

    def can_see(self, person: Person, channel_id: int) -> bool:
        """Say whether this person can read this channel (or DM) now."""
        return channel_accessible(self.env.backend, channel_id, person.id, history=True)

    def channel_handle(self, channel_id: int) -> simcord.ChannelHandle:
        """A SimCord handle for any channel, thread or DM of the demo."""
        model = self.env.backend.channels.get(channel_id)
        if model is None:
            raise DemoError("That channel no longer exists.")
        guild = self.guild if model.guild_id is not None else None
        return simcord.ChannelHandle(self.env, guild, model)

    def visible_commands(self, person: Person, channel_id: int) -> list[dict[str, Any]]:
        """The raw slash commands this person sees in this channel."""
        if not self.can_see(person, channel_id):
            return []
        commands: list[dict[str, Any]] = self.env.backend.visible_commands(
            user_id=person.id, channel_id=channel_id
        )
        return commands
