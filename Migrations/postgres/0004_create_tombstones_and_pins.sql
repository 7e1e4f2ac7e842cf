-- Forgetting (issue 29), as SQLite's migration 0015: a tombstone per task removed on purpose, which
-- every sync and `copy` honour until `forget --undo`; and pins, which retention never forgets.
CREATE TABLE tombstone (
    account_id       bigint NOT NULL REFERENCES account(id),
    remote_id        text   NOT NULL,
    forgotten_at     text   NOT NULL,
    reason           text   NOT NULL,
    last_activity_at text,
    PRIMARY KEY (account_id, remote_id)
);

ALTER TABLE task ADD COLUMN pinned boolean NOT NULL DEFAULT false;
