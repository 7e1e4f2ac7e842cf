public import ArchiveStore

/// A dump that two syncs of the same remote state agree on, whatever their interleaving: every task,
/// message, artifact and blob row, without row ids, links between rows, local clock values and the
/// per-run bookkeeping (sync runs, cursors, the outbox, attach sessions and their events — which also differ
/// between following a run live and syncing it afterwards), nor a task's `origin` (what this archive
/// did, which a sync of the remote state cannot know); rows are compared as sorted text.
public func contentDump(_ archive: Archive) throws -> String {
    try archive.canonicalDump(
        excludingColumns: ["id", "task_id", "account_id", "message_id", "artifact_id", "session_id", "first_seen_at",
                           "last_synced_at", "stored_at", "origin"],
        skippingTables: ["sync_run", "sync_cursor", "attach_session", "stream_event", "schema_migration", "account", "outbox", "outbox_file",
                        "search_indexed"])
}
