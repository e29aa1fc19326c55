-- A completed week's check-in summary as first shown to moderators (issue 13, item 6). Holds
-- only totals that already met the k rule (or a note that the week was hidden): no member id.
-- Once written it never changes, so a later withdrawal or erasure can't be found by comparing
-- two looks.
CREATE TABLE checkin_frozen_weeks (
    guild_id   INTEGER NOT NULL,
    week_start TEXT    NOT NULL,
    members    INTEGER,
    checkins   INTEGER,
    load       TEXT    NOT NULL,
    energy     TEXT    NOT NULL,
    frozen_at  TEXT    NOT NULL,
    PRIMARY KEY (guild_id, week_start)
) WITHOUT ROWID;
