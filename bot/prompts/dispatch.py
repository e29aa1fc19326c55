"""The tick: claim due occurrences into the outbox, then have the courier deliver it.

Exactly once, in two halves. Claiming (here): for each due schedule or subscription, one
transaction claims the occurrence in the ledger, chooses the prompt (rotation), writes the outbox
row and advances `next_due`; either all of that commits or none of it does, so a claimed
occurrence always has its row. Sending (bot/prompts/courier.py): each row goes out with a nonce
derived from its occurrence, so a resend after a crash is deduplicated by Discord.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from bot.core.recurrence import Cadence, Recurrence, quiet_hours_end
from bot.core.timeutil import Clock, parse_time, to_db
from bot.db.away import AwayMembers
from bot.db.connection import Transaction
from bot.db.ledger import Occurrence, OccurrenceLedger
from bot.db.prompts import PromptsRepo
from bot.db.prompts_deliveries import NewDelivery
from bot.db.prompts_library import Prompt
from bot.db.prompts_schedules import Schedule, Subscription
from bot.prompts import rotation
from bot.prompts.catalogue import Catalogue
from bot.prompts.courier import Courier, GuildTiming, TickReport
from bot.prompts.delivery import Sender
from bot.prompts.pacing import Pacer
from bot.prompts.settings import GRACE_KEY
from bot.settings.registry import GuildSettings

log = logging.getLogger(__name__)

__all__ = ["Dispatcher", "GuildTiming", "TickReport", "latest_due", "nonce_for"]

CLAIM_CHUNK = 200  # subscriptions claimed per transaction, so the write lock is held briefly
LOW_WATER = 5  # warn moderators when fewer unused prompts than this remain in a cycle
DM_RETENTION = timedelta(days=90)
LOW_PROMPTS = (
    "The prompt schedule for <#{channel}> has {remaining} unused prompts left in this round; "
    "after that it starts again from the beginning. You can add prompts with "
    "`/mod prompts add`{widen}."
)


def recurrence(cadence: str, weekday: int, at_time: str, zone: str, anchor: date) -> Recurrence:
    """Build the wall-clock rule a schedule or subscription follows."""
    return Recurrence(Cadence(cadence), parse_time(at_time), zone, weekday, anchor)


def latest_due(rule: Recurrence, due: datetime, now: datetime) -> datetime:
    """The most recent occurrence at or before `now`, counting on from `due`.

    After downtime this is the one occurrence that might still be worth sending; the ones
    between `due` and it are the backlog that is never sent.
    """
    current = due
    while (following := rule.next_after(current)) <= now:
        current = following
    return current


def nonce_for(source: str, due_at: datetime) -> str:
    """A deterministic nonce (24 characters, within Discord's 25) for one occurrence."""
    digest = hashlib.blake2b(f"{source}|{to_db(due_at)}".encode(), digest_size=11).hexdigest()
    return "rp" + digest


class Dispatcher:
    """Claims due occurrences and delivers the outbox; one tick at a time."""

    def __init__(
        self,
        repo: PromptsRepo,
        ledger: OccurrenceLedger,
        settings: GuildSettings,
        catalogue: Catalogue,
        pacer: Pacer,
        clock: Clock,
        rng: random.Random,
        *,
        concurrency: int = 8,
        away: AwayMembers | None = None,
    ) -> None:
        self._repo = repo
        self._ledger = ledger
        self._settings = settings
        self._catalogue = catalogue
        self.pacer = pacer
        self._clock = clock
        self._rng = rng
        self._tick_lock = asyncio.Lock()
        self._last_prune: datetime | None = None
        self.courier = Courier(
            repo, ledger, catalogue, pacer, clock, self.timing, concurrency=concurrency, away=away
        )

    async def timing(self, guild_id: int) -> GuildTiming:
        """Read the settings that decide lateness and quiet hours for a server."""
        values = await self._settings.all(guild_id)
        return GuildTiming(
            timedelta(minutes=int(values[GRACE_KEY])),
            str(values["timezone"]),
            parse_time(values["quiet_hours_start"]),
            parse_time(values["quiet_hours_end"]),
            values["mod_channel"],
        )

    async def _timings(self, guild_ids: Sequence[int]) -> dict[int, GuildTiming]:
        return {guild_id: await self.timing(guild_id) for guild_id in set(guild_ids)}

    # ----- the tick --------------------------------------------------------------------------

    async def tick(self, now: datetime, sender: Sender | None) -> TickReport:
        """Claim what is due at `now`, then send what is ready (if there is a sender)."""
        report = TickReport()
        async with self._tick_lock:
            await self._catalogue.ensure_loaded()
            await self.claim_due(now, report)
            if sender is not None:
                await self.courier.deliver(now, sender, report)
            await self._prune(now)
        return report

    async def claim_due(self, now: datetime, report: TickReport) -> None:
        """Turn every due occurrence into an outbox row (or skip it), advancing its schedule."""
        schedules = await self._repo.due_schedules(now)
        timings = await self._timings([s.guild_id for s in schedules])
        for schedule in schedules:
            async with self._repo.db.transaction() as tx:
                await self._claim_schedule(tx, schedule, now, timings[schedule.guild_id], report)
        while True:
            subscriptions = await self._repo.due_subscriptions(now, CLAIM_CHUNK)
            if not subscriptions:
                return
            timings = await self._timings([s.guild_id for s in subscriptions])
            async with self._repo.db.transaction() as tx:
                for sub in subscriptions:
                    await self._claim_subscription(tx, sub, now, timings[sub.guild_id], report)

    def _hold(self, prompt: Prompt, moment: datetime, zone: str, timing: GuildTiming) -> datetime:
        """Heavy prompts wait for the end of quiet hours in the reader's timezone."""
        if not prompt.heavy:
            return moment
        return quiet_hours_end(moment, zone, timing.quiet_start, timing.quiet_end)

    async def pick(
        self, tx: Transaction, scope: str, prompts: Sequence[Prompt], now: datetime
    ) -> tuple[Prompt, rotation.Pick] | None:
        """Choose the scope's next prompt by rotation and remember it."""
        cycle, used = await self._repo.cycle(tx, scope)
        chosen = rotation.choose([p.id for p in prompts], cycle, used, self._rng)
        if chosen is None:
            return None
        await self._repo.record_pick(
            tx, scope, chosen.cycle, chosen.prompt_id, now, prune=chosen.new_cycle
        )
        prompt = next(p for p in prompts if p.id == chosen.prompt_id)
        return prompt, chosen

    async def _claim_subscription(
        self,
        tx: Transaction,
        sub: Subscription,
        now: datetime,
        timing: GuildTiming,
        report: TickReport,
    ) -> None:
        rule = recurrence(sub.cadence, sub.weekday, sub.at_time, sub.timezone, sub.anchor)
        await self._repo.advance_subscription(tx, sub.id, rule.next_after(now))
        paused = sub.pause_reason is not None and (
            sub.paused_until is None or sub.paused_until > now
        )
        if paused:
            report.skipped_paused += 1
            return
        due = latest_due(rule, sub.next_due, now)
        if now - due > timing.grace:
            report.skipped_late += 1
            log.info("Skipped a DM prompt %s late (beyond the grace period)", now - due)
            return
        source = f"prompts:sub:{sub.id}"
        if not await self._ledger.claim_in(tx, Occurrence(source, due), now):
            return
        prompts = await self._catalogue.eligible(sub.guild_id, sub.themes)
        picked = await self.pick(tx, f"sub:{sub.guild_id}:{sub.user_id}", prompts, now)
        if picked is None:
            await self._ledger.complete_in(tx, Occurrence(source, due), now)
            return
        prompt, _ = picked
        await self._repo.add_delivery(
            tx,
            NewDelivery(
                guild_id=sub.guild_id,
                kind="dm",
                source=source,
                target=sub.user_id,
                due_at=due,
                prompt_id=prompt.id,
                deliver_after=self._hold(prompt, now, sub.timezone, timing),
                nonce=nonce_for(source, due),
            ),
            now,
        )
        report.claimed += 1

    async def _claim_schedule(
        self,
        tx: Transaction,
        schedule: Schedule,
        now: datetime,
        timing: GuildTiming,
        report: TickReport,
    ) -> None:
        rule = recurrence(
            schedule.cadence, schedule.weekday, schedule.at_time, schedule.timezone, schedule.anchor
        )
        await self._repo.advance_schedule(tx, schedule.id, rule.next_after(now))
        due = latest_due(rule, schedule.next_due, now)
        if now - due > timing.grace:
            report.skipped_late += 1
            log.info("Skipped a channel prompt of schedule %s: %s late", schedule.id, now - due)
            return
        source = f"prompts:sched:{schedule.id}"
        if not await self._ledger.claim_in(tx, Occurrence(source, due), now):
            return
        themes = (schedule.theme,) if schedule.theme else ()
        prompts = await self._catalogue.eligible(schedule.guild_id, themes)
        picked = await self.pick(tx, f"sched:{schedule.id}", prompts, now)
        if picked is None:
            log.warning("Schedule %s has no prompts to post", schedule.id)
            await self._ledger.complete_in(tx, Occurrence(source, due), now)
            return
        prompt, chosen = picked
        await self._repo.add_delivery(
            tx,
            NewDelivery(
                guild_id=schedule.guild_id,
                kind="channel",
                source=source,
                target=schedule.channel_id,
                due_at=due,
                prompt_id=prompt.id,
                deliver_after=self._hold(prompt, now, schedule.timezone, timing),
                nonce=nonce_for(source, due),
                thread=schedule.thread,
            ),
            now,
        )
        report.claimed += 1
        if chosen.remaining < LOW_WATER and schedule.warned_cycle != chosen.cycle:
            await self._repo.set_warned(tx, schedule.id, chosen.cycle)
            if timing.mod_channel is not None:
                await self.add_notice(tx, schedule, chosen, timing.mod_channel, now)
                report.notices += 1

    async def add_notice(
        self,
        tx: Transaction,
        schedule: Schedule,
        chosen: rotation.Pick,
        mod_channel: int,
        now: datetime,
    ) -> None:
        """Queue the once-a-cycle warning that a schedule is running out of new prompts."""
        source = f"prompts:notice:sched:{schedule.id}:{chosen.cycle}"
        widen = " or choose a wider theme" if schedule.theme else ""
        text = LOW_PROMPTS.format(
            channel=schedule.channel_id, remaining=chosen.remaining, widen=widen
        )
        await self._repo.add_delivery(
            tx,
            NewDelivery(
                guild_id=schedule.guild_id,
                kind="notice",
                source=source,
                target=mod_channel,
                due_at=now,
                prompt_id=None,
                deliver_after=now,
                nonce=nonce_for(source, now),
                body=text,
            ),
            now,
        )

    async def _prune(self, now: datetime) -> None:
        if self._last_prune is not None and now - self._last_prune < timedelta(days=1):
            return
        self._last_prune = now
        await self._repo.prune_dm_deliveries(now - DM_RETENTION)
