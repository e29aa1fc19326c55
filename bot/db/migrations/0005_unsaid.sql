-- Unsaid: anonymous submissions and replies, blocks and daily-limit slots.
-- No table here holds a Discord user id, username or display name (see bot/unsaid/__init__.py).
-- Times are kept only where the bot needs them to act, and coarse where they are shown.

-- One row per submission or anonymous reply (parent_id set), from submit to withdrawal.
-- body and content_note are erased once the words are posted or rejected; the author tag
-- (key_id, tag_salt, author_tag) is erased after the retention period (tags_expire_on).
CREATE TABLE unsaid_items (
    id                INTEGER PRIMARY KEY,
    public_id         TEXT    NOT NULL UNIQUE,
    guild_id          INTEGER NOT NULL,
    parent_id         INTEGER REFERENCES unsaid_items (id) ON DELETE CASCADE,
    receipt_hash      BLOB    NOT NULL UNIQUE,
    status            TEXT    NOT NULL
        CHECK (status IN ('queued', 'in_review', 'scheduled', 'posted', 'rejected')),
    body              TEXT,
    content_note      TEXT,
    allow_replies     INTEGER NOT NULL DEFAULT 1,
    needs_care        INTEGER NOT NULL DEFAULT 0,
    has_link          INTEGER NOT NULL DEFAULT 0,
    reviewed          INTEGER NOT NULL DEFAULT 0,
    shared_on         TEXT    NOT NULL,
    release_at        TEXT,
    post_at           TEXT,
    failures          INTEGER NOT NULL DEFAULT 0,
    number            INTEGER,
    reason            TEXT,
    review_channel_id INTEGER,
    review_message_id INTEGER,
    channel_id        INTEGER,
    message_id        INTEGER,
    thread_id         INTEGER,
    key_id            INTEGER,
    tag_salt          BLOB,
    author_tag        BLOB,
    tags_expire_on    TEXT
);

CREATE INDEX unsaid_items_queued ON unsaid_items (release_at) WHERE status = 'queued';
CREATE INDEX unsaid_items_scheduled ON unsaid_items (post_at) WHERE status = 'scheduled';
CREATE INDEX unsaid_items_parent ON unsaid_items (parent_id) WHERE parent_id IS NOT NULL;

-- "Unsaid #N": the last number given out in each server.
CREATE TABLE unsaid_counters (
    guild_id    INTEGER PRIMARY KEY,
    last_number INTEGER NOT NULL
);

-- A block is a salted, keyed tag copied from the submission a moderator blocked from. It can
-- only be matched by the bot, holding the key, against a person who is trying to submit.
CREATE TABLE unsaid_blocks (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    public_id  TEXT    NOT NULL UNIQUE,
    key_id     INTEGER NOT NULL,
    tag_salt   BLOB    NOT NULL,
    author_tag BLOB    NOT NULL,
    blocked_on TEXT    NOT NULL
);

CREATE INDEX unsaid_blocks_guild ON unsaid_blocks (guild_id);

-- One row per use of a daily allowance. Each slot is an independent keyed hash of
-- (kind, day, server, person, n), so slots cannot be grouped by person without the key.
-- Keyed by the slot itself, so rows are stored in random order, not in the order of use.
CREATE TABLE unsaid_limit_slots (
    slot BLOB PRIMARY KEY,
    day  TEXT NOT NULL
) WITHOUT ROWID;
