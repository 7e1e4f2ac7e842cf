-- The team archive on PostgreSQL: the same tables and columns as the SQLite archive at its schema 13
-- (SCHEMA.md describes both), so that `copy` moves rows one to one and every reader sees the same
-- values. Where the engines differ:
-- * Timestamps stay ISO-8601 UTC text with milliseconds, as the API sends them: one fixed-width
--   format, so text order is time order, and `show --json` prints the same bytes from either engine.
-- * JSON stays text, byte for byte as received (raw JSON is kept exact); a CHECK casts it to jsonb
--   only to refuse what is not JSON.
-- * Ids are identity columns; flags are booleans.
-- * Search: `search_doc` carries a tsvector (the `sigmic` configuration: words as they are, accents
--   folded, no stemming — what SQLite's unicode61 tokenizer with remove_diacritics does) under a GIN
--   index, and a pg_trgm GIN index on the text for substrings and scripts written without spaces.
-- * Blobs: content-addressed chunks in `blob_chunk`, so one database is one place to back up.
-- Both extensions are trusted (PostgreSQL 13+): the database's owner may create them.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TEXT SEARCH CONFIGURATION sigmic (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION sigmic
    ALTER MAPPING FOR asciiword, word, numword, asciihword, hword, numhword, hword_asciipart, hword_part, hword_numpart
    WITH unaccent, simple;

CREATE TABLE account (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    base_url        text NOT NULL,
    key_fingerprint text NOT NULL,
    created_at      text NOT NULL,
    UNIQUE (base_url, key_fingerprint)
);

CREATE TABLE task (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id             bigint NOT NULL REFERENCES account(id),
    remote_id              text   NOT NULL,
    api_key_id             text,
    username               text,
    session_id             text,
    conversation_id        text,
    status                 text   NOT NULL,
    message                text,
    system_prompt          text,
    show_in_history        boolean,
    auto_execute           boolean,
    env_json               text   CHECK (env_json IS NULL OR env_json::jsonb IS NOT NULL),
    error                  text,
    created_at             text   NOT NULL,
    started_at             text,
    completed_at           text,
    last_activity_at       text   NOT NULL,
    message_count          integer,
    output_json            text   CHECK (output_json IS NULL OR output_json::jsonb IS NOT NULL),
    pending_approvals_json text   CHECK (pending_approvals_json IS NULL OR pending_approvals_json::jsonb IS NOT NULL),
    raw_list_json          text   CHECK (raw_list_json IS NULL OR raw_list_json::jsonb IS NOT NULL),
    raw_get_json           text   CHECK (raw_get_json IS NULL OR raw_get_json::jsonb IS NOT NULL),
    remote_state           text   NOT NULL DEFAULT 'present' CHECK (remote_state IN ('present', 'missing')),
    sync_state             text   NOT NULL DEFAULT 'listed'  CHECK (sync_state IN ('listed', 'synced', 'live', 'failed')),
    sync_error             text,
    synced_status          text,
    synced_activity_at     text,
    synced_message_count   integer,
    synced_completed_at    text,
    first_seen_at          text   NOT NULL,
    last_synced_at         text,
    UNIQUE (account_id, remote_id)
);

CREATE INDEX task_by_activity ON task (last_activity_at DESC, created_at DESC, remote_id);
CREATE INDEX task_by_remote_id ON task (remote_id text_pattern_ops);
CREATE INDEX task_by_status ON task (status, last_activity_at DESC);

CREATE TABLE message (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id             bigint  NOT NULL REFERENCES task(id) ON DELETE CASCADE,
    remote_id           text    NOT NULL,
    position            integer NOT NULL,
    role                text    NOT NULL,
    content             text    NOT NULL,
    created_at          text    NOT NULL,
    thoughts_json       text    CHECK (thoughts_json IS NULL OR thoughts_json::jsonb IS NOT NULL),
    tool_calls_json     text    CHECK (tool_calls_json IS NULL OR tool_calls_json::jsonb IS NOT NULL),
    attached_files_json text    CHECK (attached_files_json IS NULL OR attached_files_json::jsonb IS NOT NULL),
    raw_json            text    NOT NULL CHECK (raw_json::jsonb IS NOT NULL),
    UNIQUE (task_id, remote_id)
);

CREATE INDEX message_by_task ON message (task_id, position);

CREATE TABLE attach_session (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id     bigint NOT NULL REFERENCES task(id) ON DELETE CASCADE,
    started_at  text   NOT NULL,
    ended_at    text,
    end_reason  text
);

CREATE INDEX attach_session_by_task ON attach_session (task_id, id);

CREATE TABLE stream_event (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id  bigint  NOT NULL REFERENCES attach_session(id) ON DELETE CASCADE,
    seq         integer NOT NULL,
    type        text    NOT NULL,
    data        text    NOT NULL,
    received_at text    NOT NULL,
    UNIQUE (session_id, seq)
);

-- A blob is complete once its row exists: chunks are written first, in the same transaction.
CREATE TABLE blob (
    sha256     text   PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size       bigint NOT NULL CHECK (size >= 0),
    stored_at  text   NOT NULL
);

CREATE TABLE blob_chunk (
    sha256 text    NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    chunk  integer NOT NULL CHECK (chunk >= 0),
    data   bytea   NOT NULL,
    PRIMARY KEY (sha256, chunk)
);

CREATE TABLE artifact (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id        bigint  NOT NULL REFERENCES task(id) ON DELETE CASCADE,
    path           text    NOT NULL,
    name           text    NOT NULL,
    size           bigint,
    mime_type      text,
    category       text,
    modified_at    text,
    raw_json       text    NOT NULL CHECK (raw_json::jsonb IS NOT NULL),
    blob_sha256    text    REFERENCES blob(sha256),
    fetch_state    text    NOT NULL DEFAULT 'pending' CHECK (fetch_state IN ('pending', 'stored', 'failed')),
    fetch_error    text,
    remote_state   text    NOT NULL DEFAULT 'present' CHECK (remote_state IN ('present', 'missing')),
    fetch_failures integer NOT NULL DEFAULT 0 CHECK (fetch_failures >= 0),
    UNIQUE (task_id, path)
);

CREATE INDEX artifact_by_blob ON artifact (blob_sha256);

CREATE TABLE sync_cursor (
    account_id          bigint PRIMARY KEY REFERENCES account(id),
    high_water_activity text,
    last_sync_at        text,
    last_full_sync_at   text
);

CREATE TABLE sync_run (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id      bigint  NOT NULL REFERENCES account(id),
    mode            text    NOT NULL CHECK (mode IN ('incremental', 'full', 'tasks', 'watch')),
    started_at      text    NOT NULL,
    finished_at     text,
    outcome         text    CHECK (outcome IN ('ok', 'partial', 'failed', 'interrupted')),
    tasks_new       integer NOT NULL DEFAULT 0,
    tasks_updated   integer NOT NULL DEFAULT 0,
    tasks_unchanged integer NOT NULL DEFAULT 0,
    tasks_failed    integer NOT NULL DEFAULT 0,
    messages        integer NOT NULL DEFAULT 0,
    events          integer NOT NULL DEFAULT 0,
    artifacts       integer NOT NULL DEFAULT 0,
    bytes           bigint  NOT NULL DEFAULT 0,
    requests        integer NOT NULL DEFAULT 0,
    error           text
);

CREATE INDEX sync_run_by_account ON sync_run (account_id, id);

-- One row per searchable thing, kept current by the triggers below (so no code can forget to).
CREATE TABLE search_doc (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    task_id     bigint NOT NULL REFERENCES task(id) ON DELETE CASCADE,
    message_id  bigint REFERENCES message(id) ON DELETE CASCADE,
    artifact_id bigint REFERENCES artifact(id) ON DELETE CASCADE,
    kind        text   NOT NULL CHECK (kind IN ('message', 'thought', 'tool', 'artifact')),
    role        text,
    tool_name   text,
    created_at  text,
    body        text   NOT NULL,
    words       tsvector GENERATED ALWAYS AS (to_tsvector('sigmic', body)) STORED
);

CREATE INDEX search_doc_by_task ON search_doc (task_id);
CREATE INDEX search_doc_by_message ON search_doc (message_id) WHERE message_id IS NOT NULL;
CREATE INDEX search_doc_by_artifact ON search_doc (artifact_id) WHERE artifact_id IS NOT NULL;
CREATE INDEX search_doc_words ON search_doc USING gin (words);
CREATE INDEX search_doc_trigrams ON search_doc USING gin (body gin_trgm_ops);

-- message -> search_doc: the text, each thought, each tool call (as in SQLite's migration 0007).
CREATE FUNCTION search_doc_from_message() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM search_doc WHERE message_id = OLD.id;
    END IF;
    INSERT INTO search_doc (task_id, message_id, kind, role, created_at, body)
        SELECT NEW.task_id, NEW.id, 'message', NEW.role, NEW.created_at, NEW.content
        WHERE NEW.content <> '';
    INSERT INTO search_doc (task_id, message_id, kind, role, created_at, body)
        SELECT NEW.task_id, NEW.id, 'thought', NEW.role, NEW.created_at,
               btrim(coalesce(thought->>'subject', '') || E'\n' || coalesce(thought->>'description', ''), E'\n')
        FROM json_array_elements(coalesce(NEW.thoughts_json, '[]')::json) AS thought;
    INSERT INTO search_doc (task_id, message_id, kind, role, tool_name, created_at, body)
        SELECT NEW.task_id, NEW.id, 'tool', NEW.role, call->>'toolName', NEW.created_at,
               btrim(coalesce(call->>'toolName', '') || E'\n' || coalesce(call->>'args', '') || E'\n'
                     || coalesce(call->>'output', ''), E'\n')
        FROM json_array_elements(coalesce(NEW.tool_calls_json, '[]')::json) AS call;
    RETURN NULL;
END
$$;

CREATE TRIGGER message_after_insert AFTER INSERT ON message
    FOR EACH ROW EXECUTE FUNCTION search_doc_from_message();
CREATE TRIGGER message_after_update AFTER UPDATE OF content, role, created_at, thoughts_json, tool_calls_json ON message
    FOR EACH ROW EXECUTE FUNCTION search_doc_from_message();

-- artifact -> search_doc: its name and path.
CREATE FUNCTION search_doc_from_artifact() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO search_doc (task_id, artifact_id, kind, created_at, body)
            VALUES (NEW.task_id, NEW.id, 'artifact', NEW.modified_at, NEW.name || E'\n' || NEW.path);
    ELSE
        UPDATE search_doc SET body = NEW.name || E'\n' || NEW.path, created_at = NEW.modified_at
            WHERE artifact_id = NEW.id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER artifact_after_insert AFTER INSERT ON artifact
    FOR EACH ROW EXECUTE FUNCTION search_doc_from_artifact();
CREATE TRIGGER artifact_after_update AFTER UPDATE OF name, path, modified_at ON artifact
    FOR EACH ROW EXECUTE FUNCTION search_doc_from_artifact();

-- What was done offline and waits to be sent (the states as in SQLite's migration 0013).
CREATE TABLE outbox (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id     bigint NOT NULL REFERENCES account(id),
    kind           text   NOT NULL CHECK (kind IN ('create', 'follow_up', 'approve', 'cancel')),
    task_remote_id text   CHECK ((kind = 'create') = (task_remote_id IS NULL)),
    message        text,
    system_prompt  text,
    auto_execute   boolean,
    call_id        text,
    outcome        text   CHECK (outcome IS NULL OR outcome IN ('proceed_once', 'proceed_always', 'cancel')),
    state          text   NOT NULL DEFAULT 'queued'
                          CHECK (state IN ('queued', 'sending', 'sent', 'stale', 'expired', 'failed')),
    queued_at      text   NOT NULL,
    sending_at     text,
    sent_at        text,
    remote_id      text,
    note           text
);

CREATE INDEX outbox_by_state ON outbox (account_id, state, id);

CREATE TABLE outbox_file (
    outbox_id    bigint  NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    position     integer NOT NULL,
    filename     text    NOT NULL,
    content_type text    NOT NULL,
    blob_sha256  text    NOT NULL REFERENCES blob(sha256),
    PRIMARY KEY (outbox_id, position)
);
