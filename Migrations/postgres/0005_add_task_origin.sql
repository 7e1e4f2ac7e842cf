-- Where a task was started (issue 31, `stats`), as SQLite's migration 0016: 'run' when this archive's
-- `run` created it (or its outbox sent the `create` that did); NULL for a task the archive only synced.
ALTER TABLE task ADD COLUMN origin text;

-- What `stats` reads, narrowly: the tasks of a range by creation with every column it counts (an
-- index-only scan once the table is vacuumed); of the messages, the user turns and those with tool calls.
CREATE INDEX task_by_creation ON task (created_at) INCLUDE (status, started_at, completed_at, auto_execute, origin, account_id, remote_id);
CREATE INDEX message_user_turns ON message (task_id) WHERE role = 'user';
CREATE INDEX message_tool_calls ON message (task_id) WHERE tool_calls_json IS NOT NULL;
