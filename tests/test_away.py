"""After every command, held DMs are lifted for a returning member, and nobody else costs a read.

The check runs after each of a member's commands; the members with held DMs of each server are
kept in memory (bot/db/away.py). These tests play the member whose hold must never be missed (held
after the server's list was read, held by a process before a restart, held by the prompt courier)
and count the statements SQLite runs for a member who was never held.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import cast

import pytest
import simcord

from bot.db import Database
from cogs.reflect._cog import Reflect
from tests import simcord_members as members
from tests.conftest import World


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.about", "cogs.checkin", "cogs.reflect")


async def trace(db: Database, callback: Callable[[str], object] | None) -> None:
    """Set the SQLite trace callback on the connection's own thread, as sqlite3 requires."""
    conn = db._conn  # the real aiosqlite connection; tracing only reads what runs
    await conn._execute(lambda: conn._conn.set_trace_callback(callback))  # type: ignore[no-untyped-call]


@asynccontextmanager
async def statements(db: Database) -> AsyncIterator[list[str]]:
    """Collect every SQL statement the bot's SQLite connection runs meanwhile."""
    seen: list[str] = []
    await trace(db, seen.append)
    try:
        yield seen
    finally:
        await trace(db, None)


def about_holds(seen: list[str]) -> list[str]:
    return [s for s in seen if "dm_paused" in s or "prompt_subscriptions" in s]


async def test_a_member_never_held_costs_no_database_read_after_a_command(world: World) -> None:
    await world.member.slash(world.general, "about")  # the server's list is read once
    async with statements(world.services.db) as seen:
        answer = await world.member.slash(world.general, "about")
    assert answer.response is not None and not answer.followups
    assert about_holds(seen) == []


async def test_a_hold_made_after_the_list_was_read_is_lifted_at_the_next_command(
    world: World,
) -> None:
    guild, member = world.guild.id, world.member.id
    await world.services.checkins.agree(guild, member)
    await world.member.slash(world.general, "about")  # list read: nobody held
    await world.services.checkins.reach.hold(guild, member, "dms_closed")
    answer = await world.member.slash(world.general, "about")
    [told] = answer.followups
    assert "couldn't send you a direct message" in told.content
    assert await world.services.checkins.reach.held(guild, member) is None
    again = await world.member.slash(world.general, "about")
    assert not again.followups  # told once


async def test_a_hold_written_before_a_restart_is_lifted_at_the_first_command(
    world: World,
) -> None:
    guild, member = world.guild.id, world.member.id
    await world.services.checkins.agree(guild, member)
    # Written by the process before this one: nothing in this process's memory knows of it.
    await world.services.db.execute(
        "UPDATE checkin_members SET dm_paused = 'left' WHERE guild_id = ? AND user_id = ?",
        (guild, member),
    )
    answer = await world.member.slash(world.general, "about")
    [told] = answer.followups
    assert "Welcome back" in told.content
    assert await world.services.checkins.reach.held(guild, member) is None


async def test_a_prompt_pause_by_the_courier_is_lifted_at_the_next_command(world: World) -> None:
    await world.member.slash(world.general, "reflect subscribe", cadence="daily")
    members.leave(world.guild, world.member)
    world.services.clock.set(datetime(2026, 1, 13, 9, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    await cast(Reflect, world.bot.get_cog("Reflect")).tick()
    await world.env.settle()
    sub = await world.services.prompts.subscription(world.guild.id, world.member.id)
    assert sub is not None and sub.pause_reason == "no_mutual_server"

    back: simcord.MemberActor = members.rejoin(world.guild, world.member)
    answer = await back.slash(world.general, "about")
    assert any("prompts by direct message" in f.content for f in answer.followups)
    sub = await world.services.prompts.subscription(world.guild.id, world.member.id)
    assert sub is not None and sub.pause_reason is None
