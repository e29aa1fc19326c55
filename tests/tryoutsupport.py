"""The demo's API as the tests drive it: a client and helpers that read like the page."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from bot.db import Database
from bot.db.migrate import apply_migrations
from bot.tryout.runner import demo_settings
from bot.tryout.web import build_app
from bot.tryout.world import DemoWorld

WORDS = "In the board meeting they talked about us as if we weren't there."
PNG = b"\x89PNG\r\n\x1a\n"


class Demo:
    """The running demo and a client for its API, with helpers that read like the page."""

    def __init__(self, world: DemoWorld, client: TestClient[Any, Any]) -> None:
        self.world = world
        self.client = client

    def id_of(self, key: str) -> str:
        return str(self.world.person(key).id)

    def channel(self, name: str) -> str:
        return str(self.world.channels[name].id)

    async def get(self, path: str, **query: str) -> Any:
        response = await self.client.get(path, params=query)
        assert response.status == 200, await response.text()
        return await response.json()

    async def post(self, path: str, body: dict[str, Any], status: int = 200) -> Any:
        response = await self.client.post(path, json=body)
        assert response.status == status, await response.text()
        return await response.json()

    async def state(self, who: str, channel: str = "general") -> Any:
        return await self.get("/api/state", person=self.id_of(who), channel=self.channel(channel))

    async def messages(self, who: str, channel: str = "general") -> list[dict[str, Any]]:
        return list((await self.state(who, channel))["messages"])

    async def slash(self, who: str, command: str, where: str = "general", **options: Any) -> Any:
        body = {"person": self.id_of(who), "channel": self.channel(where)}
        return await self.post("/api/slash", {**body, "command": command, "options": options})

    async def click(self, who: str, channel: str, label: str) -> Any:
        message, button = await self.find(who, channel, label)
        body = {"person": self.id_of(who), "channel": self.channel(channel)}
        return await self.post(
            "/api/click", {**body, "message": message["id"], "custom_id": button["custom_id"]}
        )

    async def submit(self, who: str, modal: dict[str, Any], values: dict[str, Any]) -> Any:
        body = {"person": self.id_of(who), "modal": modal["id"], "values": values}
        return await self.post("/api/modal", body)

    async def find(self, who: str, channel: str, label: str) -> tuple[dict[str, Any], Any]:
        for message in reversed(await self.messages(who, channel)):
            for row in message["components"]:
                for part in row.get("components", []):
                    if label in (part.get("label"), part.get("placeholder")):
                        return message, part
        raise AssertionError(f"nothing labelled {label!r} in #{channel} for {who}")


def channel_names(state: dict[str, Any]) -> list[str]:
    return [channel["name"] for channel in state["channels"] if channel["kind"] == "text"]


async def until(check: Any) -> None:
    """Wait (ten seconds at most) until `check()` says the page would show what we expect."""

    async def poll() -> None:
        while not await check():
            await asyncio.sleep(0.02)

    await asyncio.wait_for(poll(), timeout=10)


async def answer(demo: Demo, who: str) -> dict[str, Any]:
    """The last message this person sees, once it is no longer "thinking…" (a feed is fetched
    beside the demo's other work, so a deferred answer may land just after the command)."""

    async def done() -> bool:
        return not (await demo.messages(who))[-1]["loading"]

    await until(done)
    return (await demo.messages(who))[-1]


@asynccontextmanager
async def running_demo(tmp_path: Path) -> AsyncIterator[Demo]:
    """Start the demo on a fresh database with a client for its API; stop it afterwards."""
    settings = demo_settings(tmp_path / "demo.db")
    db = await Database.open(settings.database_path)
    await apply_migrations(db)
    world = await DemoWorld.start(settings, db)
    client: TestClient[Any, Any] = TestClient(TestServer(build_app(world), host="127.0.0.1"))
    await client.start_server()
    try:
        yield Demo(world, client)
    finally:
        await client.close()
        await world.stop()
        await db.close()
