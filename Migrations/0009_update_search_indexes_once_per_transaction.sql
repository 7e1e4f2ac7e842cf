-- The search indexes are now brought up to date once per write transaction instead of once per row.
--
-- Why: inside a transaction, every statement that keeps a statement journal (any insert whose triggers
-- write elsewhere, such as a message insert) opens a savepoint on each FTS5 table already written in
-- that transaction, and FTS5 writes its pending terms out as a new index segment at every savepoint.
-- With the indexes written by triggers, each message of a sync became its own segment, to be merged
-- again later: most of the time a sync spent in SQLite.
--
-- Now the triggers on search_doc only note which entries changed, with the text the indexes hold for
-- them, in `search_pending`. The writer ends each transaction with
--     INSERT INTO search_index_update VALUES (1)
-- whose trigger moves every pending change into both indexes in a few set-wise statements and empties
-- `search_pending`; readers see only committed transactions, so they always see the indexes current.
-- A change left pending by a writer that skipped this step is applied by the next one, and reported
-- by `verify`.
DROP TRIGGER search_doc_after_insert;
DROP TRIGGER search_doc_after_delete;
DROP TRIGGER search_doc_after_update;

-- One row per search_doc entry whose index entries are out of date. `indexed_body` is the text both
-- indexes hold for it (NULL: none), and `in_trigram` whether the trigram index holds it; the first
-- change in a transaction records them, later ones keep them. (The triggers test NOT EXISTS rather
-- than use INSERT OR IGNORE: inside a trigger, the conflict clause of the statement that fired it
-- overrides the trigger's own, so an upsert of a message would turn IGNORE into an error.)
CREATE TABLE search_pending (
    id           INTEGER PRIMARY KEY,
    indexed_body TEXT,
    in_trigram   INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE TRIGGER search_doc_after_insert AFTER INSERT ON search_doc BEGIN
    INSERT INTO search_pending (id, indexed_body, in_trigram)
        SELECT NEW.id, NULL, 0 WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE id = NEW.id);
END;

CREATE TRIGGER search_doc_after_delete AFTER DELETE ON search_doc BEGIN
    INSERT INTO search_pending (id, indexed_body, in_trigram)
        SELECT OLD.id, OLD.body, OLD.body GLOB '*[぀-ヿㇰ-ㇿ㐀-䶿一-鿿豈-﫿ｦ-ﾟ฀-໿က-႟ក-៿𠀀-𿿿]*'
        WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE id = OLD.id);
END;

CREATE TRIGGER search_doc_after_update AFTER UPDATE OF body ON search_doc BEGIN
    INSERT INTO search_pending (id, indexed_body, in_trigram)
        SELECT OLD.id, OLD.body, OLD.body GLOB '*[぀-ヿㇰ-ㇿ㐀-䶿一-鿿豈-﫿ｦ-ﾟ฀-໿က-႟ក-៿𠀀-𿿿]*'
        WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE id = OLD.id);
END;

-- Inserting into this view applies every pending change. The new text comes from search_doc (all
-- entries) and search_doc_unspaced (the trigram index's content, migration 0008), in id order.
-- CROSS JOIN keeps search_pending the outer loop, so each entry is looked up by id rather than the
-- whole of search_doc scanned.
CREATE VIEW search_index_update AS SELECT 1 AS apply;

CREATE TRIGGER search_index_update INSTEAD OF INSERT ON search_index_update BEGIN
    INSERT INTO search_fts (search_fts, rowid, body)
        SELECT 'delete', id, indexed_body FROM search_pending WHERE indexed_body IS NOT NULL;
    INSERT INTO search_trigram (search_trigram, rowid, body)
        SELECT 'delete', id, indexed_body FROM search_pending WHERE indexed_body IS NOT NULL AND in_trigram;
    INSERT INTO search_fts (rowid, body)
        SELECT doc.id, doc.body FROM search_pending AS pending CROSS JOIN search_doc AS doc ON doc.id = pending.id
        ORDER BY doc.id;
    INSERT INTO search_trigram (rowid, body)
        SELECT doc.id, doc.body FROM search_pending AS pending CROSS JOIN search_doc_unspaced AS doc ON doc.id = pending.id
        ORDER BY doc.id;
    DELETE FROM search_pending;
END;
