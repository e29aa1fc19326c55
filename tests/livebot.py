"""The real bot, in this process, against the loopback Discord: for the reliability tests.

`LiveBot` runs the unmodified `Alongside` client with every extension over real HTTP and a real
websocket to `tests/fakediscord`, on a database in the test's folder, and can be stopped and
started again on that database. `Community` builds the server it serves. Log records at ERROR
are kept, so a test can tell a handled failure from a bug.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord
from aiohttp import web

from bot.app.client import EXTENSIONS, Alongside, point_discord_at
from bot.app.services import Services, build_services
from bot.core.config import PROJECT_ROOT, load_settings
from bot.core.timeutil import Clock
from bot.db import Database
from bot.db.migrate import apply_migrations
from tests.fakediscord import FakeDiscord
from tests.fakediscord.interactions import Followup
from tests.fakediscord.rest import Rest
from tests.fakediscord.restbase import Call, Reply
from tests.fakediscord.wire import API_PREFIX
from tests.fakediscord.world import public


class HistoryRest(Rest):
    """The fake's REST routes plus reading a channel's history (feeds look there after a crash)."""

    def routes(self) -> list[tuple[str, str, Any]]:
        """Add GET /channels/{id}/messages to the fake's routes."""
        return [
            ("GET", "/channels/{channel_id}/messages", self.history),
            *super().routes(),
        ]

    async def history(self, call: Call) -> Reply:
        """Return a channel's messages, newest first, honouring `limit` and `before`."""
        channel = self._channel(call.params["channel_id"])
        ids = list(reversed(self.world.channel_messages.get(channel.id, [])))
        before = call.query.get("before")
        if before and before.isdigit():
            ids = [m for m in ids if m < int(before)]
        limit = min(100, int(call.query.get("limit") or 50))
        found = [self.world.messages[m] for m in ids if m in self.world.messages]
        return 200, [public(message) for message in found[:limit]]

    async def webhook_message(self, call: Call) -> Reply:
        """As the fake's, but a button's deferred update owns the message the button is on.

        Discord edits that message through @original after a deferred update (type 6); the
        fake only looks for messages the interaction created.
        """
        handle = self._handle(call)
        source = (handle.payload.get("message") or {}).get("id")
        original = handle.original
        if (
            call.params["message_id"] != "@original"
            or original is None
            or original["id"] != source
            or call.method == "DELETE"
        ):
            return await super().webhook_message(call)
        if call.method == "PATCH":
            body = call.body if isinstance(call.body, dict) else {}
            self._edit(original, body, call.files)
            call.delivered.append(original["id"])
            handle.followups.append(Followup("PATCH", original["id"], body, time.perf_counter()))
        return 200, public(original)


class LoopbackDiscord(FakeDiscord):
    """FakeDiscord with channel history."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rest = HistoryRest(self)
        self.in_flight = 0
        # (method, path, status) of every answer, for counting invalid requests.
        self.answers: list[tuple[str, str, int]] = []
        self._latency = 0.0
        self._lifted = asyncio.Event()

    def slow(self, seconds: float) -> None:
        """Delay every REST answer by `seconds`, counted against interaction deadlines like the
        fake's `rest_latency`; setting 0 also ends the delays already under way."""
        self._latency = seconds
        if seconds:
            self._lifted.clear()
        else:
            self._lifted.set()

    async def _answer(
        self, request: web.Request, template: str, handler: Any, call: Call
    ) -> web.Response:
        self.in_flight += 1
        try:
            if self._latency:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._lifted.wait(), self._latency)
            response = await super()._answer(request, template, handler, call)
        finally:
            self.in_flight -= 1
        self.answers.append((call.method, request.path.removeprefix(API_PREFIX), response.status))
        return response


@dataclass
class Community:
    """A server in the fake: channels, a moderator and members, with ids for settings."""

    guild: int
    general: int
    moderators: int
    review: int
    support: int
    unsaid: int
    readers_role: int
    moderator: int
    member: int
    other: int

    @classmethod
    def build(cls, fake: FakeDiscord) -> Community:
        """Create the server in the fake's world."""
        guild = fake.add_guild("Peer Network")
        return cls(
            guild=guild,
            general=fake.add_channel(guild, "general"),
            moderators=fake.add_channel(guild, "moderators"),
            review=fake.add_channel(guild, "review"),
            support=fake.add_channel(guild, "peer-support"),
            unsaid=fake.add_channel(guild, "unsaid"),
            readers_role=fake.add_role(guild, "Blog readers"),
            moderator=fake.add_member(guild, "mo", manage_guild=True),
            member=fake.add_member(guild, "ash"),
            other=fake.add_member(guild, "bea"),
        )

    def settings(self) -> dict[str, Any]:
        """Every channel setting filled in, so handlers go all the way."""
        return {
            "mod_channel": self.moderators,
            "glossary_review_channel": self.review,
            "prompts_review_channel": self.review,
            "unsaid_channel": self.unsaid,
            "unsaid_review_channel": self.review,
            "checkin_support_channel": self.support,
            "checkin_pairing_channel": self.support,
        }


class ErrorLog(logging.Handler):
    """Keeps every record at ERROR or above."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Keep the record."""
        self.records.append(record)

    def lines(self) -> list[str]:
        """Each record as one line, with its exception type if it has one."""
        out = []
        for record in self.records:
            kind = record.exc_info[0].__name__ if record.exc_info and record.exc_info[0] else ""
            out.append(f"{record.name}: {record.getMessage()} {kind}".strip())
        return out


@dataclass
class LiveBot:
    """The bot under test, restartable on one database."""

    fake: FakeDiscord
    workdir: Path
    clock: Clock | None = None
    extensions: Sequence[str] = EXTENSIONS
    env: dict[str, str] = field(default_factory=dict)
    seed: int = 7
    db: Database | None = None
    services: Services | None = None
    bot: Alongside | None = None
    starts: int = 0
    errors: ErrorLog = field(default_factory=ErrorLog)
    _task: asyncio.Task[None] | None = None

    async def start(self) -> Alongside:
        """Open the database, build the services and connect a new bot."""
        settings = load_settings(
            {
                "DISCORD_TOKEN": self.fake.token,
                "DATABASE_PATH": str(self.workdir / "alongside.db"),
                "DATA_DIR": str(PROJECT_ROOT / "data"),
                **self.env,
            }
        )
        self.db = await Database.open(settings.database_path)
        await apply_migrations(self.db)
        self.services = build_services(
            settings,
            self.db,
            self.clock,
            rng=random.Random(self.seed),
            secure_rng=random.Random(self.seed + 1),
        )
        self.bot = Alongside(self.services, extensions=self.extensions)
        self._task = asyncio.create_task(self.bot.start(self.fake.token))
        self.starts += 1
        await self.fake.wait_for_ready(timeout=20, count=self.starts)
        await asyncio.wait_for(self.bot.wait_until_ready(), timeout=20)
        return self.bot

    async def stop(self) -> None:
        """Close the bot and the database, as a clean shutdown would."""
        if self.bot is not None:
            await self.bot.close()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.db is not None:
            await self.db.close()
        self.bot = self.db = self.services = self._task = None

    def cog(self, name: str) -> Any:
        """A loaded cog, by name."""
        assert self.bot is not None
        found = self.bot.get_cog(name)
        assert found is not None, name
        return found


@contextlib.asynccontextmanager
async def live_bot(
    workdir: Path,
    *,
    clock: Clock | None = None,
    extensions: Sequence[str] = EXTENSIONS,
    env: dict[str, str] | None = None,
    openapi: bool = True,
) -> AsyncIterator[LiveBot]:
    """A started LoopbackDiscord with discord.py pointed at it, and a bot ready to start."""
    fake = LoopbackDiscord(openapi=openapi)
    await fake.start()
    old = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    point_discord_at(fake.api_base, fake.gateway_url)
    harness = LiveBot(fake, workdir, clock=clock, extensions=extensions, env=dict(env or {}))
    root = logging.getLogger()
    root.addHandler(harness.errors)
    try:
        yield harness
    finally:
        root.removeHandler(harness.errors)
        await harness.stop()
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old
        await fake.stop()


async def quiet(
    fake: FakeDiscord,
    *,
    still: float = 0.4,
    timeout: float = 20.0,
    busy: Callable[[], bool] = lambda: False,
) -> None:
    """Wait until the fake has received no request for `still` seconds and `busy()` is false."""
    deadline = time.monotonic() + timeout
    seen, since = fake.request_count, time.monotonic()
    while time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        if fake.request_count != seen or busy() or getattr(fake, "in_flight", 0):
            seen, since = fake.request_count, time.monotonic()
        elif time.monotonic() - since >= still:
            return
    raise AssertionError(f"the bot was still busy after {timeout} s")
