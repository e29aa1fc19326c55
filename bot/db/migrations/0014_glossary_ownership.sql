-- Perspectives belong to their authors: edits waiting for review, withdrawal, removal with a
-- reason, a revision for every change, and anonymous authors stored only as a keyed tag.

-- An author's edit of an approved perspective, waiting for review; the approved text stays shown.
ALTER TABLE glossary_perspectives ADD COLUMN pending_text TEXT;
ALTER TABLE glossary_perspectives ADD COLUMN edited_at TEXT;
-- For an anonymous perspective author_id is NULL. author_tag is an HMAC of (server, author) under
-- the anonymity key, so the bot can recognise the author; author_seal is the author's id
-- encrypted under the same key, so the bot can tell them an outcome. Neither means anything
-- without the key file; author_key says which key made them.
ALTER TABLE glossary_perspectives ADD COLUMN author_tag TEXT;
ALTER TABLE glossary_perspectives ADD COLUMN author_seal TEXT;
ALTER TABLE glossary_perspectives ADD COLUMN author_key INTEGER;
CREATE INDEX glossary_perspectives_tag ON glossary_perspectives (guild_id, author_tag);

-- A revision about one perspective (its term's history lists it); NULL for term revisions.
ALTER TABLE glossary_revisions ADD COLUMN perspective_id INTEGER;
CREATE INDEX glossary_revisions_perspective ON glossary_revisions (perspective_id);
