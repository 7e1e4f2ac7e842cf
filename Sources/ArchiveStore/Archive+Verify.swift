import Foundation
internal import GRDB

/// What `verify` found: every problem, one line each, with what `--repair` would do about it.
public struct VerifyReport: Sendable, Codable, Equatable {
    public struct Problem: Sendable, Codable, Equatable {
        public enum Kind: String, Sendable, Codable, CaseIterable {
            /// SQLite's own integrity check failed.
            case database
            case foreignKey = "foreign-key"
            /// A search index disagrees with the entries it indexes.
            case searchIndex = "search-index"
            /// A row names a blob that is not on disk.
            case blobMissing = "blob-missing"
            /// A blob's bytes do not hash to its name.
            case blobDamaged = "blob-damaged"
            /// A blob file that no row names.
            case blobOrphaned = "blob-orphaned"
            /// A file in blobs/ that is not a blob at all.
            case blobStray = "blob-stray"
        }

        public let kind: Kind
        public let detail: String
        /// What `verify --repair` does (or did) about it; nil when only a person can fix it.
        public let repair: String?

        package init(kind: Kind, detail: String, repair: String?) {
            self.kind = kind
            self.detail = detail
            self.repair = repair
        }
    }

    public var problems: [Problem] = []
    public var blobsChecked = 0
    public var bytesHashed: Int64 = 0
    public var repaired = false
    /// The process that was writing to the archive while it was checked (e.g. "sync (pid 123)"), if
    /// any. Its work in flight, search entries not yet indexed and blob files whose rows are not yet
    /// committed, is not counted as a problem.
    public var writer: String?
    /// Stored files that no row names yet because the last sync stopped before naming them: the next
    /// sync does (not problems).
    public var awaitingSync = 0
    /// Unlinked stored files a `redact` or `forget` cut short left for its purge.
    public var awaitingPurge = 0

    public var isClean: Bool { problems.isEmpty }

    package init() {}
}

extension Archive {
    /// Checks the whole archive: SQLite's own integrity check and foreign keys, both search indexes
    /// against the rows they index, and every blob re-hashed against its name; lists blobs that are
    /// missing, damaged, or on disk with no row (orphans). `progress` gets the bytes hashed so far.
    ///
    /// With `repair`, fixable problems are fixed: search indexes are rebuilt from their rows; a missing
    /// or damaged blob is dropped and its artifacts set back to pending, so the next sync downloads
    /// them again; orphaned blob files are deleted. Database corruption is never "repaired" here.
    /// When the newest sync run started, if it did not end well (failed, stopped, crashed, or some of
    /// its tasks failed).
    private func purgeIsPending() throws -> Bool {
        try read("checking for a purge") { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM setting WHERE name = ?)", arguments: [ArchiveSetting.purgePending.rawValue]) ?? false
        }
    }

    private func unfinishedSyncStart() throws -> Date? {
        try read("checking the last sync") { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT started_at, outcome FROM sync_run ORDER BY id DESC LIMIT 1"),
                  (row["outcome"] as String?) != SyncRunOutcome.ok.rawValue else { return nil }
            // Whole seconds: a file's time and the run's are rounded differently.
            return Timestamp.parse(row["started_at"]).map { $0.addingTimeInterval(-1) }
        }
    }

    public func verify(repair: Bool = false, progress: (Int64) -> Void = { _ in }) throws -> VerifyReport {
        var report = VerifyReport()
        if repair, case .readOnly(let reason) = access { throw ArchiveError.readOnly(reason: reason) }

        let (integrity, foreignKeys, blobRows) = try read("checking the database") { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
            let foreignKeys = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").map { row -> String in
                "\(row[0] as String? ?? "?") row \(row[1] as Int64? ?? -1) points at a missing \(row[2] as String? ?? "?") row"
            }
            let blobRows = try Row.fetchAll(db, sql: "SELECT sha256, size FROM blob ORDER BY sha256").map { row in
                (hex: row["sha256"] as String, size: row["size"] as Int64)
            }
            return (integrity, foreignKeys, blobRows)
        }
        for line in integrity {
            report.problems.append(.init(kind: .database, detail: line, repair: nil))
        }
        for line in foreignKeys {
            report.problems.append(.init(kind: .foreignKey, detail: line, repair: nil))
        }

        // A running sync indexes its search entries about once a second, and stores a blob before the
        // row that names it commits.
        report.writer = repair ? nil : ArchiveLock.holder(of: self)

        // Changes left unapplied by a writer that is gone (each sync indexes all it wrote before it
        // finishes, migrations 0009 and 0010) mean both indexes are behind their rows.
        let unapplied = try read("checking the search index") { db in
            try Int.fetchOne(db, sql: """
                SELECT (SELECT count(*) FROM search_pending)
                     + (SELECT count(*) FROM search_doc WHERE id > (SELECT up_to FROM search_indexed))
                """) ?? 0
        }
        let damagedIndexes: [String]
        var unindexed = false
        if unapplied > 0 && report.writer != nil {
            damagedIndexes = []   // in flight: checking the indexes against their rows would fail too
        } else if unapplied > 0 {
            // Indexing them is what the next write would do; until then the indexes cannot be checked
            // against their rows (run verify again after the repair).
            report.problems.append(.init(kind: .searchIndex,
                                         detail: "\(unapplied) search entries changed without their index being updated (a writer stopped before indexing them)",
                                         repair: "index them"))
            unindexed = true
            damagedIndexes = []
        } else {
            damagedIndexes = try searchIndexProblems()
            for table in damagedIndexes {
                report.problems.append(.init(kind: .searchIndex,
                                             detail: "\(table) does not match the text it indexes",
                                             repair: "rebuild \(table) from its rows"))
            }
        }

        // Blobs: every row's file re-hashed; every file checked for a row.
        let onDisk = try blobs.inventory()
        var badBlobs: [String] = []
        var hashed: Int64 = 0
        for row in blobRows {
            guard let hash = BlobHash(hex: row.hex) else { continue }   // the CHECK constraint keeps these out
            report.blobsChecked += 1
            guard let size = onDisk.blobs[hash] else {
                report.problems.append(.init(kind: .blobMissing, detail: "blob \(row.hex) is not in blobs/",
                                             repair: "forget it; its artifacts are downloaded again by the next sync"))
                badBlobs.append(row.hex)
                continue
            }
            let matches = size == row.size && (try? blobs.verify(hash)) == true
            hashed += max(0, size)
            progress(hashed)
            if !matches {
                report.problems.append(.init(kind: .blobDamaged,
                                             detail: "blob \(row.hex) does not hash to its name (\(size) bytes on disk, \(row.size) expected)",
                                             repair: "delete it; its artifacts are downloaded again by the next sync"))
                badBlobs.append(row.hex)
            }
        }
        report.bytesHashed = hashed
        let known = Set(blobRows.map(\.hex))
        var orphans = report.writer != nil ? [] : onDisk.blobs.keys.filter { !known.contains($0.hex) }.sorted()
        // Files the last sync stored before it stopped (a full disk, a failed task, a crash) are named by
        // the commit of the next one: they are not problems, and --repair leaves them to it.
        if let unfinished = try unfinishedSyncStart() {
            let awaiting = orphans.filter { hash in
                let modified = (try? FileManager.default.attributesOfItem(atPath: blobs.url(for: hash).path)[.modificationDate]) as? Date
                return modified.map { $0 >= unfinished } ?? false
            }
            report.awaitingSync = awaiting.count
            orphans.removeAll { awaiting.contains($0) }
        }
        // A `redact` or `forget` cut short between a commit and the deletion of the files it unlinked
        // leaves them to the purge it marked due; the next `redact` or `forget` deletes them.
        if try purgeIsPending() {
            report.awaitingPurge = orphans.count
            orphans = []
        }
        for hash in orphans {
            report.problems.append(.init(kind: .blobOrphaned, detail: "blobs/\(hash.hex.prefix(2))/\(hash.hex.dropFirst(2)) belongs to no artifact",
                                         repair: "delete the file"))
        }
        for stray in onDisk.strays {
            report.problems.append(.init(kind: .blobStray, detail: "blobs/\(stray) is not a blob file", repair: nil))
        }

        if repair && (unindexed || !(damagedIndexes.isEmpty && badBlobs.isEmpty && orphans.isEmpty)) {
            // Like every write, this one indexes the entries left unindexed as it ends.
            try write { writer in
                // A rebuild reads the rows as they are now, so nothing stays pending.
                if !damagedIndexes.isEmpty {
                    try writer.db.execute(sql: """
                        DELETE FROM search_pending;
                        UPDATE search_indexed SET up_to = (SELECT ifnull(max(id), 0) FROM search_doc);
                        """)
                }
                for table in damagedIndexes {
                    try writer.db.execute(sql: "INSERT INTO \(table) (\(table)) VALUES ('rebuild')")
                }
                for hex in badBlobs {
                    // Its tasks are fetched again by the next sync, which downloads pending artifacts.
                    try writer.db.execute(sql: """
                        UPDATE task SET sync_state = 'listed'
                        WHERE sync_state = 'synced' AND id IN (SELECT task_id FROM artifact WHERE blob_sha256 = ?)
                        """, arguments: [hex])
                    try writer.db.execute(sql: """
                        UPDATE artifact SET blob_sha256 = NULL, fetch_state = 'pending', fetch_error = NULL
                        WHERE blob_sha256 = ?
                        """, arguments: [hex])
                    try writer.db.execute(sql: "DELETE FROM blob WHERE sha256 = ?", arguments: [hex])
                }
            }
            // Files go only after the rows that name them are gone.
            for hex in badBlobs {
                if let hash = BlobHash(hex: hex) { try? FileManager.default.removeItem(at: blobs.url(for: hash)) }
            }
            for hash in orphans { try? FileManager.default.removeItem(at: blobs.url(for: hash)) }
            report.repaired = true
        }
        return report
    }

    /// The search indexes whose contents differ from the rows they index. FTS5's integrity check is
    /// a statement that writes nothing; it runs inside a transaction that is rolled back.
    func searchIndexProblems() throws -> [String] {
        var damaged: [String] = []
        for table in ["search_fts", "search_trigram"] {
            do {
                try pool.writeWithoutTransaction { db in
                    try db.inTransaction(.deferred) {
                        try db.execute(sql: "INSERT INTO \(table) (\(table), rank) VALUES ('integrity-check', 1)")
                        return .rollback
                    }
                }
            } catch let error as DatabaseError
                where error.resultCode == .SQLITE_CORRUPT || error.extendedResultCode == .SQLITE_CORRUPT_VTAB {
                damaged.append(table)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_READONLY {
                continue   // a read-only archive cannot run the check; the other checks still do
            } catch let error as DatabaseError {
                throw ArchiveError(error, path: databaseURL.path, operation: "checking the search index")
            }
        }
        return damaged
    }
}
