-- Support requests reach available members by DM (issue 18). Erased with the member.

-- An available member's choices about request DMs: hours they don't want them (local time in
-- `zone`, may span midnight) and when they were last told of a request, so the few told each
-- time rotate fairly. Nothing records who did not take a request.
CREATE TABLE support_helpers (
    guild_id       INTEGER NOT NULL,
    user_id        INTEGER NOT NULL,
    quiet_start    TEXT,
    quiet_end      TEXT,
    zone           TEXT,
    last_alerted_at TEXT,
    PRIMARY KEY (guild_id, user_id)
) WITHOUT ROWID;

-- The DMs sent about one open request, so they can be updated once it is taken or closed.
-- Rows go as soon as the request leaves 'open' and the DMs are updated.
CREATE TABLE support_alerts (
    request_id  INTEGER NOT NULL REFERENCES support_requests (id) ON DELETE CASCADE,
    helper_id   INTEGER NOT NULL,
    channel_id  INTEGER NOT NULL,
    message_id  INTEGER NOT NULL,
    PRIMARY KEY (request_id, helper_id)
) WITHOUT ROWID;
