public import ArchiveStore
import Foundation
import PostgresNIO

/// The archive's settings and audit (migration 0003), and the purge after `redact` or `forget`.
extension PostgresArchive {
    public func settings() async throws -> [String: String] {
        try await read("reading the archive's settings") {
            var settings: [String: String] = [:]
            for row in try await connection.rows(PostgresStatement("SELECT name, value FROM setting"), logger: Self.logger) {
                let column = Columns(row)
                settings[try column("name")] = try column("value")
            }
            return settings
        }
    }

    public func auditLog() async throws -> [AuditEntry] {
        try await read("reading the audit") {
            try await connection.rows(PostgresStatement("SELECT * FROM audit ORDER BY id"), logger: Self.logger).map { row in
                let column = Columns(row)
                let rules: String = try column("rules")
                return AuditEntry(at: try column("at"), record: AuditRecord(
                    command: try column("command"), tasks: try column("tasks", as: Int32.self).int,
                    findings: try column("findings", as: Int32.self).int, bytes: try column("bytes"),
                    rules: rules.split(separator: ",").map(String.init), detail: try column("detail")))
            }
        }
    }

    /// The tables rows are rewritten in or removed from. An UPDATE or DELETE leaves the old row version
    /// in its page until VACUUM removes it (and the index entries pointing at it); VACUUM cannot run
    /// inside a transaction, so this runs on the reading connection, which never opens one.
    static let purgedTables = ["task", "message", "stream_event", "search_doc", "attach_session", "artifact",
                               "blob", "blob_chunk", "outbox", "outbox_file", "setting"]

    public func purge() async throws -> PurgeReport {
        guard writable else { throw ArchiveError.readOnly(reason: "the database has a newer schema than this build") }
        var report = PurgeReport()
        report.bytesBefore = try await databaseBytes()
        try await read("vacuuming the archive's tables") {
            _ = try await connection.rows(PostgresStatement("VACUUM (ANALYZE) \(Self.purgedTables.joined(separator: ", "))"),
                                          logger: Self.logger)
        }
        try await write { try $0.setSetting(.purgePending, to: nil) }
        report.bytesAfter = try await databaseBytes()
        return report
    }

    func databaseBytes() async throws -> Int64 {
        try await read("measuring the archive") {
            let rows = try await connection.rows(PostgresStatement("SELECT pg_database_size(current_database()) AS size"), logger: Self.logger)
            return try rows.first.map { try Columns($0)("size") } ?? 0
        }
    }
}

private extension Int32 {
    var int: Int { Int(self) }
}

extension PostgresArchive {
    /// A download waits in this process's spool until a commit streams it in; one that no commit will
    /// take is removed from there.
    public func discardUnlinkedBlob(_ hash: BlobHash) async throws {
        try? FileManager.default.removeItem(at: blobs.url(for: hash))
    }
}

extension PostgresArchive {
    public func tombstones() async throws -> [Tombstone] {
        try await read("reading the forgotten tasks") {
            try await connection.rows(PostgresStatement("""
                SELECT t.*, a.base_url, a.key_fingerprint FROM tombstone t JOIN account a ON a.id = t.account_id
                ORDER BY t.forgotten_at DESC, t.remote_id
                """), logger: Self.logger).map { row in
                let column = Columns(row)
                return Tombstone(account: AccountID(try column("account_id", as: Int64.self)), accountBaseURL: try column("base_url"),
                                 accountFingerprint: try column("key_fingerprint"), remoteID: try column("remote_id"),
                                 forgottenAt: try column("forgotten_at"), reason: try column("reason"),
                                 lastActivityAt: try column("last_activity_at"))
            }
        }
    }
}
