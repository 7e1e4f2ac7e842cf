-- Forgetting (issue 29). A task removed on purpose (`forget`, `retention`) leaves a tombstone: its
-- account and remote id, when, and why. `sync` (incremental, full, or by id), `watch`, `run`'s and
-- `reply`'s syncs and `copy` skip a tombstoned task for good; `forget --undo` lifts the tombstone, and
-- rewinds the account's cursor to the task's last activity so that the next incremental sync lists
-- and fetches it again. A tombstone holds no text of the task.
CREATE TABLE tombstone (
    account_id       INTEGER NOT NULL REFERENCES account(id),
    remote_id        TEXT    NOT NULL,
    forgotten_at     TEXT    NOT NULL,
    reason           TEXT    NOT NULL,
    last_activity_at TEXT,
    PRIMARY KEY (account_id, remote_id)
) STRICT, WITHOUT ROWID;

-- A pinned task is never forgotten by retention (`pin`, `unpin`, `tasks --pinned`).
ALTER TABLE task ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1));
