-- Alongside's own messages in Discord that name a member (for example a prompt suggestion's
-- review card, "Suggested by @them", with their words), so `/mydata delete` can remove them
-- and `/mydata export` can list them (issue 13). Only channel and message ids: never the words.
-- Never recorded for something the member shared anonymously.
CREATE TABLE member_posts (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    channel_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    created_at TEXT    NOT NULL,
    UNIQUE (guild_id, user_id, channel_id, message_id)  -- one message may name two people
);
