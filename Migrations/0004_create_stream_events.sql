-- The live event log: every SSE event received, in arrival order, per attach session. It is the raw
-- record from which derived rows can be rebuilt, so it is append-only.
CREATE TABLE attach_session (
    id          INTEGER PRIMARY KEY,
    task_id     INTEGER NOT NULL REFERENCES task(id) ON DELETE CASCADE,
    started_at  TEXT    NOT NULL,
    ended_at    TEXT,
    end_reason  TEXT
) STRICT;

CREATE INDEX attach_session_by_task ON attach_session (task_id, id);

CREATE TABLE stream_event (
    id          INTEGER PRIMARY KEY,
    session_id  INTEGER NOT NULL REFERENCES attach_session(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    type        TEXT    NOT NULL,
    data        TEXT    NOT NULL,
    received_at TEXT    NOT NULL,
    UNIQUE (session_id, seq)
) STRICT;
