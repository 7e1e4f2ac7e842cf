public import ArchiveStore
import Foundation
import PostgresNIO

/// What `redact` and `forget` write, in PostgreSQL's words (as `SQLiteArchiveWriter+Removal`).
extension PostgresArchiveWriter {
    public func rewriteText(at place: ArchivedText.Place, of task: TaskRowID, to text: String) throws {
        var statement = PostgresStatement()
        // Column names come from the enums, never from input.
        switch place {
        case .task(let column):
            statement.sql = "UPDATE task SET \(column.rawValue) = \(statement.bind(text)) WHERE id = \(statement.bind(task.rawValue))"
        case .message(let row, _, let column):
            statement.sql = "UPDATE message SET \(column.rawValue) = \(statement.bind(text)) WHERE id = \(statement.bind(row))"
        case .event(let row, _, _):
            statement.sql = "UPDATE stream_event SET data = \(statement.bind(text)) WHERE id = \(statement.bind(row))"
        case .artifact:
            preconditionFailure("a file's bytes are replaced by storing new ones (recordArtifactBlobs), not rewritten in place")
        }
        try run(statement)
        try setSetting(.purgePending, to: "1")
    }

    public func dropArtifactBytes(_ artifact: ArtifactRowID, reason: String) throws {
        var statement = PostgresStatement()
        statement.sql = """
            UPDATE artifact SET blob_sha256 = NULL, fetch_state = 'failed', fetch_error = \(statement.bind(reason))
            WHERE id = \(statement.bind(artifact.rawValue))
            """
        try run(statement)
        try setSetting(.purgePending, to: "1")
    }

    public func dropUnlinkedBlobs() throws -> [BlobHash] {
        let rows = try run(PostgresStatement("""
            DELETE FROM blob
            WHERE NOT EXISTS (SELECT 1 FROM artifact WHERE artifact.blob_sha256 = blob.sha256)
              AND NOT EXISTS (SELECT 1 FROM outbox_file WHERE outbox_file.blob_sha256 = blob.sha256)
            RETURNING sha256
            """))
        let hexes: [String] = try rows.map { try Columns($0)("sha256") }
        guard !hexes.isEmpty else { return [] }
        var chunks = PostgresStatement()
        chunks.sql = "DELETE FROM blob_chunk WHERE sha256 = ANY(\(chunks.bind(hexes)))"
        try run(chunks)
        try setSetting(.purgePending, to: "1")
        return hexes.compactMap(BlobHash.init(hex:))
    }

    public func setSetting(_ setting: ArchiveSetting, to value: String?) throws {
        var statement = PostgresStatement()
        if let value {
            statement.sql = """
                INSERT INTO setting (name, value) VALUES (\(statement.bind(setting.rawValue)), \(statement.bind(value)))
                ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value
                """
        } else {
            statement.sql = "DELETE FROM setting WHERE name = \(statement.bind(setting.rawValue))"
        }
        try run(statement)
    }

    public func recordAudit(_ record: AuditRecord) throws {
        var statement = PostgresStatement()
        statement.sql = """
            INSERT INTO audit (at, command, tasks, findings, bytes, rules, detail)
            VALUES (\(statement.bind(now)), \(statement.bind(record.command)), \(statement.bind(record.tasks)),
                    \(statement.bind(record.findings)), \(statement.bind(record.bytes)),
                    \(statement.bind(record.rules.joined(separator: ","))), \(statement.bind(record.detail)))
            """
        try run(statement)
    }
}
