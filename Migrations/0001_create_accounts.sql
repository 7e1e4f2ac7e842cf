-- One row per (base URL, API key). The key itself is never stored: only a fingerprint, a prefix of
-- its SHA-256, enough to tell two keys apart and to find the row again when the same key returns.
CREATE TABLE account (
    id              INTEGER PRIMARY KEY,
    base_url        TEXT    NOT NULL,
    key_fingerprint TEXT    NOT NULL,
    created_at      TEXT    NOT NULL,
    UNIQUE (base_url, key_fingerprint)
) STRICT;
