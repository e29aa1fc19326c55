-- Answers a member shared under their own name in a prompt's thread (issue 18). Each row
-- belongs to one member of one server: they can delete it (with the post) and /mydata exports
-- and erases it. The words are kept so an export works even if Discord is unreachable.
CREATE TABLE prompt_shares (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    message_id INTEGER,
    prompt_id  INTEGER,
    body       TEXT    NOT NULL CHECK (length(body) <= 2000),
    created_at TEXT    NOT NULL
);

CREATE INDEX prompt_shares_member ON prompt_shares (guild_id, user_id);

-- An anonymous answer to a prompt is posted in that prompt's thread. Only the thread is kept
-- (never who wrote it), and it is cleared with the rest of the item.
ALTER TABLE unsaid_items ADD COLUMN answer_thread_id INTEGER;
