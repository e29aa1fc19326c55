"""The prompt service on a real SQLite file: library, rotation, schedules, a member's data."""

from __future__ import annotations

import itertools
import random
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.app.services import Services
from bot.core.config import PROJECT_ROOT
from bot.core.errors import UserFacingError
from bot.core.timeutil import ManualClock
from bot.db.ledger import Occurrence
from bot.prompts import rotation
from bot.prompts.service import PromptService
from tests.promptsupport import GUILD, FakeSender, fresh_service, london, subscribe

# ----- library -------------------------------------------------------------------------------


async def test_shipped_prompts_load_once_and_follow_the_file(
    services: Services, tmp_path: Path
) -> None:
    service = services.prompts
    first = await service.library_for(GUILD)
    assert len(first) == 72
    assert sum(p.heavy for p in first) == 12
    again = await fresh_service(services).library_for(GUILD)
    assert [p.id for p in again] == [p.id for p in first]  # idempotent by key

    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", data)
    text = (data / "prompts.toml").read_text()
    text = text.replace('id = "power-02"', 'id = "power-02-gone"', 1)
    text = text.replace("Where did you sit, who spoke first", "Where did you sit, who spoke")
    (data / "prompts.toml").write_text(text)
    changed = PromptService(services.db, data, services.clock, services.settings, services.ledger)
    after = {p.code: p for p in await changed.library_for(GUILD)}
    assert "power-02" not in after  # withdrawn from use, but its row stays for journals
    assert "power-02-gone" in after
    assert "Where did you sit, who spoke, and what" in after["power-01"].text
    assert after["power-01"].id == {p.code: p for p in first}["power-01"].id


# ----- rotation ------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(
    size=st.integers(min_value=1, max_value=12),
    rounds=st.integers(min_value=1, max_value=4),
    seed=st.integers(min_value=0, max_value=2**16),
)
def test_rotation_sends_every_prompt_before_any_repeat(size: int, rounds: int, seed: int) -> None:
    rng = random.Random(seed)
    eligible = list(range(100, 100 + size))
    cycle, used, picks = 0, [], []
    for _ in range(size * rounds):
        pick = rotation.choose(eligible, cycle, used, rng)
        assert pick is not None
        if pick.cycle != cycle:
            cycle, used = pick.cycle, []
        used.append(pick.prompt_id)
        picks.append(pick.prompt_id)
    for start in range(0, len(picks), size):
        assert sorted(picks[start : start + size]) == eligible
    if size > 1:
        assert all(a != b for a, b in itertools.pairwise(picks))


async def test_reflect_now_rotates_through_a_theme_without_repeats(services: Services) -> None:
    service = services.prompts
    seen = [(await service.draw(GUILD, 7, "power")).prompt.code for _ in range(16)]
    assert len(set(seen[:8])) == 8 and len(set(seen[8:])) == 8
    assert all(a != b for a, b in itertools.pairwise(seen))
    assert all(code.startswith("power-") for code in seen)


async def test_a_schedule_warns_moderators_once_when_few_prompts_remain(
    services: Services, clock: ManualClock
) -> None:
    await services.settings.set_many(GUILD, {"mod_channel": 900})
    service, sender = services.prompts, FakeSender()
    schedule = await service.add_schedule(GUILD, 800, "daily", None, "12:00", "power", True, 5)
    for day in range(10):
        clock.set(london(2026, 1, 13 + day, 12, 0))
        await service.tick(clock.now(), sender)
    assert len(sender.posts) == 10
    assert [c for c, _ in sender.posts] == [800] * 10
    first_round = [o.prompt.code for _, o in sender.posts[:8]]
    assert len(set(first_round)) == 8
    assert len(sender.threads) == 10
    assert len(sender.notices) == 1  # once for the first round, when 4 were left
    assert "4 unused prompts left" in sender.notices[0][1]
    assert f"<#{schedule.channel_id}>" in sender.notices[0][1]


async def test_a_members_data_is_exported_and_erased(
    services: Services, clock: ManualClock
) -> None:
    service, sender = services.prompts, FakeSender()
    await subscribe(service, 1)
    await subscribe(service, 2)
    drawn = await service.draw(GUILD, 1)
    await service.write_journal(GUILD, 1, "I felt heard today.", drawn.prompt.id)
    await service.suggest(GUILD, 1, "power", "Who chaired the meeting?", None)
    clock.set(london(2026, 1, 13, 9, 0))
    await service.tick(clock.now(), sender)
    data = await service.export_member(GUILD, 1)
    assert data["subscription"]["time"] == "09:00"
    assert data["journal"][0]["entry"] == "I felt heard today."
    assert data["suggestions"][0]["text"] == "Who chaired the meeting?"
    assert len(data["prompts_sent_by_dm"]) == 1
    await service.erase_member(GUILD, 1)
    empty = await service.export_member(GUILD, 1)
    assert empty["subscription"] is None and empty["journal"] == []
    assert empty["suggestions"] == [] and empty["prompts_sent_by_dm"] == []
    assert all(not picks for picks in empty["rotation"].values())
    assert (await service.export_member(GUILD, 2))["subscription"] is not None


async def test_choices_are_checked_kindly(services: Services) -> None:
    service = services.prompts
    with pytest.raises(UserFacingError, match="choose a day"):
        await service.subscribe(GUILD, 1, "weekly", None, "09:00", None, None)
    with pytest.raises(UserFacingError, match="like 09:00"):
        await service.subscribe(GUILD, 1, "daily", None, "9am", None, None)
    with pytest.raises(UserFacingError, match="timezone"):
        await service.subscribe(GUILD, 1, "daily", None, "09:00", "Mars/Olympus", None)
    with pytest.raises(UserFacingError, match="mentions"):
        await service.suggest(GUILD, 1, "power", "Ask @everyone", None)
    with pytest.raises(UserFacingError, match="not subscribed"):
        await service.pause(GUILD, 1, 2)


async def test_the_ledger_claim_commits_with_the_outbox_row(
    services: Services, clock: ManualClock
) -> None:
    service = services.prompts
    await subscribe(service, 1)
    sub = await service.subscription(GUILD, 1)
    assert sub is not None
    clock.set(sub.next_due + timedelta(seconds=5))
    await service.tick(clock.now(), None)
    assert await services.ledger.is_claimed(Occurrence(f"prompts:sub:{sub.id}", sub.next_due))
    rows = await services.db.fetch_all("SELECT source, status, nonce FROM prompt_deliveries")
    assert [(r["source"], r["status"]) for r in rows] == [(f"prompts:sub:{sub.id}", "pending")]
    assert len(rows[0]["nonce"]) <= 25
