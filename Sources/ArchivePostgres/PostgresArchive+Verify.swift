public import ArchiveStore
import Crypto
import Foundation
import PostgresNIO

extension PostgresArchive {
    /// Checks a PostgreSQL archive, reading only: every blob's chunks are read back one at a time (never
    /// the whole file), must run 0, 1, 2 … and hash to the blob's name and size; chunks without a blob
    /// are listed; and the search entries must match what the messages and artifacts hold. The
    /// database's own consistency (foreign keys, CHECKs) PostgreSQL keeps itself.
    public func verify(progress: (Int64) -> Void = { _ in }) throws -> VerifyReport {
        try read("verifying") {
            var report = VerifyReport()
            let blobs = try connection.rows(PostgresStatement("SELECT sha256, size FROM blob ORDER BY sha256"), logger: Self.logger)
            for row in blobs {
                let column = Columns(row)
                let hex: String = try column("sha256")
                let size: Int64 = try column("size")
                var hasher = SHA256()
                var bytes: Int64 = 0
                var chunk = 0
                try readBlob(BlobHash(hex: hex)!) { data in   // the schema allows only 64 hex digits
                    hasher.update(bufferPointer: data)
                    bytes += Int64(data.count)
                    chunk += 1
                }
                let digest = hasher.finalize().map { String(format: "%02x", $0) }.joined()
                if digest != hex || bytes != size {
                    report.problems.append(.init(kind: .blobDamaged, detail: "blob \(hex): \(bytes) bytes in \(chunk) chunks hash to \(digest.prefix(16))…, not its name and size \(size)",
                                                 repair: nil))
                }
                report.blobsChecked += 1
                report.bytesHashed += bytes
                progress(report.bytesHashed)
            }
            let orphans = try connection.rows(PostgresStatement("""
                SELECT DISTINCT c.sha256 FROM blob_chunk c LEFT JOIN blob b ON b.sha256 = c.sha256 WHERE b.sha256 IS NULL
                """), logger: Self.logger)
            for row in orphans {
                report.problems.append(.init(kind: .blobOrphaned, detail: "chunks of \(try Columns(row)("sha256", as: String.self)) with no blob row", repair: nil))
            }
            // What the triggers should have made, against what is there, kind by kind.
            let expected = try connection.rows(PostgresStatement("""
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
                                                 repair: nil))
                }
            }
            return report
        }
    }
}
