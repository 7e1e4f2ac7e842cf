-- Where a task was started (issue 31, `stats`), as SQLite's migration 0016: 'run' when this archive's
-- `run` created it; NULL for a task the archive only synced.
ALTER TABLE task ADD COLUMN origin text;
