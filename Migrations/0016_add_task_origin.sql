-- Where a task was started (issue 31, `stats`): 'run' when this archive's `run` created it; NULL for a
-- task the archive only synced (started elsewhere, or by `run` while another process held the archive).
ALTER TABLE task ADD COLUMN origin TEXT;
