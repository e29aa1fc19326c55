"""Shared fixtures: a real SQLite file, real services, and the bot inside SimCord."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import discord
import pytest
import simcord

from bot.app.client import EXTENSIONS, Alongside
from bot.app.services import Services, build_services
from bot.core.config import PROJECT_ROOT, Settings, load_settings
from bot.core.timeutil import ManualClock
from bot.db import Database
from bot.db.migrate import apply_migrations
from bot.ui.replies import explain
from tests import simcord_members  # noqa: F401  (members come and go as on Discord)

if TYPE_CHECKING:
    from tests.requestcheck import RequestChecker

# Every choice the bot makes at random is seeded in tests, so a run never depends on luck.
SEED = 20260112


def make_settings(tmp_path: Path, **overrides: str) -> Settings:
    """Build test settings: a fake token and a database inside the test's folder."""
    env = {
        "DISCORD_TOKEN": "test-token",
        "DATABASE_PATH": str(tmp_path / "alongside.db"),
        "DATA_DIR": str(PROJECT_ROOT / "data"),
    }
    env.update(overrides)
    return load_settings(env)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for one test."""
    return make_settings(tmp_path)


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    """A migrated database file, closed after the test."""
    database = await Database.open(settings.database_path)
    await apply_migrations(database)
    yield database
    await database.close()


@pytest.fixture
def clock() -> ManualClock:
    """A clock the test moves by hand: a Monday morning in London, in winter."""
    return ManualClock(datetime(2026, 1, 12, 9, 0, tzinfo=UTC))


@pytest.fixture
def services(settings: Settings, db: Database, clock: ManualClock) -> Services:
    """Every service wired to the test database and clock."""
    return build_services(
        settings, db, clock, rng=random.Random(SEED), secure_rng=random.Random(SEED + 1)
    )


@dataclass
class World:
    """A server with a moderator, two members and a few channels, with Alongside running."""

    env: simcord.Env
    bot: Alongside
    services: Services
    guild: simcord.GuildHandle
    general: simcord.ChannelHandle
    mod_channel: simcord.ChannelHandle
    moderator: simcord.MemberActor
    member: simcord.MemberActor
    other: simcord.MemberActor

    async def restart(self) -> None:
        """Stop the bot and start a new one on the same database, as a real restart would."""
        self.bot = Alongside(self.services, extensions=self.bot.extension_names)
        await self.env.restart_bot(self.bot)

    def open_mod_commands_to_everyone(self) -> None:
        """Do what a server admin can do in Integrations: show /mod to every member."""
        command = self.env.backend.find_command("mod", None, type=1)
        assert command is not None, "/mod was not synced"
        self.guild.set_command_permissions(int(command["id"]), {self.guild.default_role: True})


@pytest.fixture
def extensions() -> tuple[str, ...]:
    """Which extensions the bot under test loads (override in a module to narrow it)."""
    return EXTENSIONS


@pytest.fixture
def simcord_bot(services: Services, extensions: tuple[str, ...]) -> Alongside:
    """The real bot, unmodified, for SimCord's `simcord_env` fixture to run."""
    return Alongside(services, extensions=extensions)


@pytest.fixture
async def world(
    simcord_env: simcord.Env,
    simcord_bot: Alongside,
    services: Services,
    request_checker: RequestChecker,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[World]:
    """A server with Alongside running against SimCord's simulated Discord."""
    from tests.strictperms import grant_invite_permissions, strict_permissions, undeclared_routes

    env = simcord_env
    strict_permissions(monkeypatch)
    guild = env.create_guild("Peer Network")
    grant_invite_permissions(env, guild)  # exactly what the README's invite grants
    general = guild.create_text_channel("general")
    mod_channel = guild.create_text_channel("moderators")
    mods = guild.create_role("Moderators", permissions=discord.Permissions(manage_guild=True))
    moderator = guild.add_member(env.create_user("mo"), roles=[mods])
    member = guild.add_member(env.create_user("ash"))
    other = guild.add_member(env.create_user("bea"))
    yield World(env, simcord_bot, services, guild, general, mod_channel, moderator, member, other)
    # Errors the bot explained to the person (bad input, refused permission) are behaviour, not
    # bugs; anything else still fails the test through SimCord's own teardown check.
    unacknowledged = env.errors_since(env._errors_acknowledged)
    bugs = [error for error in unacknowledged if explain(error) is None]
    env.errors  # noqa: B018 - reading acknowledges everything captured so far
    assert not bugs, f"The bot raised unexpected errors: {bugs!r}"
    request_checker.check_all(env.http_requests)
    undeclared = undeclared_routes(env.http_requests)
    assert not undeclared, f"Routes the permissions table doesn't cover: {undeclared}"


@pytest.fixture(scope="session")
def request_checker() -> RequestChecker:
    """Checks every request the bot sent against Discord's limits and OpenAPI description."""
    from tests.requestcheck import RequestChecker

    return RequestChecker.create()
