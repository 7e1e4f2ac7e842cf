-- History messages, unique per (task, id), ordered by their position in the history.
-- thoughts/toolCalls/attachedFiles are kept as the JSON arrays the API sends; raw_json is the whole
-- message object as received.
CREATE TABLE message (
    id                  INTEGER PRIMARY KEY,
    task_id             INTEGER NOT NULL REFERENCES task(id) ON DELETE CASCADE,
    remote_id           TEXT    NOT NULL,
    position            INTEGER NOT NULL,
    role                TEXT    NOT NULL,
    content             TEXT    NOT NULL,
    created_at          TEXT    NOT NULL,
    thoughts_json       TEXT    CHECK (thoughts_json IS NULL OR json_valid(thoughts_json)),
    tool_calls_json     TEXT    CHECK (tool_calls_json IS NULL OR json_valid(tool_calls_json)),
    attached_files_json TEXT    CHECK (attached_files_json IS NULL OR json_valid(attached_files_json)),
    raw_json            TEXT    NOT NULL,
    UNIQUE (task_id, remote_id)
) STRICT;

CREATE INDEX message_by_task ON message (task_id, position);
