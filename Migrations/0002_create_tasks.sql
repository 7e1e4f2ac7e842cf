-- Every field the API returns for a task (list and get), the raw JSON of the last listing and the
-- last get (so nothing the server sends is lost), and local bookkeeping.
-- Timestamps are ISO-8601 UTC with milliseconds, as the API sends them ('2026-01-26T15:50:54.870Z'):
-- one fixed-width format, so text order is time order.
CREATE TABLE task (
    id                     INTEGER PRIMARY KEY,
    account_id             INTEGER NOT NULL REFERENCES account(id),
    remote_id              TEXT    NOT NULL,
    api_key_id             TEXT,
    username               TEXT,
    session_id             TEXT,
    conversation_id        TEXT,
    status                 TEXT    NOT NULL,
    message                TEXT,
    system_prompt          TEXT,
    show_in_history        INTEGER,
    auto_execute           INTEGER,
    env_json               TEXT,
    error                  TEXT,
    created_at             TEXT    NOT NULL,
    started_at             TEXT,
    completed_at           TEXT,
    last_activity_at       TEXT    NOT NULL,
    message_count          INTEGER,
    output_json            TEXT,
    pending_approvals_json TEXT,
    raw_list_json          TEXT,
    raw_get_json           TEXT,
    -- Local bookkeeping. `synced_*` hold the listing values as of the last complete sync of this
    -- task, so the planner can tell a changed task from an unchanged one without a request.
    remote_state           TEXT    NOT NULL DEFAULT 'present' CHECK (remote_state IN ('present', 'missing')),
    sync_state             TEXT    NOT NULL DEFAULT 'listed'  CHECK (sync_state IN ('listed', 'synced', 'live', 'failed')),
    sync_error             TEXT,
    synced_status          TEXT,
    synced_activity_at     TEXT,
    synced_message_count   INTEGER,
    synced_completed_at    TEXT,
    first_seen_at          TEXT    NOT NULL,
    last_synced_at         TEXT,
    UNIQUE (account_id, remote_id)
) STRICT;

CREATE INDEX task_by_activity ON task (last_activity_at DESC, created_at DESC, remote_id);
CREATE INDEX task_by_remote_id ON task (remote_id);
CREATE INDEX task_by_status ON task (status, last_activity_at DESC);
