-- Blog feeds: the feeds moderators added, the items each has shown, and the outbox of posts.

-- One row per feed per channel. Polling state lives beside the configuration so that one
-- UPDATE records a poll's outcome.
CREATE TABLE feeds (
    id                   INTEGER PRIMARY KEY,
    guild_id             INTEGER NOT NULL,
    channel_id           INTEGER NOT NULL,
    url                  TEXT    NOT NULL,
    title                TEXT    NOT NULL DEFAULT '',
    interval_minutes     INTEGER NOT NULL DEFAULT 15 CHECK (interval_minutes >= 5),
    mention_role_id      INTEGER,
    content_note         TEXT    NOT NULL DEFAULT 'auto'
                                 CHECK (content_note IN ('auto', 'always', 'never')),
    include_words        TEXT    NOT NULL DEFAULT '[]',  -- JSON list of words
    exclude_words        TEXT    NOT NULL DEFAULT '[]',  -- JSON list of words
    paused               INTEGER NOT NULL DEFAULT 0,
    etag                 TEXT,
    last_modified        TEXT,
    body_hash            TEXT,
    next_poll_at         TEXT    NOT NULL,
    last_fetch_at        TEXT,
    last_success_at      TEXT,
    last_new_item_at     TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    last_error           TEXT    NOT NULL DEFAULT '',
    failure_notified     INTEGER NOT NULL DEFAULT 0,
    added_by             INTEGER NOT NULL,
    created_at           TEXT    NOT NULL,
    UNIQUE (guild_id, channel_id, url)
);

CREATE INDEX feeds_due ON feeds (next_poll_at) WHERE paused = 0;
CREATE INDEX feeds_guild ON feeds (guild_id, id);

-- Every identity (GUID, normalised link or title/date hash) a feed has shown, so an item is
-- posted once however often it stays in the feed.
CREATE TABLE feed_seen (
    feed_id      INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    item_key     TEXT    NOT NULL,
    last_seen_at TEXT    NOT NULL,
    PRIMARY KEY (feed_id, item_key)
) WITHOUT ROWID;

-- A post is written here before it is sent; message_id is filled in after Discord accepted it.
-- The nonce is derived from the feed and the item, so a re-send after a crash carries the same
-- one and Discord (with enforce_nonce) returns the first message instead of making a second.
CREATE TABLE feed_outbox (
    id             INTEGER PRIMARY KEY,
    feed_id        INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    guild_id       INTEGER NOT NULL,
    channel_id     INTEGER NOT NULL,
    item_key       TEXT    NOT NULL,
    nonce          TEXT    NOT NULL UNIQUE CHECK (length(nonce) <= 25),
    payload        TEXT    NOT NULL,  -- JSON: the rendered post, fixed at queue time
    created_at     TEXT    NOT NULL,
    attempted_at   TEXT,
    attempts       INTEGER NOT NULL DEFAULT 0,
    message_id     INTEGER,
    sent_at        TEXT,
    thread_done_at TEXT,
    gave_up_at     TEXT,
    last_error     TEXT    NOT NULL DEFAULT '',
    UNIQUE (feed_id, item_key)
);

CREATE INDEX feed_outbox_open ON feed_outbox (id)
    WHERE thread_done_at IS NULL AND gave_up_at IS NULL;
