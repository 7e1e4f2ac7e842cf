-- Two costs of keeping the search indexes current, taken out of every write.
--
-- 1. New entries are found by id instead of by trigger. search_doc ids only grow (a new row gets the
--    largest id plus one), so `search_indexed.up_to` — the largest id when the indexes were last
--    brought up to date — splits the table: every entry above it is new to both indexes; entries at
--    or below it are indexed with their current text unless search_pending says otherwise. Inserting
--    an entry now fires no trigger at all: in a sync, the insert trigger of migration 0009 (a nested
--    trigger program plus a NOT EXISTS probe per entry) cost about a third of all message writing.
--    Deleting or rewriting an entry at or below `up_to` still notes, in search_pending, the text the
--    indexes hold for it; above `up_to` there is nothing indexed to take back.
--    `up_to` is set to the largest id present after each update, never kept higher: if the newest
--    entry was deleted, its id is handed out again, and the new row must count as new.
--
-- 2. The trigram test (migration 0008) runs only on text that is not plain ASCII. A byte length equal
--    to the character length means every character is ASCII (a NUL would stop the character count
--    short), and no ASCII character is in the GLOB's class: the same answer, but the character-class
--    GLOB, which decodes the class for every character, now runs on a fifth of the text.
--
-- Unchanged for writers: each write transaction still ends with
--     INSERT INTO search_index_update VALUES (1)

-- Anything a writer left pending is applied under the old rules first.
INSERT INTO search_index_update VALUES (1);

DROP TRIGGER search_index_update;
DROP TRIGGER search_doc_after_insert;
DROP TRIGGER search_doc_after_delete;
DROP TRIGGER search_doc_after_update;

DROP VIEW search_doc_unspaced;
CREATE VIEW search_doc_unspaced AS
    SELECT id, body FROM search_doc
    WHERE length(CAST(body AS BLOB)) <> length(body)
      AND body GLOB '*[぀-ヿㇰ-ㇿ㐀-䶿一-鿿豈-﫿ｦ-ﾟ฀-໿က-႟ក-៿𠀀-𿿿]*';

CREATE TABLE search_indexed (
    only  INTEGER PRIMARY KEY CHECK (only = 1),
    up_to INTEGER NOT NULL
) STRICT;
INSERT INTO search_indexed (only, up_to) VALUES (1, (SELECT ifnull(max(id), 0) FROM search_doc));

CREATE TRIGGER search_doc_after_delete AFTER DELETE ON search_doc
WHEN OLD.id <= (SELECT up_to FROM search_indexed) BEGIN
    INSERT INTO search_pending (id, indexed_body, in_trigram)
        SELECT OLD.id, OLD.body,
               length(CAST(OLD.body AS BLOB)) <> length(OLD.body)
               AND OLD.body GLOB '*[぀-ヿㇰ-ㇿ㐀-䶿一-鿿豈-﫿ｦ-ﾟ฀-໿က-႟ក-៿𠀀-𿿿]*'
        WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE id = OLD.id);
END;

CREATE TRIGGER search_doc_after_update AFTER UPDATE OF body ON search_doc
WHEN OLD.id <= (SELECT up_to FROM search_indexed) BEGIN
    INSERT INTO search_pending (id, indexed_body, in_trigram)
        SELECT OLD.id, OLD.body,
               length(CAST(OLD.body AS BLOB)) <> length(OLD.body)
               AND OLD.body GLOB '*[぀-ヿㇰ-ㇿ㐀-䶿一-鿿豈-﫿ｦ-ﾟ฀-໿က-႟ក-៿𠀀-𿿿]*'
        WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE id = OLD.id);
END;

-- Applies every change: takes back the text noted in search_pending, then indexes the current text of
-- the changed entries (all at or below `up_to`) and of every entry above `up_to`, in id order.
CREATE TRIGGER search_index_update INSTEAD OF INSERT ON search_index_update BEGIN
    INSERT INTO search_fts (search_fts, rowid, body)
        SELECT 'delete', id, indexed_body FROM search_pending WHERE indexed_body IS NOT NULL;
    INSERT INTO search_trigram (search_trigram, rowid, body)
        SELECT 'delete', id, indexed_body FROM search_pending WHERE indexed_body IS NOT NULL AND in_trigram;
    INSERT INTO search_fts (rowid, body)
        SELECT id, body FROM (
            SELECT doc.id, doc.body FROM search_pending AS pending CROSS JOIN search_doc AS doc ON doc.id = pending.id
            UNION ALL
            SELECT id, body FROM search_doc WHERE id > (SELECT up_to FROM search_indexed))
        ORDER BY id;
    INSERT INTO search_trigram (rowid, body)
        SELECT id, body FROM (
            SELECT doc.id, doc.body FROM search_pending AS pending CROSS JOIN search_doc_unspaced AS doc ON doc.id = pending.id
            UNION ALL
            SELECT id, body FROM search_doc_unspaced WHERE id > (SELECT up_to FROM search_indexed))
        ORDER BY id;
    DELETE FROM search_pending;
    UPDATE search_indexed SET up_to = (SELECT ifnull(max(id), 0) FROM search_doc);
END;

-- The message triggers make a message's entries in one statement (a statement costs more than a row
-- here), and skip json_each when a message has no thoughts or tool calls (most have none).
DROP TRIGGER message_after_insert;
DROP TRIGGER message_after_update;

CREATE TRIGGER message_after_insert AFTER INSERT ON message BEGIN
    INSERT INTO search_doc (task_id, message_id, kind, role, tool_name, created_at, body)
        SELECT NEW.task_id, NEW.id, 'message', NEW.role, NULL, NEW.created_at, NEW.content
        WHERE NEW.content <> ''
        UNION ALL
        SELECT NEW.task_id, NEW.id, 'thought', NEW.role, NULL, NEW.created_at,
               trim(ifnull(json_extract(value, '$.subject'), '') || char(10) ||
                    ifnull(json_extract(value, '$.description'), ''), char(10))
        FROM json_each(NEW.thoughts_json) WHERE NEW.thoughts_json IS NOT NULL
        UNION ALL
        SELECT NEW.task_id, NEW.id, 'tool', NEW.role, json_extract(value, '$.toolName'), NEW.created_at,
               trim(ifnull(json_extract(value, '$.toolName'), '') || char(10) ||
                    ifnull(json_extract(value, '$.args'), '') || char(10) ||
                    ifnull(json_extract(value, '$.output'), ''), char(10))
        FROM json_each(NEW.tool_calls_json) WHERE NEW.tool_calls_json IS NOT NULL;
END;

CREATE TRIGGER message_after_update AFTER UPDATE OF content, role, created_at, thoughts_json, tool_calls_json ON message BEGIN
    DELETE FROM search_doc WHERE message_id = OLD.id;
    INSERT INTO search_doc (task_id, message_id, kind, role, tool_name, created_at, body)
        SELECT NEW.task_id, NEW.id, 'message', NEW.role, NULL, NEW.created_at, NEW.content
        WHERE NEW.content <> ''
        UNION ALL
        SELECT NEW.task_id, NEW.id, 'thought', NEW.role, NULL, NEW.created_at,
               trim(ifnull(json_extract(value, '$.subject'), '') || char(10) ||
                    ifnull(json_extract(value, '$.description'), ''), char(10))
        FROM json_each(NEW.thoughts_json) WHERE NEW.thoughts_json IS NOT NULL
        UNION ALL
        SELECT NEW.task_id, NEW.id, 'tool', NEW.role, json_extract(value, '$.toolName'), NEW.created_at,
               trim(ifnull(json_extract(value, '$.toolName'), '') || char(10) ||
                    ifnull(json_extract(value, '$.args'), '') || char(10) ||
                    ifnull(json_extract(value, '$.output'), ''), char(10))
        FROM json_each(NEW.tool_calls_json) WHERE NEW.tool_calls_json IS NOT NULL;
END;
