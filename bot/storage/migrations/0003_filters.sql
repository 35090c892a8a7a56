-- Content filters that moderators configure, per guild, and the audit trail of what they did.
-- Everything here belongs to a guild; filter_rules.created_by and filter_allowed.added_by
-- only remember which moderator touched a row, filter_events.user_id is about a member
-- (see bot/storage/forget.py).

CREATE TABLE filter_settings (
    guild_id            INTEGER PRIMARY KEY,
    log_channel_id      INTEGER,
    classifier_enabled  INTEGER NOT NULL DEFAULT 0 CHECK (classifier_enabled IN (0, 1)),
    classifier_action   TEXT NOT NULL DEFAULT 'block' CHECK (classifier_action IN ('block', 'flag')),
    updated_at          TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE filter_rules (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('word', 'phrase', 'wildcard', 'regex')),
    pattern     TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('block', 'redact', 'flag')),
    applies_to  TEXT NOT NULL CHECK (applies_to IN ('prompts', 'outputs', 'both')),
    category    TEXT NOT NULL,
    created_by  INTEGER,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (guild_id, kind, pattern)
);

CREATE TABLE filter_allowed (
    guild_id    INTEGER NOT NULL,
    term        TEXT NOT NULL,
    added_by    INTEGER,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (guild_id, term)
);

CREATE TABLE filter_presets (
    guild_id    INTEGER NOT NULL,
    name        TEXT NOT NULL,
    action      TEXT NOT NULL CHECK (action IN ('block', 'redact', 'flag')),
    applies_to  TEXT NOT NULL CHECK (applies_to IN ('prompts', 'outputs', 'both')),
    PRIMARY KEY (guild_id, name)
);

-- Roles and channels whose prompts skip the filters; outputs are always checked.
CREATE TABLE filter_exemptions (
    guild_id    INTEGER NOT NULL,
    target      TEXT NOT NULL CHECK (target IN ('role', 'channel')),
    target_id   INTEGER NOT NULL,
    PRIMARY KEY (guild_id, target, target_id)
);

CREATE TABLE filter_channel_ratings (
    guild_id    INTEGER NOT NULL,
    channel_id  INTEGER NOT NULL,
    max_rating  TEXT NOT NULL CHECK (max_rating IN ('g', 'pg', 'pg13', 'mature')),
    PRIMARY KEY (guild_id, channel_id)
);

-- Every block and flag. The excerpt is stored with the match already masked.
CREATE TABLE filter_events (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    channel_id  INTEGER,
    stage       TEXT NOT NULL CHECK (stage IN ('prompt', 'output')),
    action      TEXT NOT NULL CHECK (action IN ('block', 'flag')),
    rule        TEXT NOT NULL,
    category    TEXT NOT NULL,
    excerpt     TEXT NOT NULL,
    created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX filter_events_by_guild ON filter_events (guild_id, id);
CREATE INDEX filter_events_by_user ON filter_events (user_id);
