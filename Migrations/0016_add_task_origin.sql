-- Where a task was started (issue 31, `stats`): 'run' when this archive's `run` created it (or its
-- outbox sent the `create` that did); NULL for a task the archive only synced.
ALTER TABLE task ADD COLUMN origin TEXT;

-- What `stats` reads, narrowly: the tasks of a range by creation, with every column it counts (a
-- covering index: the wide task rows are never read); and, of the messages, the user turns and the
-- ones with tool calls.
CREATE INDEX task_by_creation ON task (created_at, status, started_at, completed_at, auto_execute, origin, account_id, remote_id);
CREATE INDEX message_user_turns ON message (task_id) WHERE role = 'user';
CREATE INDEX message_tool_calls ON message (task_id) WHERE tool_calls_json IS NOT NULL;
