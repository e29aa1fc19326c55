"""The loopback Discord judges every request, even a body it has judged before, byte for byte.

A repeated body is reported as often as it is sent, and two routes or two bodies are never
mixed up: a guard for any future shortcut in the fake's checks (a cache of verdicts was tried in
issue #17 and left out, as it saved nothing measurable).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import aiohttp
import pytest

from tests.fakediscord import FakeDiscord


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord(openapi=False)
    await server.start()
    yield server
    await server.stop()


async def post(fake: FakeDiscord, path: str, body: object) -> None:
    headers = {"Authorization": f"Bot {fake.token}", "Content-Type": "application/json"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(fake.api_base + path, data=json.dumps(body), headers=headers),
    ):
        pass


async def test_a_body_over_the_limit_is_reported_every_time_it_is_sent(fake: FakeDiscord) -> None:
    guild = fake.add_guild("Peer Network")
    channel = fake.add_channel(guild, "general")
    body = {"content": "x" * 2001, "allowed_mentions": {"parse": []}}
    for _ in range(3):
        await post(fake, f"/channels/{channel}/messages", body)
    assert sum("content is 2001 chars" in p for p in fake.problems) == 3


async def test_the_same_body_is_judged_by_its_own_route_and_a_fixed_one_passes(
    fake: FakeDiscord,
) -> None:
    guild = fake.add_guild("Peer Network")
    channel = fake.add_channel(guild, "general")
    # Fine as a message edit (which may be empty), not as a new message (which may not).
    empty = {"allowed_mentions": {"parse": []}}
    await post(fake, f"/channels/{channel}/messages", empty)
    assert sum("message is empty" in p for p in fake.problems) == 1
    fake.problems.clear()
    fixed = {"content": "x" * 2000, "allowed_mentions": {"parse": []}}
    await post(fake, f"/channels/{channel}/messages", fixed)
    assert fake.problems == []
    await post(fake, f"/channels/{channel}/messages", empty)
    assert sum("message is empty" in p for p in fake.problems) == 1
