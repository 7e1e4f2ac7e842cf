-- The JSON columns hold the server's JSON text byte for byte. Their checks parsed it as jsonb, which
-- refuses the escape \u0000 (jsonb cannot hold a NUL character): a file named with a NUL, whose raw
-- listing says "nul\u0000byte.txt", could not be recorded, and its task failed to sync every time.
-- The json type checks the same syntax and accepts the escape.
ALTER TABLE task
    DROP CONSTRAINT task_env_json_check,
    DROP CONSTRAINT task_output_json_check,
    DROP CONSTRAINT task_pending_approvals_json_check,
    DROP CONSTRAINT task_raw_list_json_check,
    DROP CONSTRAINT task_raw_get_json_check,
    ADD CONSTRAINT task_env_json_check CHECK (env_json IS NULL OR env_json::json IS NOT NULL),
    ADD CONSTRAINT task_output_json_check CHECK (output_json IS NULL OR output_json::json IS NOT NULL),
    ADD CONSTRAINT task_pending_approvals_json_check CHECK (pending_approvals_json IS NULL OR pending_approvals_json::json IS NOT NULL),
    ADD CONSTRAINT task_raw_list_json_check CHECK (raw_list_json IS NULL OR raw_list_json::json IS NOT NULL),
    ADD CONSTRAINT task_raw_get_json_check CHECK (raw_get_json IS NULL OR raw_get_json::json IS NOT NULL);

ALTER TABLE message
    DROP CONSTRAINT message_thoughts_json_check,
    DROP CONSTRAINT message_tool_calls_json_check,
    DROP CONSTRAINT message_attached_files_json_check,
    DROP CONSTRAINT message_raw_json_check,
    ADD CONSTRAINT message_thoughts_json_check CHECK (thoughts_json IS NULL OR thoughts_json::json IS NOT NULL),
    ADD CONSTRAINT message_tool_calls_json_check CHECK (tool_calls_json IS NULL OR tool_calls_json::json IS NOT NULL),
    ADD CONSTRAINT message_attached_files_json_check CHECK (attached_files_json IS NULL OR attached_files_json::json IS NOT NULL),
    ADD CONSTRAINT message_raw_json_check CHECK (raw_json::json IS NOT NULL);

ALTER TABLE artifact
    DROP CONSTRAINT artifact_raw_json_check,
    ADD CONSTRAINT artifact_raw_json_check CHECK (raw_json::json IS NOT NULL);
