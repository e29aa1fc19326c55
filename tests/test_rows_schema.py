"""Every repository SELECT, run against a migrated file, fills every field of its dataclass."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import typing
from collections.abc import Iterator
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.core.timeutil import to_db
from bot.db import (
    audit,
    checkin_buddies,
    checkin_requests,
    checkin_weeks,
    checkins,
    feed_delivery,
    feeds,
    feeds_outbox,
    glossary,
    glossary_contributions,
    glossary_owned,
    glossary_search,
    ledger,
    prompt_shares,
    prompts_deliveries,
    prompts_journal,
    prompts_library,
    prompts_schedules,
    reach,
    room_records,
    rooms,
    support_alerts,
    unsaid,
    unsaid_blocks,
)
from bot.db.connection import Database
from bot.db.migrate import apply_migrations
from bot.db.rows import from_row

WHEN = datetime(2026, 3, 30, 9, 15, tzinfo=UTC)


# ----- every repository's real SELECTs against a migrated file with one realistic row each -----

LATER = to_db(datetime(2027, 1, 1, tzinfo=UTC))
JSON_COLUMNS = {
    "related": '["peer-support"]',
    "sources": '[{"org": "Mind", "title": "Peer support"}]',
    "include_words": '["peer"]',
    "exclude_words": '["advert"]',
    "snapshot": '{"name": "Co-production"}',
    "value": "1",
}
TEXT_COLUMNS = {
    "themes": "rest,work",
    "quiet_start": "22:00",
    "quiet_end": "07:00",
    "at_time": "09:00",
    "zone": "Europe/London",
    "timezone": "Europe/London",
    "week_start": "2026-03-30",
    "anchor": "2026-03-30",
    "happened": "2026-03-30",
    "content_note": "auto",
    "weights": "1,2,3,4,5",
}
# Values the schema's CHECKs or the queries' WHERE clauses need; every other column is filled.
TABLE_VALUES: dict[str, dict[str, Any]] = {
    "feeds": {"interval_minutes": 15, "paused": 0},
    "support_requests": {"status": "open"},
    "unsaid_items": {"status": "queued"},
    "prompt_suggestions": {"status": "pending"},
    "prompt_deliveries": {"kind": "dm", "status": "pending"},
    "glossary_review_posts": {"kind": "s"},
    "glossary_perspectives": {"status": "approved", "credit": "member", "author_key": 1},
    "glossary_suggestions": {"status": "pending"},
    "occurrences": {"completed_at": None},
    "checkin_members": {"withdrawn_at": None},
    "buddy_groups": {"notified_at": None},
    "checkin_frozen_weeks": {"load": "[2, 3]", "energy": "[4, 1]"},
}


def _value(table: str, column: str, kind: str) -> Any:
    if column in TABLE_VALUES.get(table, {}):
        return TABLE_VALUES[table][column]
    if column in JSON_COLUMNS:
        return JSON_COLUMNS[column]
    if column in TEXT_COLUMNS:
        return TEXT_COLUMNS[column]
    if kind.upper() == "BLOB":
        return bytes(range(16))
    if kind.upper() == "INTEGER":
        return 1
    if column.endswith(("_at", "_until", "_due", "_after", "since")):
        return to_db(WHEN)
    return f"{column} text"


def seed(path: str) -> sqlite3.Connection:
    """Open the migrated file and put one realistic row in every table."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    tables = [
        r["name"]
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not r["name"].startswith(("sqlite_", "glossary_fts", "schema_migrations"))
    ]
    for table in tables:
        info = conn.execute(f"PRAGMA table_info({table})").fetchall()
        names = [c["name"] for c in info]
        values = [_value(table, c["name"], c["type"]) for c in info]
        marks = ", ".join("?" for _ in names)
        conn.execute(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", values)
    conn.execute(
        "INSERT INTO glossary_fts (rowid, name, aliases, definition, perspectives) "
        "VALUES (1, 'name', 'alias', 'definition', 'voices')"
    )
    conn.commit()
    return conn


WEEKS = (1, "2026-01-01", "2027-01-01")
BLOCK = {"ignore": ("public_id", "blocked_on")}
EARLIER = to_db(datetime(2026, 1, 1, tzinfo=UTC))
DM_SUBSCRIPTION = {"sub_id", "dm_channel_id", "pause_reason", "paused_until", "zone"}
# (dataclass, the repository's SQL, its parameters, from_row keywords, fields the SQL leaves NULL)
CASES: list[tuple[type, str, tuple[Any, ...], dict[str, Any], set[str]]] = [
    (audit.AuditEntry, audit.SELECT_PAGE, (1, "", "", 10, 0), {}, set()),
    (checkin_weeks.WeekSummary, checkin_weeks.SELECT_FROZEN, WEEKS, {}, set()),
    (checkins.MemberRow, checkins.SELECT_MEMBER, (1, 1), {}, {"withdrawn_at"}),
    (checkins.CheckinRow, checkins.SELECT_HISTORY, (1, 1, EARLIER), {}, set()),
    (checkins.CheckinRow, checkins.SELECT_LATEST, (1, 1), {}, set()),
    (checkins.CheckinRow, checkins.SELECT_MEMBER_CHECKINS, (1, 1), {}, set()),
    (checkins.ReminderRow, checkins.SELECT_REMINDER, (1, 1), {}, set()),
    (checkins.ReminderRow, checkins.SELECT_DUE_REMINDERS, (LATER, 10), {}, set()),
    (checkin_requests.RequestRow, checkin_requests.SELECT_REQUEST, (1,), {}, set()),
    (checkin_requests.RequestRow, checkin_requests.SELECT_OPEN_REQUEST, (1, 1), {}, set()),
    (checkin_requests.RequestRow, checkins.SELECT_MEMBER_REQUESTS, (1, 1), {}, set()),
    (checkin_buddies.GroupMember, checkin_buddies.SELECT_UNNOTIFIED, (), {}, set()),
    (feed_delivery.DeliveryBlock, feed_delivery.SELECT_ALL, (), {}, set()),
    (feeds.FeedRow, feeds.SELECT_FEED, (1,), {}, set()),
    (feeds.FeedRow, feeds.SELECT_GUILD_FEEDS, (1,), {}, set()),
    (feeds.FeedRow, feeds.SELECT_DUE, (LATER, 10), {}, set()),
    (feeds_outbox.OutboxRow, feeds_outbox.SELECT_OUTBOX_BY_NONCE, ("nonce text",), {}, set()),
    (feeds_outbox.OutboxRow, feeds_outbox.SELECT_FEED_OUTBOX, (1,), {}, set()),
    (glossary.Term, glossary.SELECT_TERM_BY_ID, (1, 1), {"aliases": ("peers",)}, set()),
    (glossary.Term, glossary.SELECT_TERM_BY_SLUG, (1, "slug text"), {"aliases": ()}, set()),
    (glossary.NameEntry, glossary.SELECT_NAMES, (1,), {}, set()),
    (
        glossary_contributions.Suggestion,
        glossary_contributions.SELECT_SUGGESTION,
        (1, 1),
        {},
        set(),
    ),
    (glossary_search.SearchHit, glossary_search.SEARCH, ("name", 1, 10), {}, set()),
    (
        glossary_contributions.Perspective,
        glossary_contributions.SELECT_PERSPECTIVES,
        (1,),
        {},
        set(),
    ),
    (
        glossary_contributions.Perspective,
        glossary_contributions.SELECT_PERSPECTIVE,
        (1, 1),
        {},
        set(),
    ),
    (
        glossary_contributions.Perspective,
        glossary_owned.SELECT_SEALED_UNDER_OLD_KEY,
        (1, 2),
        {},
        set(),
    ),
    (glossary_contributions.Revision, glossary_contributions.SELECT_REVISIONS, (1,), {}, set()),
    (glossary_contributions.Revision, glossary_contributions.SELECT_REVISION, (1, 1), {}, set()),
    (glossary_owned.OwnedSuggestion, glossary_owned.SELECT_OWNED_SUGGESTIONS, (1, 1), {}, set()),
    (ledger.OpenOccurrence, ledger.SELECT_OPEN, ("%",), {}, set()),
    (prompt_shares.PromptShare, prompt_shares.SELECT_SHARE, (1,), {}, set()),
    (prompt_shares.PromptShare, prompt_shares.SELECT_MEMBER_SHARES, (1, 1), {}, set()),
    (prompts_library.Prompt, prompts_library.SELECT_LIBRARY, (1, 1), {}, set()),
    (prompts_library.Prompt, prompts_library.SELECT_PROMPT, (1,), {}, set()),
    (prompts_schedules.Schedule, prompts_schedules.SELECT_SCHEDULES, (1,), {}, set()),
    (prompts_schedules.Schedule, prompts_schedules.SELECT_SCHEDULE, (1, 1), {}, set()),
    (prompts_schedules.Schedule, prompts_schedules.SELECT_DUE_SCHEDULES, (LATER,), {}, set()),
    (prompts_schedules.Subscription, prompts_schedules.SELECT_SUBSCRIPTION, (1, 1), {}, set()),
    (
        prompts_schedules.Subscription,
        prompts_schedules.SELECT_DUE_SUBSCRIPTIONS,
        (LATER, 10),
        {},
        set(),
    ),
    (prompts_journal.JournalEntry, prompts_journal.SELECT_JOURNAL_PAGE, (1, 1, 10, 0), {}, set()),
    (prompts_journal.Suggestion, prompts_journal.SELECT_SUGGESTION, (1, 1), {}, set()),
    (prompts_journal.Suggestion, prompts_journal.SELECT_SUGGESTIONS_BY, (1, 1), {}, set()),
    (prompts_deliveries.Delivery, prompts_deliveries.SELECT_PENDING, (LATER, 10), {}, set()),
    (prompts_deliveries.Delivery, prompts_deliveries.SELECT_DELIVERY, (1,), {}, set()),
    (
        prompts_deliveries.Delivery,
        prompts_deliveries.SELECT_MEMBER_DELIVERIES,
        (1, 1),
        {},
        DM_SUBSCRIPTION,
    ),
    (
        prompts_deliveries.Delivery,
        prompts_deliveries.SELECT_DELIVERY_BY_SOURCE,
        ("source text",),
        {},
        DM_SUBSCRIPTION,
    ),
    (reach.OpenRequest, reach.SELECT_OPEN_REQUESTS, (), {}, set()),
    (rooms.Meeting, rooms.ONE_MEETING, (1,), {}, set()),
    (rooms.Meeting, rooms.MEMBER_MEETINGS, (1, 1), {}, set()),
    (room_records.Debrief, room_records.ONE_DEBRIEF, (1, 1, 1), {}, set()),
    (room_records.Debrief, room_records.MEMBER_DEBRIEFS, (1, 1), {}, set()),
    (room_records.Impact, room_records.MEMBER_IMPACTS, (1, 1), {}, set()),
    (room_records.Impact, room_records.ONE_IMPACT, (1, 1, 1), {}, set()),
    (support_alerts.AlertRow, support_alerts.SELECT_ALERTS_OF, (1,), {}, set()),
    (unsaid.UnsaidItem, unsaid.SELECT_BY_ID, (1,), {}, set()),
    (unsaid.UnsaidItem, unsaid.SELECT_DUE_QUEUED, (LATER,), {}, set()),
    (unsaid.Waiting, unsaid.COUNT_WAITING, (1,), {}, set()),
    (unsaid_blocks.AuthorTag, unsaid_blocks.SELECT_TAG, (1,), {}, set()),
    (unsaid_blocks.AuthorTag, unsaid_blocks.SELECT_BLOCK_TAGS, (1,), BLOCK, set()),
]


def _plain(hint: Any) -> Any:
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if type(None) in typing.get_args(hint) and len(args) == 1:
        hint = args[0]
    return typing.get_origin(hint) or hint


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    path = tmp_path_factory.mktemp("rows") / "alongside.db"

    async def migrate() -> None:
        database = await Database.open(path)
        await apply_migrations(database)
        await database.close()

    asyncio.run(migrate())
    conn = seed(str(path))
    yield conn
    conn.close()


@pytest.mark.parametrize(
    ("cls", "sql", "params", "keywords", "left_null"),
    CASES,
    ids=[f"{c[0].__module__.rsplit('.', 1)[-1]}.{c[0].__name__}#{i}" for i, c in enumerate(CASES)],
)
def test_every_repository_select_fills_every_field(
    seeded: sqlite3.Connection,
    cls: type,
    sql: str,
    params: tuple[Any, ...],
    keywords: dict[str, Any],
    left_null: set[str],
) -> None:
    rows = seeded.execute(sql, params).fetchall()
    assert rows, f"the seeded row did not match {cls.__name__}'s query"
    built = from_row(cls, rows[0], **keywords)
    hints = typing.get_type_hints(cls)
    for f in fields(cls):
        value = getattr(built, f.name)
        if f.name in left_null:
            assert value is None, f.name
            continue
        assert value is not None, f"{cls.__name__}.{f.name} came back empty"
        assert isinstance(value, _plain(hints[f.name])), (f.name, value)
        if isinstance(value, datetime):
            assert value.tzinfo is not None


def test_every_dataclass_built_from_rows_is_checked_against_its_schema() -> None:
    source = "\n".join(p.read_text() for p in Path("bot/db").glob("*.py") if p.name != "rows.py")
    built = set(re.findall(r"from_rows?\((\w+),", source))
    assert built == {case[0].__name__ for case in CASES}
