"""SQL for channel schedules and members' prompt subscriptions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from bot.core.timeutil import to_db
from bot.db.connection import Database, Transaction
from bot.db.rows import convert, from_row, from_rows

SCHEDULE_COLUMNS = (
    "id, guild_id, channel_id, cadence, weekday, at_time, timezone, anchor, theme, thread, "
    "next_due, warned_cycle, created_by"
)
INSERT_SCHEDULE = """
INSERT INTO prompt_schedules (guild_id, channel_id, cadence, weekday, at_time, timezone, anchor,
    theme, thread, next_due, created_by, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
SELECT_SCHEDULES = f"SELECT {SCHEDULE_COLUMNS} FROM prompt_schedules WHERE guild_id = ? ORDER BY id"
SELECT_SCHEDULE = f"SELECT {SCHEDULE_COLUMNS} FROM prompt_schedules WHERE guild_id = ? AND id = ?"
SELECT_DUE_SCHEDULES = (
    f"SELECT {SCHEDULE_COLUMNS} FROM prompt_schedules WHERE next_due <= ? ORDER BY next_due, id"
)
DELETE_SCHEDULE = "DELETE FROM prompt_schedules WHERE guild_id = ? AND id = ?"
ADVANCE_SCHEDULE = "UPDATE prompt_schedules SET next_due = ? WHERE id = ?"
SET_WARNED = "UPDATE prompt_schedules SET warned_cycle = ? WHERE id = ?"

SUBSCRIPTION_COLUMNS = (
    "id, guild_id, user_id, cadence, weekday, at_time, timezone, anchor, themes, next_due, "
    "paused_until, pause_reason, dm_channel_id"
)
UPSERT_SUBSCRIPTION = """
INSERT INTO prompt_subscriptions (guild_id, user_id, cadence, weekday, at_time, timezone, anchor,
    next_due, dm_channel_id, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (guild_id, user_id) DO UPDATE SET
    cadence = excluded.cadence, weekday = excluded.weekday, at_time = excluded.at_time,
    timezone = excluded.timezone, anchor = excluded.anchor, next_due = excluded.next_due,
    paused_until = NULL, pause_reason = NULL,
    dm_channel_id = coalesce(excluded.dm_channel_id, prompt_subscriptions.dm_channel_id)
"""
SELECT_SUBSCRIPTION = (
    f"SELECT {SUBSCRIPTION_COLUMNS} FROM prompt_subscriptions WHERE guild_id = ? AND user_id = ?"
)
SELECT_DUE_SUBSCRIPTIONS = f"""
SELECT {SUBSCRIPTION_COLUMNS} FROM prompt_subscriptions WHERE next_due <= ?
ORDER BY next_due, id LIMIT ?
"""
ADVANCE_SUBSCRIPTION = "UPDATE prompt_subscriptions SET next_due = ? WHERE id = ?"
SET_THEMES = "UPDATE prompt_subscriptions SET themes = ? WHERE guild_id = ? AND user_id = ?"
SET_PAUSE = """
UPDATE prompt_subscriptions SET paused_until = ?, pause_reason = ?
WHERE guild_id = ? AND user_id = ?
"""
SET_DM_CHANNEL = """
UPDATE prompt_subscriptions SET dm_channel_id = ? WHERE guild_id = ? AND user_id = ?
"""
DELETE_SUBSCRIPTION = "DELETE FROM prompt_subscriptions WHERE guild_id = ? AND user_id = ?"


@dataclass(frozen=True, slots=True)
class Schedule:
    """A channel that gets a prompt on a wall-clock schedule."""

    id: int
    guild_id: int
    channel_id: int
    cadence: str
    weekday: int
    at_time: str
    timezone: str
    anchor: date
    theme: str | None
    thread: bool
    next_due: datetime
    warned_cycle: int
    created_by: int


def _themes(text: str) -> tuple[str, ...]:
    return tuple(theme for theme in text.split(",") if theme)


@dataclass(frozen=True, slots=True)
class Subscription:
    """One member's prompts by direct message."""

    id: int
    guild_id: int
    user_id: int
    cadence: str
    weekday: int
    at_time: str
    timezone: str
    anchor: date
    themes: tuple[str, ...] = field(metadata=convert(_themes))
    next_due: datetime
    paused_until: datetime | None
    pause_reason: str | None
    dm_channel_id: int | None


class ScheduleQueries:
    """Channel schedules and DM subscriptions; mixed into PromptsRepo."""

    db: Database

    # ----- schedules -------------------------------------------------------------------------

    async def add_schedule(
        self,
        guild_id: int,
        channel_id: int,
        cadence: str,
        weekday: int,
        at_time: str,
        timezone: str,
        anchor: date,
        theme: str | None,
        thread: bool,
        next_due: datetime,
        created_by: int,
        now: datetime,
    ) -> int:
        """Store a channel schedule; return its id."""
        return await self.db.insert(
            INSERT_SCHEDULE,
            (
                guild_id,
                channel_id,
                cadence,
                weekday,
                at_time,
                timezone,
                anchor.isoformat(),
                theme,
                int(thread),
                to_db(next_due),
                created_by,
                to_db(now),
            ),
        )

    async def schedules(self, guild_id: int) -> list[Schedule]:
        """Every schedule of a server."""
        return from_rows(Schedule, await self.db.fetch_all(SELECT_SCHEDULES, (guild_id,)))

    async def schedule(self, guild_id: int, schedule_id: int) -> Schedule | None:
        """One schedule of a server."""
        row = await self.db.fetch_one(SELECT_SCHEDULE, (guild_id, schedule_id))
        return from_row(Schedule, row) if row else None

    async def due_schedules(self, now: datetime) -> list[Schedule]:
        """Schedules whose next occurrence has come."""
        return from_rows(Schedule, await self.db.fetch_all(SELECT_DUE_SCHEDULES, (to_db(now),)))

    async def delete_schedule(self, guild_id: int, schedule_id: int) -> bool:
        """Remove a schedule; False if there was none."""
        return await self.db.execute(DELETE_SCHEDULE, (guild_id, schedule_id)) == 1

    async def advance_schedule(self, tx: Transaction, schedule_id: int, next_due: datetime) -> None:
        """Move a schedule to its next occurrence."""
        await tx.execute(ADVANCE_SCHEDULE, (to_db(next_due), schedule_id))

    async def set_warned(self, tx: Transaction, schedule_id: int, cycle: int) -> None:
        """Remember that moderators were warned about this cycle."""
        await tx.execute(SET_WARNED, (cycle, schedule_id))

    # ----- subscriptions ---------------------------------------------------------------------

    async def save_subscription(
        self,
        guild_id: int,
        user_id: int,
        cadence: str,
        weekday: int,
        at_time: str,
        timezone: str,
        anchor: date,
        next_due: datetime,
        dm_channel_id: int | None,
        now: datetime,
    ) -> Subscription:
        """Create or replace a member's subscription (clearing any pause); return it."""
        async with self.db.transaction() as tx:
            await tx.execute(
                UPSERT_SUBSCRIPTION,
                (
                    guild_id,
                    user_id,
                    cadence,
                    weekday,
                    at_time,
                    timezone,
                    anchor.isoformat(),
                    to_db(next_due),
                    dm_channel_id,
                    to_db(now),
                ),
            )
            row = await tx.fetch_one(SELECT_SUBSCRIPTION, (guild_id, user_id))
        assert row is not None
        return from_row(Subscription, row)

    async def subscription(self, guild_id: int, user_id: int) -> Subscription | None:
        """A member's subscription in a server, if any."""
        row = await self.db.fetch_one(SELECT_SUBSCRIPTION, (guild_id, user_id))
        return from_row(Subscription, row) if row else None

    async def due_subscriptions(self, now: datetime, limit: int) -> list[Subscription]:
        """Subscriptions whose next occurrence has come, oldest first."""
        rows = await self.db.fetch_all(SELECT_DUE_SUBSCRIPTIONS, (to_db(now), limit))
        return from_rows(Subscription, rows)

    async def advance_subscription(
        self, tx: Transaction, subscription_id: int, next_due: datetime
    ) -> None:
        """Move a subscription to its next occurrence."""
        await tx.execute(ADVANCE_SUBSCRIPTION, (to_db(next_due), subscription_id))

    async def set_themes(self, guild_id: int, user_id: int, themes: Sequence[str]) -> bool:
        """Choose the themes a member's prompts come from (none: every theme)."""
        return await self.db.execute(SET_THEMES, (",".join(themes), guild_id, user_id)) == 1

    async def set_pause(
        self,
        guild_id: int,
        user_id: int,
        until: datetime | None,
        reason: str | None,
        tx: Transaction | None = None,
    ) -> bool:
        """Pause (or, with reason None, resume) a member's subscription."""
        params = (to_db(until) if until else None, reason, guild_id, user_id)
        if tx is not None:
            return await tx.execute(SET_PAUSE, params) == 1
        return await self.db.execute(SET_PAUSE, params) == 1

    async def set_dm_channel(self, guild_id: int, user_id: int, channel_id: int | None) -> None:
        """Remember (or forget) the DM channel a member's prompts go to."""
        await self.db.execute(SET_DM_CHANNEL, (channel_id, guild_id, user_id))

    async def delete_subscription(self, guild_id: int, user_id: int) -> bool:
        """End a member's subscription; False if there was none."""
        return await self.db.execute(DELETE_SUBSCRIPTION, (guild_id, user_id)) == 1
