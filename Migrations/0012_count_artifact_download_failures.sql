-- A listed file whose download answers 404 is counted rather than failing its whole task for ever:
-- `fetch_failures` is how many syncs in a row found it missing. At the third (the sync engine's
-- `FetchPlan.givingUpAfter`) the file is recorded `failed` with the server's answer in fetch_error,
-- and its task counts as synced; a changed listing (size or time) makes it pending again, from 0.
ALTER TABLE artifact ADD COLUMN fetch_failures INTEGER NOT NULL DEFAULT 0 CHECK (fetch_failures >= 0);
