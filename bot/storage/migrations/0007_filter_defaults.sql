-- A server's filters start from Inkwell's defaults (bot/services/filters/defaults.py), put in
-- place once, the first time its filters are read; after that they are the moderators' to
-- change. defaults_applied says that happened. A server that already configured anything
-- before this migration keeps what it chose and is marked as done.

ALTER TABLE filter_settings
    ADD COLUMN defaults_applied INTEGER NOT NULL DEFAULT 0 CHECK (defaults_applied IN (0, 1));

UPDATE filter_settings SET defaults_applied = 1;

INSERT OR IGNORE INTO filter_settings (guild_id, defaults_applied)
    SELECT guild_id, 1 FROM filter_rules
    UNION SELECT guild_id, 1 FROM filter_allowed
    UNION SELECT guild_id, 1 FROM filter_presets
    UNION SELECT guild_id, 1 FROM filter_exemptions
    UNION SELECT guild_id, 1 FROM filter_channel_ratings;
