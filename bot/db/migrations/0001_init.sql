-- Foundation: per-server settings, key/value metadata, the occurrence ledger and the audit log.

-- One row per setting a moderator has changed; absent keys take the default declared in code.
-- Values are JSON so that each setting keeps its type.
CREATE TABLE guild_settings (
    guild_id   INTEGER NOT NULL,
    key        TEXT    NOT NULL,
    value      TEXT    NOT NULL,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, key)
) WITHOUT ROWID;

-- Small facts the bot keeps about itself, e.g. the hash of the last synced command tree.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Every scheduled occurrence is claimed here before anything is sent, so that it runs at most
-- once even across restarts; completed_at stays NULL while a fan-out is still in progress.
CREATE TABLE occurrences (
    schedule_key TEXT NOT NULL,
    due_at       TEXT NOT NULL,
    claimed_at   TEXT NOT NULL,
    completed_at TEXT,
    PRIMARY KEY (schedule_key, due_at)
) WITHOUT ROWID;

CREATE INDEX occurrences_open ON occurrences (completed_at) WHERE completed_at IS NULL;

-- What moderators did. actor_id is the moderator; nothing here may identify an anonymous author.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    actor_id   INTEGER NOT NULL,
    action     TEXT    NOT NULL,
    target     TEXT    NOT NULL DEFAULT '',
    detail     TEXT    NOT NULL DEFAULT '',
    created_at TEXT    NOT NULL
);

CREATE INDEX audit_log_guild ON audit_log (guild_id, id);
