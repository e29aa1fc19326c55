"""Sending the outbox: paced, concurrent, and recorded so that nothing is sent twice.

Each row is sent with a nonce derived from its occurrence, and marked sent (with its ledger
occurrence completed) in one transaction. If the bot dies between Discord accepting a message
and that commit, the row is still pending after the restart and is sent again with the same
nonce, which Discord answers with the message it already has instead of posting a new one.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from bot.core.recurrence import in_quiet_hours, quiet_hours_end
from bot.core.text import clip
from bot.core.timeutil import Clock
from bot.db.away import AwayMembers
from bot.db.ledger import Occurrence, OccurrenceLedger
from bot.db.prompts import PromptsRepo
from bot.db.prompts_deliveries import Delivery
from bot.db.prompts_library import Prompt
from bot.prompts.catalogue import Catalogue
from bot.prompts.delivery import (
    Outgoing,
    RecipientClosed,
    Sender,
    SendingTooFast,
    TargetGone,
    TemporaryFailure,
)
from bot.prompts.pacing import Pacer

log = logging.getLogger(__name__)

SEND_PAGE = 500
MAX_ATTEMPTS = 4
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15))
TOO_FAST_RETRIES = 6


@dataclass
class TickReport:
    """What one tick did, for the log and for tests."""

    claimed: int = 0
    skipped_late: int = 0
    skipped_paused: int = 0
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    dropped: int = 0
    notices: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class GuildTiming:
    """The server settings a tick needs, read once per tick."""

    grace: timedelta
    timezone: str
    quiet_start: time
    quiet_end: time
    mod_channel: int | None


def thread_name(prompt: Prompt) -> str:
    """Name a thread after its prompt (Discord allows 100 characters).

    A heavy prompt's words stay behind their spoiler, so its thread is named by its content note.
    """
    if prompt.heavy:
        return clip(f"Reflection (content note: {prompt.content_note})", 100)
    return clip(" ".join(prompt.text.split()), 100)


class Courier:
    """Delivers outbox rows through a Sender, `concurrency` at a time, all through one pacer."""

    def __init__(
        self,
        repo: PromptsRepo,
        ledger: OccurrenceLedger,
        catalogue: Catalogue,
        pacer: Pacer,
        clock: Clock,
        timing: Callable[[int], Awaitable[GuildTiming]],
        *,
        concurrency: int = 8,
        away: AwayMembers | None = None,
    ) -> None:
        self._repo = repo
        self._away = away
        self._ledger = ledger
        self._catalogue = catalogue
        self.pacer = pacer
        self._clock = clock
        self._timing = timing
        self.concurrency = concurrency
        self._in_flight: set[int] = set()

    async def _timings(self, guild_ids: Sequence[int]) -> dict[int, GuildTiming]:
        return {guild_id: await self._timing(guild_id) for guild_id in set(guild_ids)}

    async def deliver(self, now: datetime, sender: Sender, report: TickReport) -> None:
        """Send every ready row, `concurrency` at a time, through the shared pacer."""
        seen: set[int] = set()
        while True:
            rows = [
                r
                for r in await self._repo.pending(now, SEND_PAGE)
                if r.id not in seen and r.id not in self._in_flight
            ]
            if not rows:
                return
            seen.update(r.id for r in rows)
            timings = await self._timings([r.guild_id for r in rows])
            queue = deque(rows)
            async with asyncio.TaskGroup() as group:
                for _ in range(max(1, min(self.concurrency, len(rows)))):
                    group.create_task(self._worker(queue, sender, timings, report))

    async def _worker(
        self,
        queue: deque[Delivery],
        sender: Sender,
        timings: dict[int, GuildTiming],
        report: TickReport,
    ) -> None:
        while queue:
            row = queue.popleft()
            await self.deliver_one(row, sender, timings[row.guild_id], report)

    async def deliver_one(
        self, row: Delivery, sender: Sender, timing: GuildTiming, report: TickReport
    ) -> None:
        """Send one row and record the outcome; never raises for a failed send."""
        self._in_flight.add(row.id)
        try:
            await self._deliver_guarded(row, sender, timing, report)
        finally:
            self._in_flight.discard(row.id)

    async def _deliver_guarded(
        self, row: Delivery, sender: Sender, timing: GuildTiming, report: TickReport
    ) -> None:
        now = self._clock.now()
        if now - row.deliver_after > timing.grace:
            await self._finish(row, "skipped", error="later than the grace period")
            report.dropped += 1
            return
        prompt = await self._catalogue.get(row.prompt_id) if row.prompt_id else None
        paused = row.pause_reason is not None and (
            row.paused_until is None or row.paused_until > now
        )
        if row.kind == "dm" and (row.sub_id is None or paused):
            await self._finish(row, "skipped", error="unsubscribed or paused")
            report.dropped += 1
            return
        if prompt is not None and prompt.heavy:
            zone = row.zone or timing.timezone
            if in_quiet_hours(now, zone, timing.quiet_start, timing.quiet_end):
                morning = quiet_hours_end(now, zone, timing.quiet_start, timing.quiet_end)
                await self._repo.retry_later(row.id, row.attempts, morning, morning, "quiet hours")
                return
        for _ in range(TOO_FAST_RETRIES):
            try:
                await self._send(row, prompt, sender)
            except SendingTooFast:
                # Discord wants DMs opened more slowly: the whole bucket slows, this member waits.
                self.pacer.slow_down()
                log.warning("Discord said DMs are opening too fast; now %.1f/s", self.pacer.rate)
                continue
            except RecipientClosed as closed:
                await self._dms_closed(row, closed.reason)
                report.failed += 1
                return
            except TargetGone as error:
                if row.kind == "dm" and row.dm_channel_id is not None:
                    # A stale cached DM channel: open it afresh next time.
                    await self._repo.set_dm_channel(row.guild_id, row.target, None)
                    await self._retry(row, str(error), report)
                    return
                await self._finish(row, "failed", error=f"gone: {error}")
                report.failed += 1
                return
            except TemporaryFailure as error:
                await self._retry(row, str(error), report)
                return
            except Exception as error:  # a bug must not stop the rest of the fan-out
                log.exception("Unexpected failure delivering prompt row %s", row.id)
                report.errors.append(repr(error))
                await self._retry(row, repr(error), report)
                return
            else:
                self.pacer.succeeded()
                report.sent += 1
                return
        await self._repo.retry_later(
            row.id,
            row.attempts,
            self._clock.now() + timedelta(seconds=30),
            row.deliver_after,
            "opening DMs too fast",
        )
        report.retrying += 1

    async def _send(self, row: Delivery, prompt: Prompt | None, sender: Sender) -> None:
        if row.kind == "notice":
            await self.pacer.acquire()
            message_id = await sender.post_notice(row.target, row.body or "", row.nonce)
            await self._finish(row, "sent", message_id=message_id)
            return
        if prompt is None:
            await self._finish(row, "skipped", error="prompt missing")
            return
        outgoing = Outgoing(
            delivery_id=row.id,
            guild_id=row.guild_id,
            nonce=row.nonce,
            prompt=prompt,
            theme_label=self._catalogue.library.theme_label(prompt.theme),
            model=self._catalogue.library.models.get(prompt.model or ""),
            thread=row.thread,
        )
        if row.kind == "dm":
            if not await sender.still_member(row.guild_id, row.target, self.pacer.acquire):
                raise RecipientClosed("no longer a member of the server", "left")
            channel_id = row.dm_channel_id
            if channel_id is None:
                await self.pacer.acquire()
                channel_id = await sender.open_dm(row.target)
                await self._repo.set_dm_channel(row.guild_id, row.target, channel_id)
            await self.pacer.acquire()
            sent_id = await sender.send_dm(channel_id, outgoing)
            await self._finish(row, "sent", message_id=sent_id)
            return
        posted_id = row.message_id
        if posted_id is None:
            await self.pacer.acquire()
            posted_id = await sender.post_prompt(row.target, outgoing)
            # Remembered before the thread is started, so a retry never posts the prompt twice.
            await self._repo.set_delivery_message(row.id, posted_id)
        thread_id: int | None = None
        if row.thread:
            await self.pacer.acquire()
            thread_id = await sender.start_thread(row.target, posted_id, thread_name(prompt))
        await self._finish(row, "sent", message_id=posted_id, thread_id=thread_id)

    async def _finish(
        self,
        row: Delivery,
        status: str,
        *,
        message_id: int | None = None,
        thread_id: int | None = None,
        error: str | None = None,
    ) -> None:
        now = self._clock.now()
        async with self._repo.db.transaction() as tx:
            await self._repo.finish(
                tx, row.id, status, now, message_id=message_id, thread_id=thread_id, error=error
            )
            await self._ledger.complete_in(tx, Occurrence(row.source, row.due_at), now)

    async def _dms_closed(self, row: Delivery, reason: str) -> None:
        now = self._clock.now()
        if self._away is not None:
            self._away.hold(row.guild_id, row.target)  # before the write: never missed
        async with self._repo.db.transaction() as tx:
            await self._repo.finish(tx, row.id, "failed", now, error=reason)
            await self._repo.set_pause(row.guild_id, row.target, None, reason, tx=tx)
            await self._ledger.complete_in(tx, Occurrence(row.source, row.due_at), now)
        log.info("Paused a DM prompt subscription: the member can't be reached (%s)", reason)

    async def _retry(self, row: Delivery, error: str, report: TickReport) -> None:
        attempts = row.attempts + 1
        if attempts >= MAX_ATTEMPTS:
            await self._finish(row, "failed", error=error[:300])
            report.failed += 1
            return
        delay = RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]
        await self._repo.retry_later(
            row.id, attempts, self._clock.now() + delay, row.deliver_after, error
        )
        report.retrying += 1
