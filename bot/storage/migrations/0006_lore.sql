-- A story bible: lore entries of a server (relay_id NULL) or of one relay story, and the
-- role a server lets edit its lore. Names are unique per scope, case-insensitively
-- (name_key is the casefolded name). keys and extra are JSON (an array; an object).

CREATE TABLE lore_entries (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    relay_id    INTEGER REFERENCES relays (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL,
    keys        TEXT NOT NULL,
    text        TEXT NOT NULL,
    author_id   INTEGER,
    created_at  REAL NOT NULL,
    updated_at  REAL NOT NULL,
    extra       TEXT NOT NULL DEFAULT '{}'
);

CREATE UNIQUE INDEX lore_entries_name ON lore_entries (guild_id, ifnull(relay_id, 0), name_key);

CREATE TABLE lore_settings (
    guild_id        INTEGER PRIMARY KEY,
    editor_role_id  INTEGER
);
