-- A relay's memory (what the model must always know: the premise's facts, names that must
-- not drift) and its author's note (one steering line: tone, pacing), set by its starter
-- or writers. Empty when unset, so every relay has both and none needs a NULL check; the
-- relay service holds the limits (1000 and 200 characters).

ALTER TABLE relays ADD COLUMN memory TEXT NOT NULL DEFAULT '';
ALTER TABLE relays ADD COLUMN note TEXT NOT NULL DEFAULT '';
