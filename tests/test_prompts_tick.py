"""The prompt service's tick: on time, in quiet hours, through failures, crashes and restarts."""

from __future__ import annotations

from bot.app.services import Services
from bot.core.timeutil import ManualClock
from bot.prompts.delivery import RecipientClosed, SendingTooFast, TemporaryFailure
from tests.promptsupport import GUILD, FakeSender, crashing_tick, fresh_service, london, subscribe


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
