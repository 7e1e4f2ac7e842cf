public import ArchiveStore
import Crypto
import Foundation
import PostgresNIO

extension PostgresArchive {
    /// What `verify --repair` mends: damaged blobs, chunks without a blob, and search entries.
    struct Repairs {
        var damaged: [String] = []
        var orphaned: [String] = []
        var searchIndex = false
        var isEmpty: Bool { damaged.isEmpty && orphaned.isEmpty && !searchIndex }
    }

    /// Checks a PostgreSQL archive: every blob's chunks are read back one at a time (never the whole
    /// file), must run 0, 1, 2 … and hash to the blob's name and size; chunks without a blob are listed;
    /// and the search entries must match what the messages and artifacts hold. The database's own
    /// consistency (foreign keys, CHECKs) PostgreSQL keeps itself. With `repair`, what was found is
    /// mended in one transaction (see `repair(_:)`).
    public func verify(repair: Bool = false, progress: (Int64) -> Void = { _ in }) async throws -> VerifyReport {
        var (report, repairs) = try await check(progress: progress)
        if repair && !repairs.isEmpty {
            let found = repairs
            try await write { writer in try writer.repair(found) }
            report.repaired = true
        }
        return report
    }

    private func check(progress: (Int64) -> Void) async throws -> (VerifyReport, Repairs) {
        try await read("verifying") {
            var report = VerifyReport()
            var repairs = Repairs()
            let blobs = try await connection.rows(PostgresStatement("SELECT sha256, size FROM blob ORDER BY sha256"), logger: Self.logger)
            for row in blobs {
                let column = Columns(row)
                let hex: String = try column("sha256")
                let size: Int64 = try column("size")
                var hasher = SHA256()
                var bytes: Int64 = 0
                var chunk = 0
                try await readBlob(BlobHash(hex: hex)!) { data in   // the schema allows only 64 hex digits
                    hasher.update(bufferPointer: data)
                    bytes += Int64(data.count)
                    chunk += 1
                }
                let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
                if digest != hex || bytes != size {
                    report.problems.append(.init(kind: .blobDamaged, detail: "blob \(hex): \(bytes) bytes in \(chunk) chunks hash to \(digest.prefix(16))…, not its name and size \(size)",
                                                 repair: "delete it; its artifacts are downloaded again by the next sync"))
                    repairs.damaged.append(hex)
                }
                report.blobsChecked += 1
                report.bytesHashed += bytes
                progress(report.bytesHashed)
            }
            let orphans = try await connection.rows(PostgresStatement("""
                SELECT DISTINCT c.sha256 FROM blob_chunk c LEFT JOIN blob b ON b.sha256 = c.sha256 WHERE b.sha256 IS NULL
                """), logger: Self.logger)
            for row in orphans {
                let hex: String = try Columns(row)("sha256")
                report.problems.append(.init(kind: .blobOrphaned, detail: "chunks of \(hex) with no blob row", repair: "delete them"))
                repairs.orphaned.append(hex)
            }
            // What the triggers should have made, against what is there, kind by kind.
            let expected = try await connection.rows(PostgresStatement("""
                SELECT 'message' AS kind, (SELECT count(*) FROM message WHERE content <> '') AS want,
                       (SELECT count(*) FROM search_doc WHERE kind = 'message') AS have
                UNION ALL
                SELECT 'thought', (SELECT coalesce(sum(json_array_length(coalesce(thoughts_json, '[]')::json)), 0) FROM message),
                       (SELECT count(*) FROM search_doc WHERE kind = 'thought')
                UNION ALL
                SELECT 'tool', (SELECT coalesce(sum(json_array_length(coalesce(tool_calls_json, '[]')::json)), 0) FROM message),
                       (SELECT count(*) FROM search_doc WHERE kind = 'tool')
                UNION ALL
                SELECT 'artifact', (SELECT count(*) FROM artifact), (SELECT count(*) FROM search_doc WHERE kind = 'artifact')
                """), logger: Self.logger)
            for row in expected {
                let column = Columns(row)
                let want: Int64 = try column("want")
                let have: Int64 = try column("have")
                if want != have {
                    report.problems.append(.init(kind: .searchIndex, detail: "\(try column("kind", as: String.self)) entries: \(have) in search_doc, \(want) expected",
                                                 repair: "rebuild search_doc from the messages and artifacts"))
                    repairs.searchIndex = true
                }
            }
            return (report, repairs)
        }
    }
}

extension PostgresArchiveWriter {
    /// Mends what `verify` found, in the verifying process's one transaction: a damaged blob is dropped
    /// and its artifacts go back to `pending`, so the next sync downloads them again (one an unsent
    /// outbox item still needs is kept: the item is sent from it or dropped first); chunks without a
    /// blob are deleted; and `search_doc` is rebuilt as the triggers make it.
    func repair(_ repairs: PostgresArchive.Repairs) throws {
        for hex in repairs.damaged {
            var held = PostgresStatement()
            held.sql = "SELECT 1 FROM outbox_file WHERE blob_sha256 = \(held.bind(hex)) LIMIT 1"
            if try !run(held).isEmpty { continue }
            var forget = PostgresStatement()
            forget.sql = """
                UPDATE artifact SET blob_sha256 = NULL, fetch_state = 'pending', fetch_error = NULL, fetch_failures = 0
                WHERE blob_sha256 = \(forget.bind(hex))
                """
            try run(forget)
            var remove = PostgresStatement()
            let bound = remove.bind(hex)
            remove.sql = "WITH gone AS (DELETE FROM blob WHERE sha256 = \(bound)) DELETE FROM blob_chunk WHERE sha256 = \(bound)"
            try run(remove)
        }
        for hex in repairs.orphaned {
            var remove = PostgresStatement()
            remove.sql = "DELETE FROM blob_chunk WHERE sha256 = \(remove.bind(hex)) AND NOT EXISTS (SELECT 1 FROM blob WHERE sha256 = \(remove.bind(hex)))"
            try run(remove)
        }
        if repairs.searchIndex {
            try run(PostgresStatement("DELETE FROM search_doc"))
            // The artifact trigger's entry (migration 0001), then the message trigger, fired by rewriting each row.
            try run(PostgresStatement("""
                INSERT INTO search_doc (task_id, artifact_id, kind, created_at, body)
                SELECT task_id, id, 'artifact', modified_at, name || E'\\n' || path FROM artifact
                """))
            try run(PostgresStatement("UPDATE message SET content = content"))
        }
    }
}
