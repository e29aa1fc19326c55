"""Reminders by DM at local time, across DST changes, with skip and check-in buttons."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cogs.checkin._cog import Checkins
from tests.conftest import World

FORM = {"load": ["3"], "energy": ["3"]}


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.about", "cogs.support", "cogs.mod", "cogs.checkin")


def cog(world: World) -> Checkins:
    found = world.bot.get_cog("Checkins")
    assert isinstance(found, Checkins)
    return found


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


async def tick(world: World, moment: datetime) -> int:
    world.services.clock.set(moment)  # type: ignore[attr-defined]
    sent = await cog(world).jobs.reminder_tick()
    await world.env.settle()
    return sent


@pytest.mark.parametrize(
    ("set_on", "first_due", "after_change"),
    [
        # Clocks go forward on 29 March 2026: 16:00 London is 16:00 UTC, then 15:00 UTC.
        (at(2026, 3, 23, 9), at(2026, 3, 27, 16), at(2026, 4, 3, 15)),
        # Clocks go back on 25 October 2026: 16:00 London is 15:00 UTC, then 16:00 UTC.
        (at(2026, 10, 19, 9), at(2026, 10, 23, 15), at(2026, 10, 30, 16)),
    ],
)
async def test_weekly_reminder_arrives_at_local_time_on_both_sides_of_a_dst_change(
    world: World, set_on: datetime, first_due: datetime, after_change: datetime
) -> None:
    world.services.clock.set(set_on)  # type: ignore[attr-defined]
    await world.services.checkins.agree(world.guild.id, world.member.id)
    reply = await world.member.slash(
        world.general, "checkin remind", cadence="weekly", day="friday", time="16:00"
    )
    assert "every Friday at 16:00 (Europe/London)" in reply.response.content
    plan = await world.services.checkins.reminders.plan(world.guild.id, world.member.id)
    assert plan is not None and plan.next_due == first_due

    dm = world.member.user.dm_channel
    assert await tick(world, first_due - timedelta(minutes=1)) == 0
    assert await tick(world, first_due) == 1
    message = dm.last_message
    assert "only you see it" in message.content
    labels = [c["label"] for row in message.components for c in row.to_dict()["components"]]
    assert labels == ["Check in now", "Skip this week"]
    assert await tick(world, first_due) == 0  # never twice for one occurrence
    assert await tick(world, after_change - timedelta(minutes=1)) == 0
    assert await tick(world, after_change) == 1


async def test_the_dm_button_opens_the_form_and_logs_for_that_server(world: World) -> None:
    await world.services.checkins.agree(world.guild.id, world.member.id)
    await world.member.slash(world.general, "checkin remind", cadence="daily", time="08:00")
    assert await tick(world, at(2026, 1, 13, 8)) == 1
    reminder = world.member.user.dm_channel.last_message
    form = await world.member.user.click(reminder, label="Check in now")
    assert form.modal is not None
    done = await world.member.user.submit_modal(form, FORM)
    assert "Thank you for checking in" in done.response.content
    history = await world.services.checkins.history(world.guild.id, world.member.id, 1)
    assert [(p.load, p.energy) for p in history] == [(3, 3)]
    assert await tick(world, at(2026, 1, 14, 8)) == 1


async def test_a_weekly_reminder_stays_away_when_you_already_checked_in(world: World) -> None:
    await world.services.checkins.agree(world.guild.id, world.member.id)
    await world.member.slash(world.general, "checkin remind", cadence="weekly", day="friday")
    world.services.clock.set(at(2026, 1, 15, 12))  # type: ignore[attr-defined]
    await world.services.checkins.log(world.guild.id, world.member.id, 3, 3)
    assert await tick(world, at(2026, 1, 16, 16)) == 0
    assert world.member.user.dm_channel.last_message is None
    assert await tick(world, at(2026, 1, 23, 16)) == 1


async def test_skip_this_week_is_one_click_and_reminders_resume_next_week(world: World) -> None:
    await world.services.checkins.agree(world.guild.id, world.member.id)
    await world.member.slash(world.general, "checkin remind", cadence="daily", time="08:00")
    assert await tick(world, at(2026, 1, 13, 8)) == 1
    reminder = world.member.user.dm_channel.last_message
    skipped = await world.member.user.click(reminder, label="Skip this week")
    assert "no more reminders this week" in skipped.response.content
    for day in (14, 15, 16, 17, 18):
        assert await tick(world, at(2026, 1, day, 8)) == 0
    assert await tick(world, at(2026, 1, 19, 8)) == 1


async def test_after_downtime_only_one_reminder_is_sent_and_stale_ones_are_dropped(
    world: World,
) -> None:
    await world.services.checkins.agree(world.guild.id, world.member.id)
    await world.member.slash(world.general, "checkin remind", cadence="daily", time="08:00")
    # The bot was down from Tuesday to Friday 09:00: Friday's is an hour late, so it goes.
    assert await tick(world, at(2026, 1, 16, 9)) == 1
    assert await tick(world, at(2026, 1, 16, 12)) == 0
    # Down again until Sunday 20:00: Sunday's 08:00 reminder is stale, so it's dropped.
    assert await tick(world, at(2026, 1, 18, 20)) == 0
    assert await tick(world, at(2026, 1, 19, 8)) == 1


async def test_reminders_can_be_turned_off_and_need_consent(world: World) -> None:
    first = await world.member.slash(world.general, "checkin remind", cadence="weekly")
    assert first.response.embeds[0].title == "Before your first check-in"
    agreed = await world.member.click(first.response, label="Agree")
    assert "Reminders are on" in agreed.followups[0].content
    off = await world.member.slash(world.general, "checkin remind", cadence="off")
    assert off.response.content == "Reminders are off."
    assert await world.services.checkins.reminders.plan(world.guild.id, world.member.id) is None


async def test_a_bad_time_or_timezone_is_explained(world: World) -> None:
    await world.services.checkins.agree(world.guild.id, world.member.id)
    bad_time = await world.member.slash(
        world.general, "checkin remind", cadence="daily", time="25:00"
    )
    assert "like 16:30" in bad_time.response.content
    bad_zone = await world.member.slash(
        world.general, "checkin remind", cadence="daily", timezone="Mars/Olympus"
    )
    assert "isn't a timezone I know" in bad_zone.response.content
    zones = await world.member.autocomplete(
        world.general, "checkin remind", "timezone", "europe/lon", cadence="daily"
    )
    assert zones[0]["value"] == "Europe/London"
