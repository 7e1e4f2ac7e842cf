-- Artifact bytes live in blobs/ under their SHA-256; `blob` lists what is stored there.
-- A server-supplied path is metadata only: no file is ever written to a path built from it.
CREATE TABLE blob (
    sha256     TEXT    PRIMARY KEY CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
    size       INTEGER NOT NULL CHECK (size >= 0),
    stored_at  TEXT    NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE artifact (
    id           INTEGER PRIMARY KEY,
    task_id      INTEGER NOT NULL REFERENCES task(id) ON DELETE CASCADE,
    path         TEXT    NOT NULL,
    name         TEXT    NOT NULL,
    size         INTEGER,
    mime_type    TEXT,
    category     TEXT,
    modified_at  TEXT,
    raw_json     TEXT    NOT NULL,
    blob_sha256  TEXT    REFERENCES blob(sha256),
    -- pending: listed, bytes not (yet) here; stored: blob_sha256 holds this version's bytes;
    -- failed: the last download failed (fetch_error says why) and will be retried.
    fetch_state  TEXT    NOT NULL DEFAULT 'pending' CHECK (fetch_state IN ('pending', 'stored', 'failed')),
    fetch_error  TEXT,
    remote_state TEXT    NOT NULL DEFAULT 'present' CHECK (remote_state IN ('present', 'missing')),
    UNIQUE (task_id, path)
) STRICT;

CREATE INDEX artifact_by_blob ON artifact (blob_sha256);
