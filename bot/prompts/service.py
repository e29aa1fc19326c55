"""Reflective prompts: the library, members' subscriptions and journals, moderators' schedules."""

from __future__ import annotations

import logging
import random
import secrets
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bot.core.errors import UserFacingError
from bot.core.recurrence import quiet_hours_end
from bot.core.timeutil import Clock
from bot.db.away import AwayMembers
from bot.db.connection import Database
from bot.db.fold import fold_wal_soon
from bot.db.ledger import OccurrenceLedger
from bot.db.prompts import PromptsRepo
from bot.db.prompts_deliveries import Delivery, NewDelivery
from bot.db.prompts_journal import JournalEntry, Suggestion
from bot.db.prompts_library import Prompt
from bot.db.prompts_schedules import Schedule, Subscription
from bot.prompts.catalogue import Catalogue
from bot.prompts.delivery import Sender
from bot.prompts.dispatch import Dispatcher, TickReport, nonce_for
from bot.prompts.editing import LibraryEditor
from bot.prompts.library import (
    load_library,
)
from bot.prompts.models import (
    JOURNAL_MAX,
    JOURNAL_PAGE,
    MAX_PAUSE_WEEKS,
    NOT_SUBSCRIBED,
    Drawn,
    PostedNow,
)
from bot.prompts.pacing import DEFAULT_RATE, Pacer
from bot.prompts.records import export_member, member_scopes
from bot.prompts.rules import CHANNEL_CADENCES, build_rule, clean_text
from bot.prompts.shares import PromptShares
from bot.settings.registry import GuildSettings

log = logging.getLogger(__name__)


class PromptService:
    """All prompt behaviour; knows nothing of Discord."""

    def __init__(
        self,
        db: Database,
        data_dir: Path,
        clock: Clock,
        settings: GuildSettings,
        ledger: OccurrenceLedger,
        *,
        rate: float = DEFAULT_RATE,
        concurrency: int = 8,
        rng: random.Random | None = None,
        away: AwayMembers | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._settings = settings
        self.repo = PromptsRepo(db)
        self.shares = PromptShares(db, clock)
        self.library = load_library(data_dir / "prompts.toml")
        self.catalogue = Catalogue(self.repo, self.library, clock)
        self.pacer = Pacer(rate)
        self._rng = rng or random.Random()
        self.editor = LibraryEditor(db, self.repo, self.catalogue, clock)
        self.dispatcher = Dispatcher(
            self.repo,
            ledger,
            settings,
            self.catalogue,
            self.pacer,
            clock,
            self._rng,
            concurrency=concurrency,
            away=away,
        )

    # ----- the scheduled work ----------------------------------------------------------------

    async def tick(self, now: datetime, sender: Sender | None = None) -> TickReport:
        """Claim every occurrence due at `now` into the outbox, then deliver what is ready."""
        return await self.dispatcher.tick(now, sender)

    # ----- reading the library ---------------------------------------------------------------

    def themes(self) -> dict[str, str]:
        """Theme keys and the names people see."""
        return dict(self.library.themes)

    def check_theme(self, theme: str) -> str:
        """Return the theme key for a key or name, or explain which themes exist."""
        return self.library.theme_key(theme)

    def describe(self, prompt: Prompt) -> Drawn:
        """Attach a prompt's theme name and reflective model."""
        model = self.library.models.get(prompt.model) if prompt.model else None
        return Drawn(prompt, self.library.theme_label(prompt.theme), model)

    async def prompt_in(self, guild_id: int, prompt_id: int) -> Drawn:
        """A prompt this server can see, by id."""
        prompt = await self.catalogue.get(prompt_id)
        if prompt is None or prompt.guild_id not in (0, guild_id):
            raise UserFacingError("That prompt isn't available any more.")
        return self.describe(prompt)

    async def draw(self, guild_id: int, user_id: int, theme: str | None = None) -> Drawn:
        """A prompt for `/reflect now`, rotating so the member doesn't see repeats."""
        themes = (self.check_theme(theme),) if theme else ()
        prompts = await self.catalogue.eligible(guild_id, themes)
        if not prompts:
            raise UserFacingError("There are no prompts for that theme here at the moment.")
        async with self._db.transaction() as tx:
            picked = await self.dispatcher.pick(
                tx, f"now:{guild_id}:{user_id}", prompts, self._clock.now()
            )
        assert picked is not None
        return self.describe(picked[0])

    async def library_for(self, guild_id: int) -> list[Prompt]:
        """Every prompt a server can see, retired ones marked."""
        return list(await self.catalogue.visible(guild_id))

    async def find(self, guild_id: int, code: str) -> Prompt:
        """A prompt by the name moderators use (power-01, local-12)."""
        return await self.catalogue.find(guild_id, code)

    # ----- subscriptions ---------------------------------------------------------------------

    async def subscribe(
        self,
        guild_id: int,
        user_id: int,
        cadence: str,
        day: str | None,
        at: str,
        zone: str | None,
        dm_channel_id: int | None,
    ) -> Subscription:
        """Start (or change) a member's prompts by DM; any pause is lifted."""
        now = self._clock.now()
        zone = zone or await self._settings.get(guild_id, "timezone")
        rule, clock_time = build_rule(cadence, day, at, str(zone), now)
        return await self.repo.save_subscription(
            guild_id,
            user_id,
            cadence,
            rule.weekday,
            clock_time,
            rule.zone,
            rule.anchor,
            rule.next_after(now),
            dm_channel_id,
            now,
        )

    async def subscription(self, guild_id: int, user_id: int) -> Subscription | None:
        """A member's subscription, if they have one."""
        return await self.repo.subscription(guild_id, user_id)

    async def set_themes(self, guild_id: int, user_id: int, themes: list[str]) -> tuple[str, ...]:
        """Choose which themes a member's prompts come from (none chosen: all of them)."""
        keys = tuple(dict.fromkeys(self.check_theme(t) for t in themes))
        if not await self.repo.set_themes(guild_id, user_id, keys):
            raise UserFacingError(NOT_SUBSCRIBED)
        return keys

    async def pause(self, guild_id: int, user_id: int, weeks: int) -> datetime:
        """Pause a member's prompts for some weeks; return when they start again."""
        if not 1 <= weeks <= MAX_PAUSE_WEEKS:
            raise UserFacingError(f"You can pause for 1 to {MAX_PAUSE_WEEKS} weeks.")
        until = self._clock.now() + timedelta(weeks=weeks)
        if not await self.repo.set_pause(guild_id, user_id, until, "member"):
            raise UserFacingError(NOT_SUBSCRIBED)
        return until

    async def resume(self, guild_id: int, user_id: int) -> Subscription:
        """Lift a pause (the member's own, or one for closed DMs)."""
        if not await self.repo.set_pause(guild_id, user_id, None, None):
            raise UserFacingError(NOT_SUBSCRIBED)
        found = await self.repo.subscription(guild_id, user_id)
        assert found is not None
        return found

    async def remember_dm_channel(self, guild_id: int, user_id: int, channel_id: int) -> None:
        """Cache a member's DM channel so each prompt costs Discord one request."""
        await self.repo.set_dm_channel(guild_id, user_id, channel_id)

    async def unsubscribe(self, guild_id: int, user_id: int) -> None:
        """Stop a member's prompts and forget which ones they were sent."""
        if not await self.repo.delete_subscription(guild_id, user_id):
            raise UserFacingError(NOT_SUBSCRIBED)
        await self.repo.erase_member_history(f"sub:{guild_id}:{user_id}")

    # ----- journal ---------------------------------------------------------------------------

    async def write_journal(
        self, guild_id: int, user_id: int, text: str, prompt_id: int | None
    ) -> int:
        """Save a private entry for its author; return its id."""
        words = clean_text(text, JOURNAL_MAX, "journal entry", allow_mentions=True)
        if prompt_id is not None:
            await self.prompt_in(guild_id, prompt_id)
        return await self.repo.add_journal(guild_id, user_id, prompt_id, words, self._clock.now())

    async def journal(
        self, guild_id: int, user_id: int, page: int = 0
    ) -> tuple[list[JournalEntry], int]:
        """One page of the member's own entries, newest first, and how many pages there are."""
        total = await self.repo.journal_count(guild_id, user_id)
        pages = max(1, -(-total // JOURNAL_PAGE))
        page = max(0, min(page, pages - 1))
        entries = await self.repo.journal_page(guild_id, user_id, JOURNAL_PAGE, page * JOURNAL_PAGE)
        return entries, pages

    async def journal_all(self, guild_id: int, user_id: int) -> list[JournalEntry]:
        """Every entry the member wrote here, newest first (for their export)."""
        return await self.repo.all_journal(guild_id, user_id)

    async def delete_entry(self, guild_id: int, user_id: int, entry_id: int) -> None:
        """Delete one of the member's own entries."""
        if not await self.repo.delete_journal_entry(guild_id, user_id, entry_id):
            raise UserFacingError("That entry has already been deleted.")
        # secure_delete zeroed the entry in the page; folding the WAL removes its older copies.
        await fold_wal_soon(self._db.checkpoint)

    # ----- suggestions and the server's own prompts (see bot.prompts.editing) ---------------

    async def suggest(
        self, guild_id: int, user_id: int, theme: str, text: str, content_note: str | None
    ) -> Suggestion:
        """Store a member's proposed prompt for moderators to review."""
        return await self.editor.suggest(guild_id, user_id, theme, text, content_note)

    async def suggestion(self, guild_id: int, suggestion_id: int) -> Suggestion:
        """A pending suggestion, or an explanation that it was already decided."""
        return await self.editor.suggestion(guild_id, suggestion_id)

    async def approve(self, guild_id: int, suggestion_id: int) -> tuple[Suggestion, Prompt]:
        """Add a suggested prompt to the server's library."""
        return await self.editor.approve(guild_id, suggestion_id)

    async def reject(self, guild_id: int, suggestion_id: int, reason: str) -> Suggestion:
        """Decline a suggestion with a reason its author will read."""
        return await self.editor.reject(guild_id, suggestion_id, reason)

    async def add_prompt(
        self, guild_id: int, theme: str, text: str, content_note: str | None, grounding: str | None
    ) -> Prompt:
        """Add a moderator's prompt; a content note makes it heavy."""
        return await self.editor.add_prompt(guild_id, theme, text, content_note, grounding)

    async def retire(self, guild_id: int, code: str, actor_id: int, *, restore: bool) -> Prompt:
        """Stop (or start again) using a prompt in this server."""
        return await self.editor.retire(guild_id, code, actor_id, restore=restore)

    # ----- moderators' schedules -------------------------------------------------------------

    async def add_schedule(
        self,
        guild_id: int,
        channel_id: int,
        cadence: str,
        day: str | None,
        at: str,
        theme: str | None,
        thread: bool,
        actor_id: int,
    ) -> Schedule:
        """Post prompts to a channel on a schedule, in the server's timezone."""
        now = self._clock.now()
        key = self.check_theme(theme) if theme else None
        zone = str(await self._settings.get(guild_id, "timezone"))
        rule, clock_time = build_rule(cadence, day, at, zone, now, CHANNEL_CADENCES)
        schedule_id = await self.repo.add_schedule(
            guild_id,
            channel_id,
            cadence,
            rule.weekday,
            clock_time,
            zone,
            rule.anchor,
            key,
            thread,
            rule.next_after(now),
            actor_id,
            now,
        )
        found = await self.repo.schedule(guild_id, schedule_id)
        assert found is not None
        return found

    async def schedules(self, guild_id: int) -> list[Schedule]:
        """Every schedule in the server."""
        return await self.repo.schedules(guild_id)

    async def schedule(self, guild_id: int, schedule_id: int) -> Schedule:
        """One schedule, or an explanation."""
        found = await self.repo.schedule(guild_id, schedule_id)
        if found is None:
            raise UserFacingError(
                f"There is no schedule #{schedule_id}. `/mod prompts schedules` lists them."
            )
        return found

    async def remove_schedule(self, guild_id: int, schedule_id: int) -> Schedule:
        """Stop a schedule (what it already posted stays)."""
        found = await self.schedule(guild_id, schedule_id)
        await self.repo.delete_schedule(guild_id, schedule_id)
        return found

    async def post_now(
        self,
        guild_id: int,
        channel_id: int,
        theme: str | None,
        thread: bool,
        sender: Sender,
        schedule: Schedule | None = None,
    ) -> PostedNow:
        """Post a prompt to a channel straight away (heavy ones still wait out quiet hours)."""
        now = self._clock.now()
        if schedule is not None:
            scope, themes = f"sched:{schedule.id}", (schedule.theme,) if schedule.theme else ()
        else:
            scope, themes = f"chan:{channel_id}", (self.check_theme(theme),) if theme else ()
        prompts = await self.catalogue.eligible(guild_id, themes)
        if not prompts:
            raise UserFacingError("There are no prompts for that theme here at the moment.")
        timing = await self.dispatcher.timing(guild_id)
        source = f"prompts:now:{channel_id}:{secrets.token_hex(6)}"
        async with self._db.transaction() as tx:
            picked = await self.dispatcher.pick(tx, scope, prompts, now)
            assert picked is not None
            prompt = picked[0]
            after = now
            if prompt.heavy:
                after = quiet_hours_end(now, timing.timezone, timing.quiet_start, timing.quiet_end)
            await self.repo.add_delivery(
                tx,
                NewDelivery(
                    guild_id=guild_id,
                    kind="channel",
                    source=source,
                    target=channel_id,
                    due_at=now,
                    prompt_id=prompt.id,
                    deliver_after=after,
                    nonce=nonce_for(source, now),
                    thread=thread,
                ),
                now,
            )
        row = await self.repo.delivery_by_source(source)
        assert row is not None
        report = TickReport()
        if after <= now:
            await self.dispatcher.courier.deliver_one(row, sender, timing, report)
        delivered = await self.repo.delivery(row.id)
        assert delivered is not None
        return PostedNow(delivered, prompt, after if after > now else None, report)

    async def delivery(self, delivery_id: int) -> Delivery:
        """An outbox row a button points at."""
        found = await self.repo.delivery(delivery_id)
        if found is None:
            raise UserFacingError(
                "That prompt is too old for this button now. `/reflect now` has more."
            )
        return found

    async def remaining(self, schedule: Schedule) -> tuple[int, int]:
        """How many prompts a schedule has not used in this round, out of how many."""
        themes = (schedule.theme,) if schedule.theme else ()
        prompts = await self.catalogue.eligible(schedule.guild_id, themes)
        used = {p for _, p, _ in await self.repo.history(f"sched:{schedule.id}")}
        cycle_ids = {p.id for p in prompts}
        return len(cycle_ids - used), len(cycle_ids)

    # ----- a member's data (for /mydata) -----------------------------------------------------

    async def export_member(self, guild_id: int, user_id: int) -> dict[str, Any]:
        """Everything this feature holds about a member in a server, as plain data."""
        return await export_member(self.repo, self.catalogue, guild_id, user_id)

    async def erase_member(self, guild_id: int, user_id: int) -> None:
        """Delete a member's journal, subscription, rotation history, suggestions and DM records."""
        await self.repo.erase_member(guild_id, user_id, member_scopes(guild_id, user_id))
        await self._db.checkpoint()
