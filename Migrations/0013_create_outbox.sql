-- What the user did while the API could not be reached (`run`, `reply`, `approve`, `cancel`), kept in
-- order until a sync sends it. The API has no idempotency key, so exactly-once is kept here:
--   queued   waiting to be sent;
--   sending  marked in a committed write before its request went out: after a crash (or a timeout) the
--            outcome is unknown, and the item is reconciled against the server before any resend;
--   sent     the answer is recorded (remote_id: the created task), in the same write as the mark;
--   stale    an approval whose call no longer awaits one (note says so); never sent;
--   expired  older than the sender's window; sent only when asked (`outbox send --expired`);
--   failed   refused by the server for good (validation, not found); note has its answer.
-- The key is never stored: an item belongs to an account (base URL + key fingerprint) and is sent
-- with that account's key when it is next given.
CREATE TABLE outbox (
    id             INTEGER PRIMARY KEY,
    account_id     INTEGER NOT NULL REFERENCES account(id),
    kind           TEXT    NOT NULL CHECK (kind IN ('create', 'follow_up', 'approve', 'cancel')),
    task_remote_id TEXT    CHECK ((kind = 'create') = (task_remote_id IS NULL)),
    message        TEXT,
    system_prompt  TEXT,
    auto_execute   INTEGER CHECK (auto_execute IN (0, 1)),
    call_id        TEXT,
    outcome        TEXT    CHECK (outcome IS NULL OR outcome IN ('proceed_once', 'proceed_always', 'cancel')),
    state          TEXT    NOT NULL DEFAULT 'queued'
                           CHECK (state IN ('queued', 'sending', 'sent', 'stale', 'expired', 'failed')),
    queued_at      TEXT    NOT NULL,
    sending_at     TEXT,
    sent_at        TEXT,
    remote_id      TEXT,
    note           TEXT
) STRICT;

CREATE INDEX outbox_by_state ON outbox (account_id, state, id);

-- Files uploaded with a queued `run` or `reply`: their bytes are blobs, like artifacts.
CREATE TABLE outbox_file (
    outbox_id    INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    filename     TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    blob_sha256  TEXT    NOT NULL REFERENCES blob(sha256),
    PRIMARY KEY (outbox_id, position)
) STRICT, WITHOUT ROWID;
