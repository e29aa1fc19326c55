-- The shared glossary: terms per server, many perspectives per term, reviewed suggestions,
-- a revision for every change, and a full-text index.

CREATE TABLE glossary_terms (
    id             INTEGER PRIMARY KEY,
    guild_id       INTEGER NOT NULL,
    slug           TEXT    NOT NULL,
    name           TEXT    NOT NULL,
    definition     TEXT    NOT NULL,
    contested      INTEGER NOT NULL DEFAULT 0,
    contested_note TEXT    NOT NULL DEFAULT '',
    related        TEXT    NOT NULL DEFAULT '[]',  -- JSON list of slugs
    sources        TEXT    NOT NULL DEFAULT '[]',  -- JSON list of {org, title}
    origin         TEXT    NOT NULL,               -- shipped | member | moderator
    locally_edited INTEGER NOT NULL DEFAULT 0,     -- a moderator changed a shipped term
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    UNIQUE (guild_id, slug)
);

-- Names and aliases share one namespace per server, so a duplicate is refused by the database.
CREATE TABLE glossary_names (
    guild_id INTEGER NOT NULL,
    folded   TEXT    NOT NULL,  -- case- and accent-folded, for matching
    display  TEXT    NOT NULL,
    term_id  INTEGER NOT NULL REFERENCES glossary_terms (id) ON DELETE CASCADE,
    is_alias INTEGER NOT NULL,
    PRIMARY KEY (guild_id, folded)
) WITHOUT ROWID;

CREATE INDEX glossary_names_term ON glossary_names (term_id);

-- Perspectives stand beside the definition. author_id is NULL for shipped viewpoints.
-- credit: named (shown with the member's name), anonymous (shown as "a member"), shipped.
CREATE TABLE glossary_perspectives (
    id          INTEGER PRIMARY KEY,
    term_id     INTEGER NOT NULL REFERENCES glossary_terms (id) ON DELETE CASCADE,
    guild_id    INTEGER NOT NULL,
    author_id   INTEGER,
    credit      TEXT    NOT NULL,
    label       TEXT    NOT NULL DEFAULT '',
    text        TEXT    NOT NULL,
    status      TEXT    NOT NULL,  -- pending | approved | rejected
    reason      TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL,
    decided_at  TEXT
);

CREATE INDEX glossary_perspectives_term ON glossary_perspectives (term_id, status);
CREATE INDEX glossary_perspectives_author ON glossary_perspectives (guild_id, author_id);

-- Proposed new terms, waiting for a moderator.
CREATE TABLE glossary_suggestions (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    author_id   INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    definition  TEXT    NOT NULL,
    source      TEXT    NOT NULL DEFAULT '',
    status      TEXT    NOT NULL,  -- pending | approved | rejected
    reason      TEXT    NOT NULL DEFAULT '',
    term_id     INTEGER REFERENCES glossary_terms (id) ON DELETE SET NULL,
    created_at  TEXT    NOT NULL,
    decided_at  TEXT
);

CREATE INDEX glossary_suggestions_author ON glossary_suggestions (guild_id, author_id);

-- Every change to a term, with the whole state after it, so any revision can be restored.
-- actor_id is NULL when the change came from the shipped file.
CREATE TABLE glossary_revisions (
    id         INTEGER PRIMARY KEY,
    term_id    INTEGER NOT NULL REFERENCES glossary_terms (id) ON DELETE CASCADE,
    guild_id   INTEGER NOT NULL,
    actor_id   INTEGER,
    action     TEXT    NOT NULL,
    snapshot   TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);

CREATE INDEX glossary_revisions_term ON glossary_revisions (term_id, id);

-- Which version of the shipped file each server has loaded.
CREATE TABLE glossary_shipped (
    guild_id INTEGER PRIMARY KEY,
    version  INTEGER NOT NULL
);

-- Full-text search; rowid is the term id. Accents are folded so "recuperation" finds accents.
CREATE VIRTUAL TABLE glossary_fts USING fts5 (
    name, aliases, definition, perspectives,
    tokenize = 'unicode61 remove_diacritics 2'
);
