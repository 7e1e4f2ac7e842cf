-- Sync cursors and the sync-run log: kept in their own tables, never derived from max(id).
CREATE TABLE sync_cursor (
    account_id          INTEGER PRIMARY KEY REFERENCES account(id),
    high_water_activity TEXT,
    last_sync_at        TEXT,
    last_full_sync_at   TEXT
) STRICT;

CREATE TABLE sync_run (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES account(id),
    mode            TEXT    NOT NULL CHECK (mode IN ('incremental', 'full', 'tasks', 'watch')),
    started_at      TEXT    NOT NULL,
    finished_at     TEXT,
    outcome         TEXT    CHECK (outcome IN ('ok', 'partial', 'failed', 'interrupted')),
    tasks_new       INTEGER NOT NULL DEFAULT 0,
    tasks_updated   INTEGER NOT NULL DEFAULT 0,
    tasks_unchanged INTEGER NOT NULL DEFAULT 0,
    tasks_failed    INTEGER NOT NULL DEFAULT 0,
    messages        INTEGER NOT NULL DEFAULT 0,
    events          INTEGER NOT NULL DEFAULT 0,
    artifacts       INTEGER NOT NULL DEFAULT 0,
    bytes           INTEGER NOT NULL DEFAULT 0,
    requests        INTEGER NOT NULL DEFAULT 0,
    error           TEXT
) STRICT;

CREATE INDEX sync_run_by_account ON sync_run (account_id, id);
