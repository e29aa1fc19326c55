-- Where each glossary review message was posted, so deciding an item from anywhere (the review
-- channel or a private copy from /mod glossary pending) marks the real message as decided.
-- Holds only the bot's own message ids: nothing a member wrote, and no member id.
CREATE TABLE glossary_review_posts (
    guild_id   INTEGER NOT NULL,
    kind       TEXT    NOT NULL CHECK (kind IN ('s', 'p', 'e')),
    item_id    INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    PRIMARY KEY (guild_id, kind, item_id)
);
