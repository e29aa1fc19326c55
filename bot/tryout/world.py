"""The demo server: the real bot inside SimCord, seeded with people, channels and settings.

Everything a visitor does goes through SimCord's actors, exactly as the tests drive the bot:
slash commands, autocomplete, buttons, selects and forms. One lock keeps those operations in
order, because SimCord runs one at a time (a slow feed's network wait is declared to SimCord, so
it never holds the lock: see pending.py). The server's seeding is in server.py, and the page's
values are turned into SimCord's in inputs.py.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import simcord
from simcord.results import ResponseMessage

from bot.app.client import Alongside
from bot.app.services import Services, build_services
from bot.core.config import Settings
from bot.core.timeutil import ManualClock
from bot.db import Database
from bot.db.meta import MetaStore
from bot.tryout.feed import DemoFeed
from bot.tryout.inputs import find_leaf, modal_values, option_values, resolve_entity
from bot.tryout.offline import keep_feeds_offline
from bot.tryout.operation import OpenModal, Operation, Origin, start_of_minute
from bot.tryout.pending import EditLedger
from bot.tryout.plan import BOT_NAME, TICKS, Person
from bot.tryout.server import align_jobs, configure, hold_scheduler, repoint_feed, seed_server
from bot.tryout.stage import Stage
from bot.tryout.wire import (
    SELECT_PICKS,
    DemoError,
    Outcome,
    Part,
    find_component,
)

log = logging.getLogger(__name__)

EPOCH_KEY = "tryout:epoch"
NOW_KEY = "tryout:now"
CONFIGURED_KEY = "tryout:configured"
# Time moves in steps no longer than this, running the scheduled ticks after each step, so
# that work due in between (a review batch, a prompt) happens as it would have on time.
STEP_MINUTES = 10
MAX_ADVANCE_MINUTES = 7 * 24 * 60
SETTLE_SECONDS = 15.0


class DemoWorld(Stage):
    """The running demo: SimCord's Discord, the bot, the people and the demo feed."""

    def __init__(
        self,
        *,
        env: simcord.Env,
        bot: Alongside,
        services: Services,
        clock: ManualClock,
        feed: DemoFeed,
    ) -> None:
        super().__init__(env=env, bot=bot, services=services, feed=feed)
        self.clock = clock
        self._modals: dict[str, OpenModal] = {}
        # Discord shows "Ash used /glossary define" above an answer (SimCord records only the
        # top name), or the message whose button was pressed.
        self.origins: dict[int, Origin] = {}
        self.edits = EditLedger(env.backend)
        self._running = False

    # ------------------------------------------------------------------ lifecycle

    @classmethod
    async def start(cls, settings: Settings, db: Database) -> DemoWorld:
        """Build the services and the bot, seed the server and connect the bot to it."""
        meta = MetaStore(db)
        saved_epoch = await meta.get(EPOCH_KEY)
        saved_now = await meta.get(NOW_KEY)
        configured = await meta.get(CONFIGURED_KEY) is not None
        epoch = (
            datetime.fromisoformat(saved_epoch)
            if saved_epoch
            else start_of_minute(datetime.now(UTC))
        )
        now = datetime.fromisoformat(saved_now) if saved_now else epoch
        clock = ManualClock(now)
        services = build_services(settings, db, clock)
        # The database may remember a command tree synced to another Discord: always sync.
        bot = Alongside(services, force_sync=True)
        env = simcord.Env(bot, check_errors=False, settle_timeout=SETTLE_SECONDS)
        env.backend.bot_user.name = BOT_NAME
        keep_feeds_offline(services, env)
        # SimCord's ids come from its clock; seeding at the same instant in the same order
        # gives the same ids, so a kept database still matches its server on the next run.
        simcord_start = env.now()
        if epoch < simcord_start:  # a computer whose clock is behind SimCord's own start
            epoch = simcord_start
            clock.set(max(now, epoch))
        env.backend.advance_clock((epoch - simcord_start).total_seconds())
        await meta.set(EPOCH_KEY, epoch.isoformat())
        feed = DemoFeed(epoch, clock.now)
        world = cls(env=env, bot=bot, services=services, clock=clock, feed=feed)
        seed_server(world)
        env.backend.advance_clock((clock.now() - env.now()).total_seconds())
        try:
            await feed.open()
            await env.start()
            world._running = True
            hold_scheduler(services)
            with env.time_context():
                for person in world.people.values():
                    person.actor.user.dm_channel  # noqa: B018 - opens the DM channel
                if configured:
                    await repoint_feed(world)
                else:
                    await configure(world)
                await env.settle()
            await meta.set(CONFIGURED_KEY, "yes")
            await world._remember_now()
        except BaseException:
            await world.stop()
            raise
        return world

    async def stop(self) -> None:
        """Close the bot (its scheduler and connections), SimCord and the feed."""
        self._modals.clear()
        try:
            if self._running:
                self._running = False
                with self.env.time_context():
                    if not self.bot.is_closed():
                        await self.bot.close()
                await self.env.shutdown()
        finally:
            await self.feed.close()
            await self.services.feeds.close()

    async def _remember_now(self) -> None:
        await self.services.meta.set(NOW_KEY, self.clock.now().isoformat())

    # ------------------------------------------------------------------ actors

    def _actor_in(self, person: Person, channel_id: int) -> Any:
        """Who acts: the member in the server, or the user in their own DMs."""
        if not self.can_see(person, channel_id):
            raise DemoError(f"{person.name} can't see that channel.")
        if channel_id == self.dm_channel_id(person):
            return person.actor.user
        return person.actor

    def _message(self, channel_id: int, message_id: int) -> ResponseMessage:
        try:
            stored = self.env.backend.get_message(channel_id, message_id)
        except simcord.BackendError:
            raise DemoError("That message no longer exists.") from None
        return ResponseMessage(self.env, stored)

    # ------------------------------------------------------------------ commands

    async def slash(
        self, person: Person, channel_id: int, path: str, raw: Mapping[str, Any]
    ) -> Outcome:
        """Run a slash command as this person in this channel."""
        async with self._operation():
            actor = self._actor_in(person, channel_id)
            options = option_values(self, find_leaf(self, person, channel_id, path), raw)
            if isinstance(actor, simcord.UserHandle):
                result = await actor.slash(path, **options)
            else:
                result = await actor.slash(self.channel_handle(channel_id), path, **options)
            return await self._finish(person, actor, result, Origin(command=path))

    async def autocomplete(
        self,
        person: Person,
        channel_id: int,
        path: str,
        option: str,
        typed: str,
        raw: Mapping[str, Any],
    ) -> Outcome:
        """Ask the bot for suggestions for one option, given what is filled in so far."""
        async with self._operation():
            actor = self._actor_in(person, channel_id)
            leaf = find_leaf(self, person, channel_id, path)
            filled = {
                name: value
                for name, value in option_values(self, leaf, raw).items()
                if name != option
            }
            if isinstance(actor, simcord.UserHandle):
                choices = await actor.autocomplete(path, option, typed, **filled)
            else:
                choices = await actor.autocomplete(
                    self.channel_handle(channel_id), path, option, typed, **filled
                )
            return Outcome(choices=list(choices or []))

    # ------------------------------------------------------------------ components

    async def click(
        self, person: Person, channel_id: int, message_id: int, custom_id: str
    ) -> Outcome:
        """Press a button on a message."""
        async with self._operation():
            actor = self._actor_in(person, channel_id)
            message = self._message(channel_id, message_id)
            result = await actor.click(message, custom_id=custom_id)
            return await self._finish(person, actor, result, Origin(None, channel_id, message_id))

    async def select(
        self,
        person: Person,
        channel_id: int,
        message_id: int,
        custom_id: str,
        raw_values: list[Any],
    ) -> Outcome:
        """Choose values in a select menu on a message."""
        async with self._operation():
            actor = self._actor_in(person, channel_id)
            message = self._message(channel_id, message_id)
            component = find_component(
                self.env.backend.get_message(channel_id, message_id), custom_id
            )
            kind = component.get("type", Part.STRING_SELECT) if component else Part.STRING_SELECT
            values = (
                [resolve_entity(self, SELECT_PICKS[Part(kind)], value) for value in raw_values]
                if kind in SELECT_PICKS
                else [str(value) for value in raw_values]
            )
            result = await actor.select(message, values, custom_id=custom_id)
            return await self._finish(person, actor, result, Origin(None, channel_id, message_id))

    async def submit_modal(
        self, person: Person, modal_id: str, raw_values: Mapping[str, Any]
    ) -> Outcome:
        """Submit a form the bot showed this person."""
        async with self._operation():
            shown = self._modals.get(modal_id)
            if shown is None or shown.person_id != person.id:
                raise DemoError("That form has closed. Open it again.")
            spec = shown.result.modal or {}
            values = modal_values(self, spec, raw_values)
            del self._modals[modal_id]
            result = await shown.actor.submit_modal(shown.result, values)
            return await self._finish(person, shown.actor, result, shown.origin)

    def close_modal(self, person: Person, modal_id: str) -> None:
        """Forget a form the person cancelled."""
        shown = self._modals.get(modal_id)
        if shown is not None and shown.person_id == person.id:
            del self._modals[modal_id]

    # ------------------------------------------------------------------ messages and time

    async def send(self, person: Person, channel_id: int, content: str) -> Outcome:
        """Post a plain message as this person (Alongside doesn't read them)."""
        text = content.strip()
        if not text:
            return Outcome()
        async with self._operation():
            actor = self._actor_in(person, channel_id)
            if isinstance(actor, simcord.UserHandle):
                await actor.send_dm(text[:2000])
            else:
                await actor.send(self.channel_handle(channel_id), text[:2000])
            return Outcome()

    async def advance(self, minutes: int) -> None:
        """Move the demo's time on, running what the scheduler would have run on the way."""
        if not 1 <= minutes <= MAX_ADVANCE_MINUTES:
            raise DemoError("Time can move on by a minute to a week at a time.")
        async with self._operation():
            remaining = minutes
            while remaining > 0:
                step = min(STEP_MINUTES, remaining)
                remaining -= step
                self.clock.advance(minutes=step)
                self.env.backend.advance_clock(step * 60)
                await self._run_ticks()
            await self.env.settle()
            await self._remember_now()

    async def run_ticks(self) -> None:
        """Run every scheduled tick once, now (as the scheduler would within a minute)."""
        async with self._operation():
            await self._run_ticks()
            await self.env.settle()

    async def _run_ticks(self) -> None:
        for cog_name, methods in TICKS:
            cog = self.bot.get_cog(cog_name)
            if cog is None:
                continue
            for dotted in methods:
                target: Any = cog
                for part in dotted.split("."):
                    target = getattr(target, part)
                try:
                    await target()
                except Exception:
                    log.exception("The %s tick %s failed", cog_name, dotted)
        align_jobs(self.services, self.clock.now())

    # ------------------------------------------------------------------ helpers

    def _operation(self) -> Operation:
        return Operation(self)

    async def _finish(
        self, person: Person, actor: Any, result: simcord.InteractionResult, origin: Origin
    ) -> Outcome:
        """Run the ticks (the scheduler would within a minute), then say what happened."""
        await self._run_ticks()
        await self.env.settle()
        for answer in (result.response, *result.followups):
            if answer is not None and answer.id != origin.message_id:
                self.origins[answer.id] = origin
        modal = result.modal
        if modal is not None:
            modal_id = secrets.token_urlsafe(12)
            self._modals[modal_id] = OpenModal(person.id, actor, result, origin)
            return Outcome(modal={"id": modal_id, **modal})
        if not result.acknowledged:
            return Outcome(failed=True)
        return Outcome()
