-- Peer check-ins (issue 6). Every row here belongs to one member of one server and is removed by
-- CheckinService.erase_member; nothing about wellbeing is written before checkin_members holds
-- that member's consent.

-- Consent and the "available to support peers" flag. withdrawn_at set = stop logging at once.
CREATE TABLE checkin_members (
    guild_id     INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    consented_at TEXT    NOT NULL,
    withdrawn_at TEXT,
    available    INTEGER NOT NULL DEFAULT 0 CHECK (available IN (0, 1)),
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

-- week_start is the local Monday (YYYY-MM-DD, server timezone) so summaries group by week in SQL.
CREATE TABLE checkins (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    created_at   TEXT    NOT NULL,
    week_start   TEXT    NOT NULL,
    load         INTEGER NOT NULL CHECK (load BETWEEN 1 AND 5),
    energy       INTEGER NOT NULL CHECK (energy BETWEEN 1 AND 5),
    note         TEXT CHECK (note IS NULL OR length(note) <= 1000),
    welcome_peer INTEGER NOT NULL DEFAULT 0 CHECK (welcome_peer IN (0, 1))
);

CREATE INDEX checkins_member ON checkins (guild_id, user_id, created_at);
CREATE INDEX checkins_week ON checkins (guild_id, week_start);
CREATE INDEX checkins_created ON checkins (created_at);

-- One reminder plan per member; the row id (not the member) names its ledger occurrences, so
-- erasing the row leaves nothing in the ledger that points at a person.
CREATE TABLE checkin_reminders (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    cadence     TEXT    NOT NULL,
    weekday     INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    at_time     TEXT    NOT NULL,
    zone        TEXT    NOT NULL,
    next_due_at TEXT    NOT NULL,
    skip_until  TEXT,
    UNIQUE (guild_id, user_id)
);

CREATE INDEX checkin_reminders_due ON checkin_reminders (next_due_at);

CREATE TABLE buddy_members (
    guild_id     INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    joined_at    TEXT    NOT NULL,
    paused_until TEXT,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

-- Confidential: read only by the pairing, never shown to anyone but the member who set it.
CREATE TABLE buddy_avoid (
    guild_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    avoid_id INTEGER NOT NULL,
    PRIMARY KEY (guild_id, user_id, avoid_id)
) WITHOUT ROWID;

CREATE TABLE buddy_rounds (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    due_at     TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    UNIQUE (guild_id, due_at)
);

-- notified_at stays NULL until the introduction went out, so a restart finishes the fan-out.
CREATE TABLE buddy_groups (
    round_id    INTEGER NOT NULL REFERENCES buddy_rounds (id) ON DELETE CASCADE,
    group_no    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    notified_at TEXT,
    PRIMARY KEY (round_id, user_id)
) WITHOUT ROWID;

CREATE INDEX buddy_groups_unnotified ON buddy_groups (round_id) WHERE notified_at IS NULL;

CREATE TABLE support_requests (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    asker_id      INTEGER NOT NULL,
    created_at    TEXT    NOT NULL,
    expires_at    TEXT    NOT NULL,
    status        TEXT    NOT NULL DEFAULT 'open'
                  CHECK (status IN ('open', 'taken', 'expired', 'withdrawn')),
    channel_id    INTEGER,
    message_id    INTEGER,
    taken_by      INTEGER,
    taken_at      TEXT,
    asker_told_at TEXT
);

CREATE INDEX support_requests_expiry ON support_requests (expires_at) WHERE status = 'open';
CREATE UNIQUE INDEX support_requests_one_open ON support_requests (guild_id, asker_id)
    WHERE status = 'open';
CREATE INDEX support_requests_untold ON support_requests (status) WHERE asker_told_at IS NULL;
