-- Relay stories: one relay per thread, writers taking turns, every written turn a row.
-- Times are Unix seconds (REAL) from the relay service's clock, so a deadline stored before
-- a restart means the same moment after it.

CREATE TABLE relays (
    id               INTEGER PRIMARY KEY,
    guild_id         INTEGER,                 -- NULL for a playground relay
    channel_id       INTEGER,                 -- the channel the thread was started from
    thread_id        INTEGER NOT NULL UNIQUE,
    started_by       INTEGER,                 -- the starter, NULL once they asked to be forgotten
    title            TEXT NOT NULL,
    premise          TEXT,
    genre            TEXT,
    tone             TEXT,
    turn_seconds     INTEGER NOT NULL CHECK (turn_seconds > 0),
    max_words        INTEGER NOT NULL CHECK (max_words > 0),
    max_writers      INTEGER NOT NULL CHECK (max_writers > 0),
    ai_turns         TEXT NOT NULL CHECK (ai_turns IN ('off', 'each_round', 'on_timeout')),
    turn_order       TEXT NOT NULL CHECK (turn_order IN ('join', 'random')),
    status           TEXT NOT NULL CHECK (status IN ('gathering', 'active', 'paused', 'ended')),
    -- The current turn's number. Every new turn (written, passed or timed out) takes the
    -- next one, so a number names one turn for good and a stale write can be recognised.
    turn             INTEGER NOT NULL DEFAULT 0,
    writer_id        INTEGER,                 -- whose turn it is, NULL for the model's turn
    model_turn       INTEGER NOT NULL DEFAULT 0 CHECK (model_turn IN (0, 1)),
    turn_slot        INTEGER,                 -- the place in the rotation the turn belongs to
    turn_deadline    REAL,
    reminded         INTEGER NOT NULL DEFAULT 0 CHECK (reminded IN (0, 1)),
    paused_remaining REAL,                    -- seconds left in the turn when it was paused
    idle_turns       INTEGER NOT NULL DEFAULT 0,  -- turns in a row that ran out of time
    order_fixed      INTEGER NOT NULL DEFAULT 0 CHECK (order_fixed IN (0, 1)),
    created_at       REAL NOT NULL,
    ended_at         REAL,
    end_reason       TEXT
);

CREATE INDEX relays_not_ended ON relays (status) WHERE status != 'ended';

CREATE TABLE relay_writers (
    relay_id  INTEGER NOT NULL REFERENCES relays (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL,
    name      TEXT NOT NULL,                  -- the display name, for the export
    position  INTEGER NOT NULL,               -- rotation order, lowest first
    status    TEXT NOT NULL CHECK (status IN ('writing', 'left', 'removed')),
    joined_at REAL NOT NULL,
    PRIMARY KEY (relay_id, user_id)
);

CREATE TABLE relay_turns (
    relay_id   INTEGER NOT NULL REFERENCES relays (id) ON DELETE CASCADE,
    number     INTEGER NOT NULL,              -- the relay's turn number it was written in
    writer_id  INTEGER,                       -- NULL for the model, or a forgotten member
    by_model   INTEGER NOT NULL DEFAULT 0 CHECK (by_model IN (0, 1)),
    text       TEXT NOT NULL,
    words      INTEGER NOT NULL,
    written_at REAL NOT NULL,
    PRIMARY KEY (relay_id, number)
);

-- Summaries are appended, never edited: each covers every turn up to through_turn.
CREATE TABLE relay_summaries (
    relay_id     INTEGER NOT NULL REFERENCES relays (id) ON DELETE CASCADE,
    through_turn INTEGER NOT NULL,
    text         TEXT NOT NULL,
    created_at   REAL NOT NULL,
    PRIMARY KEY (relay_id, through_turn)
);
