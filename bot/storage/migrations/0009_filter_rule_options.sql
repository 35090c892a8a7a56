-- Two per-rule choices a moderator makes when adding a word rule, both off by default
-- (bot/services/filters/rules.py, Rule.masks and Rule.forms): masks also catch the word
-- with inner letters replaced by * # @ ("sh*t"), forms its plurals, suffixes and compounds.

ALTER TABLE filter_rules ADD COLUMN masks INTEGER NOT NULL DEFAULT 0 CHECK (masks IN (0, 1));
ALTER TABLE filter_rules ADD COLUMN forms INTEGER NOT NULL DEFAULT 0 CHECK (forms IN (0, 1));
