-- Owning the data (issue 29): what the archive itself decides, and a record of what was removed.
--
-- `setting` holds choices that belong to the archive rather than to one command or machine, so that
-- every writer follows them: `redact-on-sync` = `secrets` makes every later write (sync, watch, run,
-- reply) remove the secret rules' findings before it writes; `purge-pending` = `1` says that rows were
-- rewritten or deleted and the bytes they held may still sit in free pages, old index segments or the
-- WAL until a purge (VACUUM, index merge, checkpoint) finishes — a purge cut short is finished by the
-- next `redact` or `forget`.
CREATE TABLE setting (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- One row per redact, forget or retention run that removed something: counts and rule names only,
-- never the text removed.
CREATE TABLE audit (
    id        INTEGER PRIMARY KEY,
    at        TEXT    NOT NULL,
    command   TEXT    NOT NULL,
    tasks     INTEGER NOT NULL CHECK (tasks >= 0),
    findings  INTEGER NOT NULL CHECK (findings >= 0),
    bytes     INTEGER NOT NULL CHECK (bytes >= 0),
    rules     TEXT    NOT NULL,
    detail    TEXT
) STRICT;
