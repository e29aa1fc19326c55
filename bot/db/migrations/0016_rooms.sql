-- Before and after the room (issue 16). Every row with a user_id belongs to one member of one
-- server and is removed by RoomService.erase_member. Nothing is written before room_members holds
-- that member's consent. Moderators only ever read room_month_* (never per person).

CREATE TABLE room_members (
    guild_id     INTEGER NOT NULL,
    user_id      INTEGER NOT NULL,
    consented_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

-- A meeting the member is preparing for. Deleted once its debrief has been offered (or when
-- cancelled), so the database does not keep a diary of who was in which room when.
CREATE TABLE room_meetings (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    user_id         INTEGER NOT NULL,
    what            TEXT    NOT NULL CHECK (length(what) <= 200),
    starts_at       TEXT    NOT NULL,
    ends_at         TEXT    NOT NULL,
    zone            TEXT    NOT NULL,
    carry           TEXT CHECK (carry IS NULL OR length(carry) <= 1000),
    share_keep      TEXT CHECK (share_keep IS NULL OR length(share_keep) <= 1000),
    question        TEXT CHECK (question IS NULL OR length(question) <= 300),
    remind_at       TEXT,
    reminded        INTEGER NOT NULL DEFAULT 0 CHECK (reminded IN (0, 1)),
    peer_id         INTEGER,
    peer_words      TEXT CHECK (peer_words IS NULL OR length(peer_words) <= 300),
    peer_told       INTEGER NOT NULL DEFAULT 0 CHECK (peer_told IN (0, 1)),
    debrief_offered INTEGER NOT NULL DEFAULT 0 CHECK (debrief_offered IN (0, 1)),
    created_at      TEXT    NOT NULL
);

CREATE INDEX room_meetings_member ON room_meetings (guild_id, user_id, starts_at);
CREATE INDEX room_meetings_remind ON room_meetings (reminded, remind_at);
CREATE INDEX room_meetings_end ON room_meetings (debrief_offered, ends_at);

-- A debrief the member has written but not yet placed (journal, thread, Unsaid or impact log).
-- Its words are removed as soon as the member chooses; the anonymous choice leaves no trace.
CREATE TABLE room_debriefs (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    weight     INTEGER NOT NULL CHECK (weight BETWEEN 1 AND 5),
    said       TEXT CHECK (said IS NULL OR length(said) <= 1000),
    held_back  TEXT CHECK (held_back IS NULL OR length(held_back) <= 1000),
    carry      TEXT CHECK (carry IS NULL OR length(carry) <= 1000),
    created_at TEXT    NOT NULL
);

CREATE INDEX room_debriefs_member ON room_debriefs (guild_id, user_id);

-- The member's private log of the difference they made.
CREATE TABLE room_impacts (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    body       TEXT    NOT NULL CHECK (length(body) <= 1000),
    happened   TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    updated_at TEXT
);

CREATE INDEX room_impacts_member ON room_impacts (guild_id, user_id, happened);

-- Debriefs shared in a thread: the member's own words in Discord, deleted on erasure.
CREATE TABLE room_shares (
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    PRIMARY KEY (guild_id, message_id)
) WITHOUT ROWID;

-- Who took part in a month (prepared or debriefed), only to count distinct members for the
-- k rule. It does not say which, so it cannot narrow who shared an anonymous debrief.
CREATE TABLE room_month_members (
    guild_id INTEGER NOT NULL,
    month    TEXT    NOT NULL,
    user_id  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, month, user_id)
) WITHOUT ROWID;

-- Counts with no person attached.
CREATE TABLE room_month_counts (
    guild_id  INTEGER NOT NULL,
    month     TEXT    NOT NULL,
    prepared  INTEGER NOT NULL DEFAULT 0,
    debriefed INTEGER NOT NULL DEFAULT 0,
    weight_1  INTEGER NOT NULL DEFAULT 0,
    weight_2  INTEGER NOT NULL DEFAULT 0,
    weight_3  INTEGER NOT NULL DEFAULT 0,
    weight_4  INTEGER NOT NULL DEFAULT 0,
    weight_5  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, month)
) WITHOUT ROWID;

-- A completed month as first shown to moderators; never changes afterwards.
CREATE TABLE room_month_frozen (
    guild_id  INTEGER NOT NULL,
    month     TEXT    NOT NULL,
    members   INTEGER NOT NULL,
    shown     INTEGER NOT NULL CHECK (shown IN (0, 1)),
    prepared  INTEGER NOT NULL,
    debriefed INTEGER NOT NULL,
    weights   TEXT    NOT NULL,
    frozen_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, month)
) WITHOUT ROWID;

-- A peer's "check in with them" offer, sent when a meeting ends. The button names only this
-- row's token, so a forged click can't open a conversation with anyone else; the row is deleted
-- once the peer answers, and with either person's data.
CREATE TABLE room_peer_offers (
    token      TEXT    PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    peer_id    INTEGER NOT NULL,
    expires_at TEXT    NOT NULL
);
