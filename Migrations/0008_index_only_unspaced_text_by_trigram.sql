-- The trigram index now holds only entries with text in a script written without spaces (Chinese,
-- Japanese, Thai, Lao, Myanmar, Khmer), where the word index sees a whole sentence as one token.
-- Indexing every entry by trigram cost about two thirds of all ingest time; substrings inside
-- ordinary words are now found by a scan when a word search finds nothing (a rare path).
-- The class below is U+3040-30FF, 31F0-31FF (kana), 3400-4DBF, 4E00-9FFF, F900-FAFF, 20000-3FFFF (Han),
-- FF66-FF9F (half-width kana), 0E00-0EFF (Thai, Lao), 1000-109F (Myanmar), 1780-17FF (Khmer): the same
-- ranges as SearchPlan.isUnspacedScript. `search_doc_unspaced` is the trigram index's external content, so its integrity check and rebuild
-- read exactly the rows it should hold.
DROP TRIGGER search_doc_after_insert;
DROP TRIGGER search_doc_after_delete;
DROP TRIGGER search_doc_after_update;
DROP TABLE search_trigram;

CREATE VIEW search_doc_unspaced AS
    SELECT id, body FROM search_doc
    WHERE body GLOB '*[぀-ヿㇰ-ㇿ㐀-䶿一-鿿豈-﫿ｦ-ﾟ฀-໿က-႟ក-៿𠀀-𿿿]*';

CREATE VIRTUAL TABLE search_trigram USING fts5(
    body, content = 'search_doc_unspaced', content_rowid = 'id',
    tokenize = 'trigram'
);

CREATE TRIGGER search_doc_after_insert AFTER INSERT ON search_doc BEGIN
    INSERT INTO search_fts (rowid, body) VALUES (NEW.id, NEW.body);
    INSERT INTO search_trigram (rowid, body)
        SELECT NEW.id, NEW.body WHERE NEW.body GLOB '*[぀-ヿㇰ-ㇿ㐀-䶿一-鿿豈-﫿ｦ-ﾟ฀-໿က-႟ក-៿𠀀-𿿿]*';
END;

CREATE TRIGGER search_doc_after_delete AFTER DELETE ON search_doc BEGIN
    INSERT INTO search_fts (search_fts, rowid, body) VALUES ('delete', OLD.id, OLD.body);
    INSERT INTO search_trigram (search_trigram, rowid, body)
        SELECT 'delete', OLD.id, OLD.body WHERE OLD.body GLOB '*[぀-ヿㇰ-ㇿ㐀-䶿一-鿿豈-﫿ｦ-ﾟ฀-໿က-႟ក-៿𠀀-𿿿]*';
END;

CREATE TRIGGER search_doc_after_update AFTER UPDATE OF body ON search_doc BEGIN
    INSERT INTO search_fts (search_fts, rowid, body) VALUES ('delete', OLD.id, OLD.body);
    INSERT INTO search_trigram (search_trigram, rowid, body)
        SELECT 'delete', OLD.id, OLD.body WHERE OLD.body GLOB '*[぀-ヿㇰ-ㇿ㐀-䶿一-鿿豈-﫿ｦ-ﾟ฀-໿က-႟ក-៿𠀀-𿿿]*';
    INSERT INTO search_fts (rowid, body) VALUES (NEW.id, NEW.body);
    INSERT INTO search_trigram (rowid, body)
        SELECT NEW.id, NEW.body WHERE NEW.body GLOB '*[぀-ヿㇰ-ㇿ㐀-䶿一-鿿豈-﫿ｦ-ﾟ฀-໿က-႟ក-៿𠀀-𿿿]*';
END;

INSERT INTO search_trigram (search_trigram) VALUES ('rebuild');
