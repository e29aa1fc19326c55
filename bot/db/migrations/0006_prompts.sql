-- Reflective prompts: the library, channel schedules, DM subscriptions, rotation history,
-- private journals, suggestions, and the outbox every scheduled prompt is delivered through.

-- The prompt library. Shipped prompts (data/prompts.toml) have guild_id 0 and their permanent
-- file id as `key`; they are updated when the file changes and never deleted (journal entries
-- point at them), only `withdrawn` if the file drops them. A server's own prompts have its
-- guild_id and no key.
CREATE TABLE prompts (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    key          TEXT,
    theme        TEXT    NOT NULL,
    text         TEXT    NOT NULL,
    model        TEXT,
    heavy        INTEGER NOT NULL DEFAULT 0,
    content_note TEXT,
    grounding    TEXT,
    withdrawn    INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    UNIQUE (guild_id, key)
);

-- A server can stop using any prompt, shipped or its own, without affecting other servers.
CREATE TABLE prompt_retirements (
    guild_id   INTEGER NOT NULL,
    prompt_id  INTEGER NOT NULL REFERENCES prompts (id),
    retired_by INTEGER NOT NULL,
    retired_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, prompt_id)
) WITHOUT ROWID;

-- Prompts posted to a channel on a wall-clock schedule. next_due is the next occurrence in UTC;
-- warned_cycle remembers the rotation cycle moderators were last warned about.
CREATE TABLE prompt_schedules (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    channel_id   INTEGER NOT NULL,
    cadence      TEXT    NOT NULL,
    weekday      INTEGER NOT NULL DEFAULT 0,
    at_time      TEXT    NOT NULL,
    timezone     TEXT    NOT NULL,
    anchor       TEXT    NOT NULL,
    theme        TEXT,
    thread       INTEGER NOT NULL DEFAULT 1,
    next_due     TEXT    NOT NULL,
    warned_cycle INTEGER NOT NULL DEFAULT -1,
    created_by   INTEGER NOT NULL,
    created_at   TEXT    NOT NULL
);

CREATE INDEX prompt_schedules_due ON prompt_schedules (next_due);

-- One member's prompts by DM. themes is a comma-separated list of theme keys (empty: all).
-- pause_reason is 'member' (with paused_until) or 'dms_closed' (until they subscribe again).
-- dm_channel_id is cached so that each scheduled DM costs one request.
CREATE TABLE prompt_subscriptions (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    cadence       TEXT    NOT NULL,
    weekday       INTEGER NOT NULL DEFAULT 0,
    at_time       TEXT    NOT NULL,
    timezone      TEXT    NOT NULL,
    anchor        TEXT    NOT NULL,
    themes        TEXT    NOT NULL DEFAULT '',
    next_due      TEXT    NOT NULL,
    paused_until  TEXT,
    pause_reason  TEXT,
    dm_channel_id INTEGER,
    created_at    TEXT    NOT NULL,
    UNIQUE (guild_id, user_id)
);

CREATE INDEX prompt_subscriptions_due ON prompt_subscriptions (next_due);

-- Which prompts a scope ('sub:<guild>:<user>', 'sched:<id>', 'now:<guild>:<user>', ...) has had
-- in its current rotation cycle. Earlier cycles are deleted when a new one starts.
CREATE TABLE prompt_history (
    id        INTEGER PRIMARY KEY,
    scope     TEXT    NOT NULL,
    cycle     INTEGER NOT NULL,
    prompt_id INTEGER NOT NULL,
    sent_at   TEXT    NOT NULL
);

CREATE INDEX prompt_history_scope ON prompt_history (scope, cycle);

-- Private journal entries: only their author can read them through the bot.
CREATE TABLE prompt_journal (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    prompt_id  INTEGER REFERENCES prompts (id),
    text       TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);

CREATE INDEX prompt_journal_author ON prompt_journal (guild_id, user_id, id);

-- Prompts members propose; moderators approve (creating a server prompt) or decline.
CREATE TABLE prompt_suggestions (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    author_id    INTEGER NOT NULL,
    theme        TEXT    NOT NULL,
    text         TEXT    NOT NULL,
    content_note TEXT,
    status       TEXT    NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'approved', 'rejected')),
    reason       TEXT,
    prompt_id    INTEGER REFERENCES prompts (id),
    created_at   TEXT    NOT NULL,
    decided_at   TEXT
);

CREATE INDEX prompt_suggestions_author ON prompt_suggestions (guild_id, author_id);

-- The outbox. A row is written in the same transaction that claims its occurrence, so a claimed
-- occurrence is never lost; `nonce` is deterministic, so a row resent after a crash between
-- sending and marking it sent is deduplicated by Discord. source + due_at name the occurrence.
CREATE TABLE prompt_deliveries (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('dm', 'channel', 'notice')),
    source          TEXT    NOT NULL,
    target          INTEGER NOT NULL,
    due_at          TEXT    NOT NULL,
    prompt_id       INTEGER REFERENCES prompts (id),
    body            TEXT,
    thread          INTEGER NOT NULL DEFAULT 0,
    deliver_after   TEXT    NOT NULL,
    next_attempt_at TEXT    NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sent', 'failed', 'skipped')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    nonce           TEXT    NOT NULL,
    message_id      INTEGER,
    thread_id       INTEGER,
    last_error      TEXT,
    created_at      TEXT    NOT NULL,
    finished_at     TEXT,
    UNIQUE (source, due_at)
);

CREATE INDEX prompt_deliveries_pending ON prompt_deliveries (next_attempt_at)
    WHERE status = 'pending';
CREATE INDEX prompt_deliveries_target ON prompt_deliveries (guild_id, kind, target);
