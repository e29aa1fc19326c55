# Over 400 lines: the demo's whole simulated server is set up in one place. Issue #17 splits it.
"""The demo server: the real bot inside SimCord, seeded with people, channels and settings.

Everything a visitor does goes through SimCord's actors, exactly as the tests drive the bot:
slash commands, autocomplete, buttons, selects and forms. One lock keeps those operations in
order, because SimCord runs one at a time.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import discord
import simcord
from apscheduler.triggers.interval import IntervalTrigger
from simcord.backend.access import channel_accessible
from simcord.results import ResponseMessage

from bot.checkins.settings import SUPPORT_CHANNEL
from bot.client import Alongside
from bot.config import Settings
from bot.db import Database
from bot.db.meta import MetaStore
from bot.prompts.settings import REVIEW_KEY as PROMPTS_REVIEW
from bot.services import Services, build_services
from bot.timeutil import ManualClock
from bot.tryout.feed import FEED_PATH, DemoFeed
from bot.tryout.offline import keep_feeds_offline
from bot.tryout.pending import EditLedger
from bot.tryout.plan import BOT_NAME, CHANNELS, PEOPLE, SERVER_NAME, TICKS, Person
from bot.tryout.wire import (
    NESTED,
    OPTION_PICKS,
    SELECT_PICKS,
    DemoError,
    Option,
    Outcome,
    Part,
    as_list,
    find_component,
    modal_controls,
    upload,
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


@dataclass(frozen=True, slots=True)
class Origin:
    """What an answer answers, for the line above it: a command, or a message's button."""

    command: str | None = None
    channel_id: int | None = None
    message_id: int | None = None


@dataclass(slots=True)
class OpenModal:
    """A form the bot showed someone, waiting to be submitted."""

    person_id: int
    actor: Any
    result: simcord.InteractionResult
    origin: Origin


def start_of_minute(moment: datetime) -> datetime:
    """`moment` without seconds, in UTC."""
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


class DemoWorld:
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
        self.env = env
        self.bot = bot
        self.services = services
        self.clock = clock
        self.feed = feed
        self.lock = asyncio.Lock()
        self.people: dict[int, Person] = {}
        self.channels: dict[str, simcord.ChannelHandle] = {}
        self.roles: dict[str, simcord.RoleHandle] = {}
        self.guild: simcord.GuildHandle | None = None
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
        world._seed_server()
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
                    await world._repoint_feed()
                else:
                    await world._configure()
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

    def _seed_server(self) -> None:
        """Create the server, its roles, people and channels (always in the same order)."""
        env = self.env
        guild = env.create_guild(SERVER_NAME)
        self.guild = guild
        self.roles["Moderators"] = guild.create_role(
            "Moderators", permissions=discord.Permissions(manage_guild=True)
        )
        self.roles["Peer supporters"] = guild.create_role("Peer supporters")
        for key, name, role, about in PEOPLE:
            user = env.create_user(key, global_name=name)
            roles = [self.roles["Moderators"]] if role == "moderator" else []
            if key == "bea":
                roles.append(self.roles["Peer supporters"])
            actor = guild.add_member(user, roles=roles)
            self.people[actor.id] = Person(key, name, role, about, actor)
        hidden = discord.PermissionOverwrite(view_channel=False)
        shown = discord.PermissionOverwrite(view_channel=True)
        bot_user = simcord.UserHandle(env, env.backend.bot_user)
        for plan in CHANNELS:
            overwrites: dict[Any, discord.PermissionOverwrite] = {}
            if plan.private_to:
                overwrites[guild.default_role] = hidden
                overwrites[bot_user] = shown
                for role_name in plan.private_to:
                    overwrites[self.roles[role_name]] = shown
            self.channels[plan.key] = guild.create_text_channel(
                plan.key, overwrites=overwrites, topic=plan.topic
            )

    async def _configure(self) -> None:
        """First run: the settings a moderator would choose, a feed and a prompt schedule."""
        guild_id = self.guild_id
        channel = {key: handle.id for key, handle in self.channels.items()}
        await self.services.settings.set_many(
            guild_id,
            {
                "moderator_role": self.roles["Moderators"].id,
                "mod_channel": channel["moderators"],
                "unsaid_channel": channel["unsaid"],
                "unsaid_review_channel": channel["moderators"],
                "glossary_review_channel": channel["moderators"],
                PROMPTS_REVIEW: channel["moderators"],
                SUPPORT_CHANNEL: channel["peer-support"],
            },
        )
        moderator = self.person("mo")
        await self.services.prompts.add_schedule(
            guild_id, channel["reflections"], "daily", None, "10:00", None, True, moderator.id
        )
        await self._add_feed(backfill=1)

    async def _add_feed(self, *, backfill: int) -> None:
        await self.services.feeds.add(
            guild_id=self.guild_id,
            actor_id=self.person("mo").id,
            url=self.feed.url,
            channel_id=self.channels["blogs"].id,
            backfill=backfill,
        )
        poster = getattr(self.bot.get_cog("Feeds"), "poster", None)
        if poster is not None:
            await self.services.feeds.deliver(poster)

    async def _repoint_feed(self) -> None:
        """A kept database: the demo feed is served on a new port this time."""
        for health in await self.services.feeds.health(self.guild_id):
            url = health.feed.url
            if url.startswith("http://127.0.0.1:") and url.endswith(FEED_PATH):
                if url == self.feed.url:
                    return
                await self.services.feeds.remove(self.guild_id, health.feed.id)
                await self._add_feed(backfill=0)
                return

    async def _remember_now(self) -> None:
        await self.services.meta.set(NOW_KEY, self.clock.now().isoformat())

    # ------------------------------------------------------------------ lookups

    @property
    def guild_id(self) -> int:
        """The demo server's id."""
        assert self.guild is not None
        return self.guild.id

    def person(self, key: str) -> Person:
        """The person with this key (mo, ash, bea)."""
        for person in self.people.values():
            if person.key == key:
                return person
        raise DemoError(f"There is nobody called {key} here.")

    def person_by_id(self, person_id: int) -> Person:
        """The person with this user id."""
        try:
            return self.people[person_id]
        except KeyError:
            raise DemoError("Choose who you are first.") from None

    def dm_channel_id(self, person: Person) -> int | None:
        """The id of this person's DMs with the bot, if open."""
        value = self.env.backend.dm_channels.get(person.id)
        return int(value) if value is not None else None

    def can_see(self, person: Person, channel_id: int) -> bool:
        """Say whether this person can read this channel (or DM) now."""
        return channel_accessible(self.env.backend, channel_id, person.id, history=True)

    def channel_handle(self, channel_id: int) -> simcord.ChannelHandle:
        """A SimCord handle for any channel, thread or DM of the demo."""
        model = self.env.backend.channels.get(channel_id)
        if model is None:
            raise DemoError("That channel no longer exists.")
        guild = self.guild if model.guild_id is not None else None
        return simcord.ChannelHandle(self.env, guild, model)

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

    def _resolve_entity(self, picks: set[str], raw: Any) -> Any:
        """A handle for the channel, role or person chosen by id on the page."""
        try:
            entity_id = int(raw)
        except (TypeError, ValueError):
            raise DemoError("That choice isn't a channel, role or person here.") from None
        if "channel" in picks and entity_id in self.env.backend.channels:
            return self.channel_handle(entity_id)
        if "role" in picks and self.guild is not None:
            roles = {role.id: role for role in self.guild.roles.values()}
            if entity_id in roles:
                return roles[entity_id]
        if "user" in picks:
            if entity_id in self.people:
                return self.people[entity_id].actor
            if entity_id == self.env.backend.bot_user.id and self.guild is not None:
                bot_user = simcord.UserHandle(self.env, self.env.backend.bot_user)
                return simcord.MemberActor(self.env, self.guild, bot_user)
        raise DemoError("That choice isn't a channel, role or person here.")

    # ------------------------------------------------------------------ commands

    def visible_commands(self, person: Person, channel_id: int) -> list[dict[str, Any]]:
        """The raw slash commands this person sees in this channel."""
        if not self.can_see(person, channel_id):
            return []
        commands: list[dict[str, Any]] = self.env.backend.visible_commands(
            user_id=person.id, channel_id=channel_id
        )
        return commands

    def _leaf(self, person: Person, channel_id: int, path: str) -> dict[str, Any]:
        words = path.split()
        if not words:
            raise DemoError("Type a command after the slash.")
        for command in self.visible_commands(person, channel_id):
            if command["name"] != words[0]:
                continue
            node: dict[str, Any] = command
            for word in words[1:]:
                children = [
                    option
                    for option in node.get("options") or []
                    if option.get("type") in NESTED and option["name"] == word
                ]
                if not children:
                    break
                node = children[0]
            else:
                if any(option.get("type") in NESTED for option in node.get("options") or []):
                    break
                return node
        raise DemoError(f"/{path} isn't a command {person.name} can use here.")

    def _options(self, leaf: dict[str, Any], raw: Mapping[str, Any]) -> dict[str, Any]:
        """Turn what the page sent into the values SimCord expects, by each option's type."""
        declared = {option["name"]: option for option in leaf.get("options") or []}
        values: dict[str, Any] = {}
        for name, value in raw.items():
            option = declared.get(name)
            if option is None:
                raise DemoError(f"There is no option called {name}.")
            if value is None or value == "":
                continue
            values[name] = self._option_value(option, value)
        return values

    def _option_value(self, option: dict[str, Any], value: Any) -> Any:
        kind = option["type"]
        name = option["name"]
        try:
            if kind == Option.STRING:
                return str(value)
            if kind == Option.INTEGER:
                return int(value)
            if kind == Option.NUMBER:
                return float(value)
            if kind == Option.BOOLEAN:
                return value if isinstance(value, bool) else str(value).lower() == "true"
        except ValueError:
            raise DemoError(f"{name} needs a number.") from None
        if kind in OPTION_PICKS:
            return self._resolve_entity(OPTION_PICKS[Option(kind)], value)
        if kind == Option.ATTACHMENT:
            return upload(value)
        raise DemoError(f"The option {name} has a type this page can't fill in.")

    async def slash(
        self, person: Person, channel_id: int, path: str, raw: Mapping[str, Any]
    ) -> Outcome:
        """Run a slash command as this person in this channel."""
        async with self._operation():
            actor = self._actor_in(person, channel_id)
            options = self._options(self._leaf(person, channel_id, path), raw)
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
            leaf = self._leaf(person, channel_id, path)
            filled = {
                name: value for name, value in self._options(leaf, raw).items() if name != option
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
                [self._resolve_entity(SELECT_PICKS[Part(kind)], value) for value in raw_values]
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
            values = self._modal_values(spec, raw_values)
            del self._modals[modal_id]
            result = await shown.actor.submit_modal(shown.result, values)
            return await self._finish(person, shown.actor, result, shown.origin)

    def close_modal(self, person: Person, modal_id: str) -> None:
        """Forget a form the person cancelled."""
        shown = self._modals.get(modal_id)
        if shown is not None and shown.person_id == person.id:
            del self._modals[modal_id]

    def _modal_values(self, spec: dict[str, Any], raw: Mapping[str, Any]) -> dict[str, Any]:
        controls = {control["custom_id"]: control for control in modal_controls(spec)}
        values: dict[str, Any] = {}
        for custom_id, value in raw.items():
            control = controls.get(custom_id)
            if control is None:
                continue
            kind = control["type"]
            if kind == Part.TEXT_INPUT:
                values[custom_id] = str(value or "")
            elif kind == Part.CHECKBOX:
                values[custom_id] = bool(value)
            elif kind == Part.RADIO_GROUP:
                if value:
                    values[custom_id] = str(value)
            elif kind in (Part.STRING_SELECT, Part.CHECKBOX_GROUP):
                chosen = [str(item) for item in as_list(value)]
                if chosen:
                    values[custom_id] = chosen
            elif kind in SELECT_PICKS:
                picks = SELECT_PICKS[Part(kind)]
                picked = [self._resolve_entity(picks, item) for item in as_list(value)]
                if picked:
                    values[custom_id] = picked
            elif kind == Part.FILE_UPLOAD:
                files = [upload(item) for item in as_list(value)]
                if files:
                    values[custom_id] = files
        return values

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

    def _operation(self) -> _Operation:
        return _Operation(self)

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


class _Operation:
    """Hold the world's lock and SimCord's clock scope; turn SimCord refusals into DemoError."""

    def __init__(self, world: DemoWorld) -> None:
        self._world = world

    async def __aenter__(self) -> None:
        await self._world.lock.acquire()
        self._scope = self._world.env.time_context()
        self._scope.__enter__()

    async def __aexit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        try:
            self._scope.__exit__(exc_type, exc, tb)
        finally:
            self._world.lock.release()
        if isinstance(exc, simcord.SetupError | simcord.BackendError | simcord.OptionError):
            raise DemoError(str(exc)) from exc


def align_jobs(services: Services, now: datetime) -> None:
    """Count each held job's next run from the demo's clock, so `/mod status` tells demo time."""
    aps = services.scheduler._aps
    for job in aps.get_jobs():
        trigger = job.trigger
        if isinstance(trigger, IntervalTrigger):
            next_run: datetime | None = now + trigger.interval
        else:
            next_run = trigger.get_next_fire_time(None, now)
        if next_run is not None:
            job.modify(next_run_time=next_run)


def hold_scheduler(services: Services) -> None:
    """Let the demo's time move only when the visitor moves it.

    APScheduler counts real seconds, so left running it would tick on its own, between the
    visitor's actions. Pausing it keeps its jobs (and what `/mod status` shows of them); the
    world runs the same ticks itself after each action and each step of time.
    """
    services.scheduler.pause()
