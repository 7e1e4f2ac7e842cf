-- Owning the data (issue 29), as SQLite's migration 0014: the archive's own settings
-- (`redact-on-sync`, `purge-pending`) and the audit of what was removed (counts and rule names only).
CREATE TABLE setting (
    name  text PRIMARY KEY,
    value text NOT NULL
);

CREATE TABLE audit (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at        text    NOT NULL,
    command   text    NOT NULL,
    tasks     integer NOT NULL CHECK (tasks >= 0),
    findings  integer NOT NULL CHECK (findings >= 0),
    bytes     bigint  NOT NULL CHECK (bytes >= 0),
    rules     text    NOT NULL,
    detail    text
);
