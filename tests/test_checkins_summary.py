"""Moderator summaries: aggregates only, nothing from fewer than k members."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.app.services import Services
from bot.checkins.summary import SCALE, summarise
from bot.db.connection import Database
from bot.db.guild_settings import GuildSettingsRepo
from tests.conftest import World

WEEK = date(2026, 1, 5)


@st.composite
def weeks_of_rows(draw: st.DrawFn) -> list[tuple[date, int, int, int]]:
    members = draw(st.integers(min_value=0, max_value=12))
    rows = []
    for member in range(members):
        for _ in range(draw(st.integers(min_value=1, max_value=3))):
            rows.append(
                (
                    WEEK,
                    member,
                    draw(st.integers(min_value=1, max_value=5)),
                    draw(st.integers(min_value=1, max_value=5)),
                )
            )
    return rows


@settings(max_examples=300, deadline=None)
@given(weeks_of_rows(), st.integers(min_value=0, max_value=8))
def test_no_figure_shown_or_derivable_describes_fewer_than_k_members(
    rows: list[tuple[date, int, int, int]], k: int
) -> None:
    [week] = summarise(rows, [WEEK], k)
    k = max(k, 5)  # never below five, whatever is configured
    members = {m for _, m, _, _ in rows}
    if len(members) < k:
        assert week.hidden and week.checkins is None
        assert set(week.load) == {None} and set(week.energy) == {None}
        return
    assert week.members == len(members) and week.checkins == len(rows)
    for column, cells in ((2, week.load), (3, week.energy)):
        by_value = {v: {r[1] for r in rows if r[column] == v} for v in SCALE}
        shown = [v for v, cell in zip(SCALE, cells, strict=True) if cell is not None]
        hidden = [v for v, cell in zip(SCALE, cells, strict=True) if cell is None]
        for value in shown:
            assert len(by_value[value]) in (0, *range(k, 100))
            assert cells[value - 1] == sum(1 for r in rows if r[column] == value)
        if hidden:
            # Total minus the shown cells reveals only the hidden cells together.
            together = set().union(*(by_value[v] for v in hidden))
            assert len(together) >= k


async def test_summary_leaves_out_the_current_week_and_small_weeks(
    services: Services,
) -> None:
    checkins = services.checkins
    guild = 1
    clock = services.clock
    monday = datetime(2026, 1, 12, 9, tzinfo=UTC)
    clock.set(monday)  # type: ignore[attr-defined]
    for member in range(6):
        await checkins.agree(guild, member)
        await checkins.log(guild, member, 3 if member else 5, 3)
    clock.set(monday + timedelta(days=7))  # type: ignore[attr-defined]
    for member in range(2):
        await checkins.log(guild, member, 2, 2)
    summaries, k = await checkins.summary(guild, 2)
    assert k == 5
    # Newest first; the current week (from 19 January) is not shown yet.
    assert [s.week_start for s in summaries] == [date(2026, 1, 12), date(2026, 1, 5)]
    assert summaries[1].hidden  # nobody checked in the week before
    full = summaries[0]
    assert (full.members, full.checkins) == (6, 6)
    # One member said 5: hidden, and the smallest other cell is hidden with it.
    assert full.load == (0, 0, None, 0, None)
    assert full.energy == (0, 0, 6, 0, 0)
    clock.set(monday + timedelta(days=14))  # type: ignore[attr-defined]
    later, _ = await checkins.summary(guild, 1)
    assert later[0].week_start == date(2026, 1, 19)
    assert later[0].hidden  # only two members that week


async def test_withdrawn_members_are_left_out_of_weeks_not_yet_shown(services: Services) -> None:
    checkins = services.checkins
    for member in range(5):
        await checkins.agree(1, member)
        await checkins.log(1, member, 3, 3)
    await checkins.withdraw(1, 4)
    services.clock.advance(days=7)  # type: ignore[attr-defined]
    assert (await checkins.summary(1, 1))[0][0].hidden


async def test_a_completed_week_never_changes_once_shown(services: Services) -> None:
    # The attack: look, let one member withdraw (or erase), look again, and subtract.
    checkins = services.checkins
    for member in range(6):
        await checkins.agree(1, member)
        await checkins.log(1, member, 5 if member == 5 else 2, 3)
    services.clock.advance(days=7)  # type: ignore[attr-defined]
    first, _ = await checkins.summary(1, 1)
    await checkins.withdraw(1, 5)
    await checkins.erase_member(1, 4)
    again, _ = await checkins.summary(1, 1)
    assert again == first


@st.composite
def histories(draw: st.DrawFn) -> list[tuple[str, int, int]]:
    steps = []
    for _ in range(draw(st.integers(min_value=1, max_value=12))):
        kind = draw(st.sampled_from(["look", "withdraw", "erase", "join", "next week"]))
        steps.append((kind, draw(st.integers(0, 9)), draw(st.integers(1, 5))))
    return steps


@settings(max_examples=25, deadline=None)
@given(histories())
def test_no_sequence_of_looks_withdrawals_and_new_members_changes_a_shown_week(
    steps: list[tuple[str, int, int]],
) -> None:
    import asyncio
    import contextlib
    import tempfile
    from pathlib import Path

    from bot.app.services import build_services
    from bot.core.errors import UserFacingError
    from bot.core.timeutil import ManualClock
    from bot.db.migrate import apply_migrations
    from tests.conftest import make_settings

    async def run() -> None:
        with tempfile.TemporaryDirectory() as folder:
            settings_ = make_settings(Path(folder))
            db = await Database.open(settings_.database_path)
            await apply_migrations(db)
            clock = ManualClock(datetime(2026, 1, 12, 9, 0, tzinfo=UTC))
            services = build_services(settings_, db, clock)
            checkins = services.checkins
            for member in range(6):  # a group that meets k in the first week
                await checkins.agree(1, member)
                await checkins.log(1, member, member % 5 + 1, 3)
            seen: dict[date, object] = {}
            for kind, member, value in steps:
                if kind == "look":
                    for week in (await checkins.summary(1, 4))[0]:
                        assert seen.setdefault(week.week_start, week) == week
                elif kind == "withdraw":
                    with contextlib.suppress(UserFacingError):  # not (or no longer) agreed
                        await checkins.withdraw(1, member)
                elif kind == "erase":
                    await checkins.erase_member(1, member)
                elif kind == "join":
                    await checkins.agree(1, 100 + member)
                    with contextlib.suppress(UserFacingError):  # e.g. already logged today
                        await checkins.log(1, 100 + member, value, value)
                else:
                    clock.advance(days=7)
            for week in (await checkins.summary(1, 4))[0]:
                assert seen.setdefault(week.week_start, week) == week
            await db.close()

    asyncio.run(run())


async def test_a_stored_k_below_five_is_treated_as_five(services: Services, db: Database) -> None:
    # A value saved before k was raised to 5: two alt accounts plus one real member would
    # otherwise be shown as a group, and the alts know their own answers.
    await GuildSettingsRepo(db).save_many(1, {"checkin_summary_k": 3})
    for member in range(4):
        await services.checkins.agree(1, member)
        await services.checkins.log(1, member, 3 if member else 5, 3)
    services.clock.advance(days=7)  # type: ignore[attr-defined]
    summaries, k = await services.checkins.summary(1, 1)
    assert k == 5
    assert summaries[0].hidden and summaries[0].checkins is None


@pytest.fixture
def extensions() -> tuple[str, ...]:
    return ("cogs.about", "cogs.support", "cogs.mod", "cogs.checkin")


async def test_mod_summary_is_aggregate_only_and_audited(world: World) -> None:
    checkins = world.services.checkins
    people = [world.guild.add_member(world.env.create_user(f"m{i}")) for i in range(5)]
    for person in people:
        await checkins.agree(world.guild.id, person.id)
        await checkins.log(world.guild.id, person.id, 3, 4, "nobody else reads this")
    world.services.clock.advance(days=7)  # type: ignore[attr-defined]
    result = await world.moderator.slash(world.general, "mod checkins summary", weeks=2)
    assert result.ephemeral
    text = result.response.embeds[0].description
    assert "**Week of 12 Jan 2026**: 5 check-ins from 5 members" in text
    assert "Emotional labour 1–5: 0 · 0 · 5 · 0 · 0" in text
    assert "**Week of 5 Jan 2026**: fewer than 5 members took part" in text
    assert "nobody else reads this" not in text
    for person in people:
        assert person.mention not in text and str(person.id) not in text
    entries, _ = await world.services.audit.page(world.guild.id, action="checkins.summary")
    assert len(entries) == 1


async def test_mod_settings_show_set_and_k_never_below_five(world: World) -> None:
    shown = await world.moderator.slash(world.general, "mod checkins settings")
    description = shown.response.embeds[0].description
    assert "**checkin_summary_k** = 5 (default)" in description
    assert "**checkin_buddy_cadence** = fortnightly (default)" in description
    changed = await world.moderator.slash(
        world.general,
        "mod checkins settings",
        support_channel=world.mod_channel,
        request_timeout_hours=6,
        k=7,
    )
    assert "updated" in changed.response.embeds[0].title
    assert await world.services.settings.get(world.guild.id, "checkin_summary_k") == 7
    entries, _ = await world.services.audit.page(world.guild.id, action="settings.set")
    assert {e.target for e in entries} == {
        "checkin_support_channel",
        "checkin_request_timeout_hours",
        "checkin_summary_k",
    }
    # Declared as SettingSpecs, so they are in `/mod settings` too.
    keys = await world.moderator.autocomplete(world.general, "mod settings set", "key", "checkin")
    assert {c["value"] for c in keys} == {
        "checkin_buddy_cadence",
        "checkin_pairing_channel",
        "checkin_support_channel",
        "checkin_request_timeout_hours",
        "checkin_summary_k",
    }
    too_small = await world.moderator.slash(
        world.general, "mod settings set", key="checkin_summary_k", value="2"
    )
    assert "from 5 to 50" in too_small.response.content
