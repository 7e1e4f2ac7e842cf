-- Full-text search. `search_doc` holds one row per searchable thing, of a `kind`:
--   message  - a message's text                 thought  - one thought (subject + description)
--   tool     - one tool call (name, args, output) artifact - an artifact's name and path
-- Triggers on message and artifact keep it current, so no code outside SQL can forget to. Two FTS5
-- indexes read it as external content (https://sqlite.org/fts5.html#external_content_tables):
-- `search_fts` by words (unicode61, diacritics folded) and `search_trigram` by trigrams, for text
-- without spaces (CJK) and substrings inside words. Rows are appended in sync order, which is time
-- order within a task, so rowid order doubles as recency.
CREATE TABLE search_doc (
    id          INTEGER PRIMARY KEY,
    task_id     INTEGER NOT NULL REFERENCES task(id) ON DELETE CASCADE,
    message_id  INTEGER REFERENCES message(id) ON DELETE CASCADE,
    artifact_id INTEGER REFERENCES artifact(id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('message', 'thought', 'tool', 'artifact')),
    role        TEXT,
    tool_name   TEXT,
    created_at  TEXT,
    body        TEXT    NOT NULL
) STRICT;

CREATE INDEX search_doc_by_message ON search_doc (message_id);
CREATE INDEX search_doc_by_artifact ON search_doc (artifact_id);
CREATE INDEX search_doc_by_task ON search_doc (task_id);

CREATE VIRTUAL TABLE search_fts USING fts5(
    body, content = 'search_doc', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE VIRTUAL TABLE search_trigram USING fts5(
    body, content = 'search_doc', content_rowid = 'id',
    tokenize = 'trigram'
);

-- search_doc -> both indexes. An external-content index must be told the old text to delete it.
CREATE TRIGGER search_doc_after_insert AFTER INSERT ON search_doc BEGIN
    INSERT INTO search_fts (rowid, body) VALUES (NEW.id, NEW.body);
    INSERT INTO search_trigram (rowid, body) VALUES (NEW.id, NEW.body);
END;

CREATE TRIGGER search_doc_after_delete AFTER DELETE ON search_doc BEGIN
    INSERT INTO search_fts (search_fts, rowid, body) VALUES ('delete', OLD.id, OLD.body);
    INSERT INTO search_trigram (search_trigram, rowid, body) VALUES ('delete', OLD.id, OLD.body);
END;

CREATE TRIGGER search_doc_after_update AFTER UPDATE OF body ON search_doc BEGIN
    INSERT INTO search_fts (search_fts, rowid, body) VALUES ('delete', OLD.id, OLD.body);
    INSERT INTO search_trigram (search_trigram, rowid, body) VALUES ('delete', OLD.id, OLD.body);
    INSERT INTO search_fts (rowid, body) VALUES (NEW.id, NEW.body);
    INSERT INTO search_trigram (rowid, body) VALUES (NEW.id, NEW.body);
END;

-- message -> search_doc: the text, each thought, each tool call.
CREATE TRIGGER message_after_insert AFTER INSERT ON message BEGIN
    INSERT INTO search_doc (task_id, message_id, kind, role, created_at, body)
        SELECT NEW.task_id, NEW.id, 'message', NEW.role, NEW.created_at, NEW.content
        WHERE NEW.content <> '';
    INSERT INTO search_doc (task_id, message_id, kind, role, created_at, body)
        SELECT NEW.task_id, NEW.id, 'thought', NEW.role, NEW.created_at,
               trim(ifnull(json_extract(value, '$.subject'), '') || char(10) ||
                    ifnull(json_extract(value, '$.description'), ''), char(10))
        FROM json_each(ifnull(NEW.thoughts_json, '[]'));
    INSERT INTO search_doc (task_id, message_id, kind, role, tool_name, created_at, body)
        SELECT NEW.task_id, NEW.id, 'tool', NEW.role, json_extract(value, '$.toolName'), NEW.created_at,
               trim(ifnull(json_extract(value, '$.toolName'), '') || char(10) ||
                    ifnull(json_extract(value, '$.args'), '') || char(10) ||
                    ifnull(json_extract(value, '$.output'), ''), char(10))
        FROM json_each(ifnull(NEW.tool_calls_json, '[]'));
END;

CREATE TRIGGER message_after_update AFTER UPDATE OF content, role, created_at, thoughts_json, tool_calls_json ON message BEGIN
    DELETE FROM search_doc WHERE message_id = OLD.id;
    INSERT INTO search_doc (task_id, message_id, kind, role, created_at, body)
        SELECT NEW.task_id, NEW.id, 'message', NEW.role, NEW.created_at, NEW.content
        WHERE NEW.content <> '';
    INSERT INTO search_doc (task_id, message_id, kind, role, created_at, body)
        SELECT NEW.task_id, NEW.id, 'thought', NEW.role, NEW.created_at,
               trim(ifnull(json_extract(value, '$.subject'), '') || char(10) ||
                    ifnull(json_extract(value, '$.description'), ''), char(10))
        FROM json_each(ifnull(NEW.thoughts_json, '[]'));
    INSERT INTO search_doc (task_id, message_id, kind, role, tool_name, created_at, body)
        SELECT NEW.task_id, NEW.id, 'tool', NEW.role, json_extract(value, '$.toolName'), NEW.created_at,
               trim(ifnull(json_extract(value, '$.toolName'), '') || char(10) ||
                    ifnull(json_extract(value, '$.args'), '') || char(10) ||
                    ifnull(json_extract(value, '$.output'), ''), char(10))
        FROM json_each(ifnull(NEW.tool_calls_json, '[]'));
END;

-- artifact -> search_doc: its name and path.
CREATE TRIGGER artifact_after_insert AFTER INSERT ON artifact BEGIN
    INSERT INTO search_doc (task_id, artifact_id, kind, created_at, body)
        VALUES (NEW.task_id, NEW.id, 'artifact', NEW.modified_at, NEW.name || char(10) || NEW.path);
END;

CREATE TRIGGER artifact_after_update AFTER UPDATE OF name, path, modified_at ON artifact BEGIN
    UPDATE search_doc SET body = NEW.name || char(10) || NEW.path, created_at = NEW.modified_at
        WHERE artifact_id = NEW.id;
END;
