-- Member style preferences (global to the member, across servers) and guild defaults.
-- A NULL column means "not set": the next layer (guild default, then built-in) applies.

CREATE TABLE member_styles (
    user_id         INTEGER PRIMARY KEY,
    voice           TEXT,
    tone            TEXT,
    pov             TEXT CHECK (pov IN ('first', 'second', 'third')),
    tense           TEXT CHECK (tense IN ('past', 'present', 'future')),
    rating          TEXT CHECK (rating IN ('g', 'pg', 'pg13', 'mature')),
    favourite_forms TEXT,
    avoid           TEXT,
    sample          TEXT,
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE guild_style_defaults (
    guild_id        INTEGER PRIMARY KEY,
    voice           TEXT,
    tone            TEXT,
    pov             TEXT CHECK (pov IN ('first', 'second', 'third')),
    tense           TEXT CHECK (tense IN ('past', 'present', 'future')),
    rating          TEXT CHECK (rating IN ('g', 'pg', 'pg13', 'mature')),
    favourite_forms TEXT,
    avoid           TEXT,
    sample          TEXT,
    updated_by      INTEGER,
    updated_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
