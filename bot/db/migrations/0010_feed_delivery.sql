-- Feeds whose channel refuses their posts (a lost permission, a deleted channel). A row exists
-- while the feed is not delivering; its posts wait in the outbox and go out, in order, once the
-- channel takes them again. `notified` makes sure moderators are told once.
CREATE TABLE feed_delivery_blocks (
    feed_id  INTEGER PRIMARY KEY REFERENCES feeds (id) ON DELETE CASCADE,
    reason   TEXT    NOT NULL,
    since    TEXT    NOT NULL,
    notified INTEGER NOT NULL DEFAULT 0
);
