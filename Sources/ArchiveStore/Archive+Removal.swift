import Foundation
internal import GRDB

/// The archive's settings and audit (migration 0014), and the purge that makes removed text
/// unreadable in a folder's bytes.
extension Archive {
    public func settings() async throws -> [String: String] {
        try await read("reading the archive's settings") { db in
            Dictionary(try Row.fetchAll(db, sql: "SELECT name, value FROM setting").map { ($0["name"], $0["value"]) },
                       uniquingKeysWith: { _, last in last })
        }
    }

    public func auditLog() async throws -> [AuditEntry] {
        try await read("reading the audit") { db in
            try Row.fetchAll(db, sql: "SELECT at, command, tasks, findings, bytes, rules, detail FROM audit ORDER BY id").map { row in
                let rules: String = row["rules"]
                return AuditEntry(at: row["at"], record: AuditRecord(
                    command: row["command"], tasks: row["tasks"], findings: row["findings"], bytes: row["bytes"],
                    rules: rules.split(separator: ",").map(String.init), detail: row["detail"]))
            }
        }
    }

    /// Where removed text can linger in a folder, and how each place is emptied:
    /// - stored files no row names: deleted (the caller holds the writer's claim, so no sync is
    ///   storing new ones);
    /// - the search indexes: an external-content FTS5 index takes a row back by adding a delete marker,
    ///   while the old segment keeps the words until segments merge; `optimize` merges each index into
    ///   one segment, which drops them (https://sqlite.org/fts5.html#the_optimize_command);
    /// - free pages and the free space inside pages: `secure_delete` zeroes what is deleted from here
    ///   on, and VACUUM rewrites the file with live rows only;
    /// - the WAL, which holds earlier versions of pages: a TRUNCATE checkpoint copies it into the file
    ///   and cuts it to zero bytes. A process still reading an old snapshot stops that; it is reported,
    ///   and `purge-pending` stays set so the next `redact` or `forget` finishes the work.
    public func purge() async throws -> PurgeReport {
        if case .readOnly(let reason) = access { throw ArchiveError.readOnly(reason: reason) }
        var report = PurgeReport()
        report.bytesBefore = diskBytes()
        let named = try await read("listing stored files") { db in Set(try String.fetchAll(db, sql: "SELECT sha256 FROM blob")) }
        for hash in try blobs.inventory().blobs.keys where !named.contains(hash.hex) {
            try FileManager.default.removeItem(at: blobs.url(for: hash))
            report.blobsDeleted += 1
        }
        let path = databaseURL.path
        do {
            let checkpoint = try await pool.writeWithoutTransaction { db -> (busy: Bool, walFrames: Int) in
                try db.execute(sql: "PRAGMA secure_delete = ON")
                try db.inTransaction(.immediate) {
                    try db.execute(sql: """
                        INSERT INTO search_fts (search_fts) VALUES ('optimize');
                        INSERT INTO search_trigram (search_trigram) VALUES ('optimize');
                        """)
                    return .commit
                }
                try db.execute(sql: "VACUUM")
                // busy, frames in the WAL, frames copied: (0, 0, 0) once the WAL is empty.
                let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")!
                let busy = (row[0] as Int) != 0
                if !busy {
                    try db.inTransaction(.immediate) {
                        try db.execute(sql: "DELETE FROM setting WHERE name = ?", arguments: [ArchiveSetting.purgePending.rawValue])
                        return .commit
                    }
                    // That commit went to the WAL: empty it again.
                    _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                }
                return (busy, row[1])
            }
            if checkpoint.busy {
                report.unfinished.append("another process is reading the archive, so its WAL (\(checkpoint.walFrames) pages) "
                                         + "still holds earlier pages; run again when it has finished")
            }
        } catch let error as DatabaseError {
            throw ArchiveError(error, path: path, operation: "purging removed text")
        }
        report.bytesAfter = diskBytes()
        return report
    }

    /// The database, its WAL and the stored files, in bytes.
    func diskBytes() -> Int64 {
        let files = FileManager.default
        let database = [databaseURL.path, databaseURL.path + "-wal"].reduce(Int64(0)) { total, path in
            total + ((try? files.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0)
        }
        let stored = ((try? blobs.inventory().blobs.values.reduce(0, +)) ?? 0)
        return database + stored
    }
}

extension Archive {
    public func discardUnlinkedBlob(_ hash: BlobHash) async throws {
        let linked = try await read("looking up a stored file") { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM blob WHERE sha256 = ?)", arguments: [hash.hex]) ?? false
        }
        if !linked { try? FileManager.default.removeItem(at: blobs.url(for: hash)) }
    }
}

extension Archive {
    public func tombstones() async throws -> [Tombstone] {
        try await read("reading the forgotten tasks") { db in
            try Row.fetchAll(db, sql: """
                SELECT t.*, a.base_url, a.key_fingerprint FROM tombstone t JOIN account a ON a.id = t.account_id
                ORDER BY t.forgotten_at DESC, t.remote_id
                """).map { row in
                Tombstone(account: AccountID(rawValue: row["account_id"]), accountBaseURL: row["base_url"],
                          accountFingerprint: row["key_fingerprint"], remoteID: row["remote_id"], forgottenAt: row["forgotten_at"],
                          reason: row["reason"], lastActivityAt: row["last_activity_at"])
            }
        }
    }
}
