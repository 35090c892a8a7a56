-- The relay outbox: every notice a relay change owes its thread, written in the same
-- transaction as the change, then posted. A crash between the commit and the post loses
-- nothing (the notice is posted when the relay service opens again), and the id of the
-- message that carried a notice is recorded, so a retry can tell whether it went out.
--
-- A posted notice keeps only its message id (payload NULL): it is the mark a later retry
-- of the same relay searches the thread from. Older posted rows are deleted as newer ones
-- land, so each relay keeps at most its last posted notice and those still owed.

CREATE TABLE relay_outbox (
    id          INTEGER PRIMARY KEY,
    relay_id    INTEGER NOT NULL REFERENCES relays (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    payload     TEXT,                      -- JSON, NULL once posted or abandoned
    state       TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'posted', 'abandoned')),
    attempts    INTEGER NOT NULL DEFAULT 0, -- failed tries so far
    message_id  INTEGER,                   -- the (last) message that carried it, once posted
    created_at  REAL NOT NULL,
    done_at     REAL
);

CREATE INDEX relay_outbox_pending ON relay_outbox (relay_id, id) WHERE state = 'pending';
CREATE INDEX relay_outbox_by_relay ON relay_outbox (relay_id, id);
