# Over 400 lines: every prompt service rule with its fake sender. Issue #17 splits it.
"""The prompt service against a real SQLite file: library, rotation, the tick and the outbox."""

from __future__ import annotations

import itertools
import random
import shutil
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import PROJECT_ROOT
from bot.db.ledger import Occurrence
from bot.errors import UserFacingError
from bot.prompts import rotation
from bot.prompts.delivery import (
    Outgoing,
    RecipientClosed,
    SendingTooFast,
    TemporaryFailure,
)
from bot.prompts.service import PromptService
from bot.services import Services
from bot.timeutil import ManualClock

GUILD = 1


class Crash(BaseException):
    """The process dying mid fan-out (not an Exception, so nothing swallows it)."""


async def crashing_tick(service: PromptService, now: datetime, sender: FakeSender) -> None:
    """Run a tick that the sender kills part-way, as the process dying would."""
    with pytest.raises(BaseExceptionGroup) as crashed:  # the workers' task group wraps it
        await service.tick(now, sender)
    assert crashed.group_contains(Crash)


class FakeSender:
    """Discord as the service sees it: records sends and deduplicates nonces like Discord."""

    def __init__(self) -> None:
        self.ids = itertools.count(1000)
        self.by_nonce: dict[str, int] = {}
        self.dms: list[tuple[int, Outgoing]] = []
        self.posts: list[tuple[int, Outgoing]] = []
        self.threads: list[tuple[int, int, str]] = []
        self.notices: list[tuple[int, str]] = []
        self.opened: list[int] = []
        self.errors: dict[int, list[BaseException]] = {}
        self.crash_after: int | None = None
        self.crash_after_sending = False
        self.attempts = 0
        self.departed: set[int] = set()

    async def still_member(
        self, guild_id: int, user_id: int, before_request: Callable[[], Awaitable[None]]
    ) -> bool:
        return user_id not in self.departed

    def _maybe_fail(self, channel_id: int) -> None:
        queued = self.errors.get(channel_id)
        if queued:
            raise queued.pop(0)

    async def open_dm(self, user_id: int) -> int:
        self.opened.append(user_id)
        return 50_000 + user_id

    async def send_dm(self, channel_id: int, outgoing: Outgoing) -> int:
        self.attempts += 1
        self._maybe_fail(channel_id)
        dying = self.crash_after is not None and len(self.dms) >= self.crash_after
        if dying and not self.crash_after_sending:
            raise Crash
        if outgoing.nonce in self.by_nonce:
            return self.by_nonce[outgoing.nonce]
        message_id = next(self.ids)
        self.by_nonce[outgoing.nonce] = message_id
        self.dms.append((channel_id, outgoing))
        if self.crash_after_sending and len(self.dms) > (self.crash_after or len(self.dms)):
            raise Crash  # Discord has the message; the bot dies before recording it
        return message_id

    async def post_prompt(self, channel_id: int, outgoing: Outgoing) -> int:
        self._maybe_fail(channel_id)
        message_id = next(self.ids)
        self.posts.append((channel_id, outgoing))
        return message_id

    async def start_thread(self, channel_id: int, message_id: int, name: str) -> int:
        self.threads.append((channel_id, message_id, name))
        return message_id

    async def post_notice(self, channel_id: int, text: str, nonce: str) -> int:
        self.notices.append((channel_id, text))
        return next(self.ids)

    def members_reached(self) -> list[int]:
        return sorted(channel - 50_000 for channel, _ in self.dms)


def fresh_service(services: Services, **kwargs: object) -> PromptService:
    """A new service on the same database, as after a restart."""
    return PromptService(
        services.db,
        services.config.data_dir,
        services.clock,
        services.settings,
        services.ledger,
        **{"rng": services.rng, **kwargs},  # type: ignore[arg-type]
    )


async def subscribe(service: PromptService, user_id: int, at: str = "09:00", **kw: str) -> None:
    await service.subscribe(
        GUILD,
        user_id,
        kw.get("cadence", "daily"),
        kw.get("day"),
        at,
        kw.get("zone", "Europe/London"),
        dm_channel_id=50_000 + user_id,
    )


def london(*args: int) -> datetime:
    from zoneinfo import ZoneInfo

    return datetime(*args, tzinfo=ZoneInfo("Europe/London")).astimezone(UTC)  # type: ignore[misc]


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


# ----- the tick ------------------------------------------------------------------------------


async def test_a_daily_prompt_arrives_at_nine_local_and_only_once(
    services: Services, clock: ManualClock
) -> None:
    service, sender = services.prompts, FakeSender()
    await subscribe(service, 1, "10:30")
    clock.set(london(2026, 1, 12, 10, 29))
    assert (await service.tick(clock.now(), sender)).claimed == 0
    clock.set(london(2026, 1, 12, 10, 30))
    await service.tick(clock.now(), sender)
    await service.tick(clock.now(), sender)
    clock.advance(seconds=30)
    await service.tick(clock.now(), sender)
    assert sender.members_reached() == [1]
    sub = await service.subscription(GUILD, 1)
    assert sub is not None and sub.next_due == london(2026, 1, 13, 10, 30)


async def test_within_grace_a_late_prompt_is_sent_and_older_ones_are_skipped(
    services: Services, clock: ManualClock
) -> None:
    service, sender = services.prompts, FakeSender()
    await subscribe(service, 1, "10:00")
    clock.set(london(2026, 1, 12, 10, 50))  # 50 minutes late: inside the default hour
    await service.tick(clock.now(), sender)
    assert len(sender.dms) == 1
    clock.set(london(2026, 1, 15, 12, 0))  # the bot was down for three days
    report = await service.tick(clock.now(), sender)
    assert report.skipped_late == 1 and report.claimed == 0
    assert len(sender.dms) == 1  # no backlog of the missed days
    sub = await service.subscription(GUILD, 1)
    assert sub is not None and sub.next_due == london(2026, 1, 16, 10, 0)


async def test_quiet_hours_hold_a_heavy_prompt_until_morning(
    services: Services, clock: ManualClock
) -> None:
    service, sender = services.prompts, FakeSender()
    for prompt in await service.library_for(GUILD):
        if prompt.theme == "power" and not prompt.heavy:
            await service.retire(GUILD, prompt.code, 99, restore=False)
    await subscribe(service, 1, "22:30")
    await service.set_themes(GUILD, 1, ["power"])
    clock.set(london(2026, 1, 12, 22, 30))
    report = await service.tick(clock.now(), sender)
    assert report.claimed == 1 and sender.dms == []
    clock.set(london(2026, 1, 13, 7, 59))
    await service.tick(clock.now(), sender)
    assert sender.dms == []
    clock.set(london(2026, 1, 13, 8, 0))
    await service.tick(clock.now(), sender)
    assert len(sender.dms) == 1 and sender.dms[0][1].prompt.heavy


async def test_closed_dms_pause_the_subscription_without_retrying(
    services: Services, clock: ManualClock
) -> None:
    service, sender = services.prompts, FakeSender()
    await subscribe(service, 1)
    await subscribe(service, 2)
    sender.errors[50_001] = [RecipientClosed("403/50007")]
    clock.set(london(2026, 1, 13, 9, 0))
    report = await service.tick(clock.now(), sender)
    assert report.failed == 1 and sender.members_reached() == [2]
    sub = await service.subscription(GUILD, 1)
    assert sub is not None and sub.pause_reason == "dms_closed"
    attempts = sender.attempts
    for _ in range(3):
        clock.advance(days=1)
        await service.tick(clock.now(), sender)
    assert sender.attempts == attempts + 3  # member 2 only; nothing retried for member 1
    assert sender.members_reached() == [2, 2, 2, 2]
    await service.resume(GUILD, 1)
    clock.advance(days=1)
    await service.tick(clock.now(), sender)
    assert 1 in sender.members_reached()


async def test_opening_dms_too_fast_slows_everyone_and_retries_that_member(
    services: Services, clock: ManualClock
) -> None:
    service, sender = services.prompts, FakeSender()
    for user in range(1, 6):
        await subscribe(service, user)
    sender.errors[50_003] = [SendingTooFast("400/40003")]
    rate = service.pacer.rate
    clock.set(london(2026, 1, 13, 9, 0))
    report = await service.tick(clock.now(), sender)
    assert sender.members_reached() == [1, 2, 3, 4, 5]  # member 3 was not skipped
    assert report.sent == 5
    assert service.pacer.slowdowns == 1 and service.pacer.rate < rate


async def test_other_failures_retry_a_few_times_then_give_up(
    services: Services, clock: ManualClock
) -> None:
    service, sender = services.prompts, FakeSender()
    await subscribe(service, 1)
    sender.errors[50_001] = [TemporaryFailure("500") for _ in range(10)]
    clock.set(london(2026, 1, 13, 9, 0))
    for _ in range(6):
        await service.tick(clock.now(), sender)
        clock.advance(minutes=6)
    assert sender.dms == [] and sender.attempts == 4
    rows = await services.db.fetch_all("SELECT status, attempts FROM prompt_deliveries")
    assert [tuple(r) for r in rows] == [("failed", 3)]


async def test_restart_mid_fan_out_reaches_every_member_exactly_once(
    services: Services, clock: ManualClock
) -> None:
    service, sender = services.prompts, FakeSender()
    for user in range(1, 41):
        await subscribe(service, user)
    sender.crash_after = 13
    clock.set(london(2026, 1, 13, 9, 0))
    await crashing_tick(service, clock.now(), sender)
    assert len(sender.dms) == 13
    open_before = await services.ledger.open_occurrences("prompts:sub:")
    assert len(open_before) == 27  # claimed, not yet delivered: nothing is lost
    sender.crash_after = None
    clock.advance(seconds=30)
    await fresh_service(services).tick(clock.now(), sender)
    assert sender.members_reached() == list(range(1, 41))
    assert await services.ledger.open_occurrences("prompts:sub:") == []


async def test_a_crash_between_sending_and_recording_is_deduplicated_by_the_nonce(
    services: Services, clock: ManualClock
) -> None:
    service, sender = services.prompts, FakeSender()
    for user in range(1, 11):
        await subscribe(service, user)
    sender.crash_after, sender.crash_after_sending = 4, True
    clock.set(london(2026, 1, 13, 9, 0))
    await crashing_tick(fresh_service(services, concurrency=1), clock.now(), sender)
    assert len(sender.dms) == 5  # the fifth reached Discord but was never marked sent
    sender.crash_after = None
    attempts_before = sender.attempts
    await fresh_service(services).tick(clock.now(), sender)
    assert sender.attempts - attempts_before == 6  # the fifth was sent again, same nonce...
    assert sender.members_reached() == list(range(1, 11))  # ...and Discord kept one message


async def test_an_unsubscribed_member_is_not_sent_a_prompt_already_claimed(
    services: Services, clock: ManualClock
) -> None:
    service, sender = services.prompts, FakeSender()
    await subscribe(service, 1)
    clock.set(london(2026, 1, 13, 9, 0))
    await service.tick(clock.now(), None)  # claimed into the outbox, not sent yet
    await service.unsubscribe(GUILD, 1)
    report = await service.tick(clock.now(), sender)
    assert sender.dms == [] and report.dropped == 1


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
