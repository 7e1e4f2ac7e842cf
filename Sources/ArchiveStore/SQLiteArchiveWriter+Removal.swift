import Foundation
internal import GRDB

/// What `redact` and `forget` write: texts rewritten, stored bytes unlinked, the archive's settings and
/// its audit. Making the old bytes unreadable afterwards is `Archive.purge`'s.
extension SQLiteArchiveWriter {
    public func rewriteText(at place: ArchivedText.Place, of task: TaskRowID, to text: String) throws {
        // Column names come from the enums, never from input.
        switch place {
        case .task(let column):
            try db.execute(sql: "UPDATE task SET \(column.rawValue) = ? WHERE id = ?", arguments: [text, task.rawValue])
        case .message(let row, _, let column):
            try db.execute(sql: "UPDATE message SET \(column.rawValue) = ? WHERE id = ?", arguments: [text, row])
        case .event(let row, _, _):
            try db.execute(sql: "UPDATE stream_event SET data = ? WHERE id = ?", arguments: [text, row])
        case .artifact:
            preconditionFailure("a file's bytes are replaced by storing new ones (recordArtifactBlobs), not rewritten in place")
        }
        try setSetting(.purgePending, to: "1")
    }

    public func dropArtifactBytes(_ artifact: ArtifactRowID, reason: String) throws {
        try db.execute(sql: """
            UPDATE artifact SET blob_sha256 = NULL, fetch_state = 'failed', fetch_error = ? WHERE id = ?
            """, arguments: [reason, artifact.rawValue])
        try setSetting(.purgePending, to: "1")
    }

    public func dropUnlinkedBlobs() throws -> [BlobHash] {
        let hexes = try String.fetchAll(db, sql: """
            DELETE FROM blob
            WHERE NOT EXISTS (SELECT 1 FROM artifact WHERE artifact.blob_sha256 = blob.sha256)
              AND NOT EXISTS (SELECT 1 FROM outbox_file WHERE outbox_file.blob_sha256 = blob.sha256)
            RETURNING sha256
            """)
        if !hexes.isEmpty { try setSetting(.purgePending, to: "1") }
        return hexes.compactMap(BlobHash.init(hex:))
    }

    public func setSetting(_ setting: ArchiveSetting, to value: String?) throws {
        if let value {
            try db.execute(sql: "INSERT INTO setting (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                           arguments: [setting.rawValue, value])
        } else {
            try db.execute(sql: "DELETE FROM setting WHERE name = ?", arguments: [setting.rawValue])
        }
    }

    public func recordAudit(_ record: AuditRecord) throws {
        try db.execute(sql: """
            INSERT INTO audit (at, command, tasks, findings, bytes, rules, detail) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [now, record.command, record.tasks, record.findings, record.bytes,
                             record.rules.joined(separator: ","), record.detail])
    }
}
