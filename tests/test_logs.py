"""What a host's log holds while the real scheduler ticks: events, not per-job chatter."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.config import ConfigError, Settings
from bot.core.logs import configure_logging
from cogs.checkin._cog import Checkins
from tests.conftest import World, make_settings

QUIET = ("apscheduler", "discord", "aiosqlite")


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.about", "cogs.support", "cogs.mod", "cogs.checkin")


@pytest.fixture
def host_logging(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Let a test configure logging as the bot does at start-up, then put pytest's back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in QUIET}
    yield caplog
    root.handlers[:] = handlers
    root.setLevel(level)
    for name, previous in levels.items():
        logging.getLogger(name).setLevel(previous)


def start_logging(settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    configure_logging(settings)
    logging.getLogger().addHandler(caplog.handler)  # configure_logging replaced pytest's


async def run_reminders(world: World, runs: int) -> None:
    """Put the real reminder job on the real scheduler, fast, and wait for `runs` runs."""
    found = world.bot.get_cog("Checkins")
    assert isinstance(found, Checkins)
    done = asyncio.Event()
    count = 0

    async def job() -> None:
        nonlocal count
        await found.jobs.reminder_tick()
        count += 1
        if count >= runs:
            done.set()

    world.services.scheduler.every("checkins:reminders", 0.02, job)
    await asyncio.wait_for(done.wait(), timeout=30)
    world.services.scheduler.remove("checkins:reminders")
    await world.env.settle()


async def test_the_scheduler_is_quiet_and_a_sent_reminder_is_one_line(
    world: World, host_logging: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    start_logging(make_settings(tmp_path), host_logging)
    await world.services.checkins.agree(world.guild.id, world.member.id)
    await world.member.slash(world.general, "checkin remind", cadence="daily", time="08:00")
    world.services.clock.set(datetime(2026, 1, 13, 8, 0, tzinfo=UTC))  # type: ignore[attr-defined]
    host_logging.clear()

    await run_reminders(world, runs=4)

    assert world.member.user.dm_channel.last_message is not None  # the reminder went out
    # Warnings (a run skipped on a busy machine) still come through; the per-run chatter doesn't.
    chatter = [
        r.getMessage()
        for r in host_logging.records
        if r.name.startswith("apscheduler") and r.levelno < logging.WARNING
    ]
    assert chatter == []
    events = [r.getMessage() for r in host_logging.records if r.name.startswith("cogs.")]
    assert events == ["Check-ins: sent 1 of 1 due reminders"]  # four runs, one event


async def test_a_host_can_ask_for_the_scheduler_s_own_lines(
    world: World, host_logging: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    start_logging(make_settings(tmp_path, SCHEDULER_LOG_LEVEL="info"), host_logging)
    host_logging.clear()
    await run_reminders(world, runs=2)
    said = [r.getMessage() for r in host_logging.records if r.name.startswith("apscheduler")]
    assert any("executed successfully" in line for line in said)


def test_a_mistyped_scheduler_level_is_explained(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as refused:
        make_settings(tmp_path, SCHEDULER_LOG_LEVEL="chatty")
    assert "SCHEDULER_LOG_LEVEL must be one of DEBUG, INFO" in str(refused.value)
