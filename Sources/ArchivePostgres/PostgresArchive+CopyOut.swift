package import ArchiveStore
import Foundation
import NIOCore
import PostgresNIO

/// The reading half `copy --from postgres://…` needs: each task with everything hanging from it as
/// engine-neutral rows (`CopiedTask`), read in one snapshot, and each file's bytes chunk by chunk.
extension PostgresArchive {
    /// Every task, oldest first (so a copy interrupted midway has the old ones).
    package func taskRowIDsForCopy() async throws -> [TaskRowID] {
        try await read("listing tasks") {
            try await connection.rows(PostgresStatement("SELECT id FROM task ORDER BY id"), logger: Self.logger)
                .map { TaskRowID(rawValue: try Columns($0)("id")) }
        }
    }

    /// A task's rows, read in one snapshot (a repeatable-read transaction), as the folder's copy reads.
    package func copiedTask(_ id: TaskRowID) async throws -> CopiedTask {
        try await read("reading a task to copy") {
            try await snapshot {
                func rows(_ sql: String, _ key: Int64, without: Set<String>) async throws -> [CopiedRow] {
                    var statement = PostgresStatement()
                    statement.sql = sql.replacingOccurrences(of: "$KEY", with: statement.bind(key))
                    return try await connection.rows(statement, logger: Self.logger).map { try Self.copiedRow($0, without: without) }
                }
                guard let task = try await rows("SELECT * FROM task WHERE id = $KEY", id.rawValue, without: ["id", "account_id"]).first else {
                    throw ArchiveError.taskNotFound("row \(id.rawValue)")
                }
                let account = try await rows("""
                    SELECT a.base_url, a.key_fingerprint, a.created_at FROM account a JOIN task t ON t.account_id = a.id WHERE t.id = $KEY
                    """, id.rawValue, without: [])[0]
                let messages = try await rows("SELECT * FROM message WHERE task_id = $KEY ORDER BY id", id.rawValue, without: ["id", "task_id"])
                var sessions: [(session: CopiedRow, events: [CopiedRow])] = []
                var statement = PostgresStatement()
                statement.sql = "SELECT id FROM attach_session WHERE task_id = \(statement.bind(id.rawValue)) ORDER BY id"
                for row in try await connection.rows(statement, logger: Self.logger) {
                    let session: Int64 = try Columns(row)("id")
                    sessions.append((try await rows("SELECT * FROM attach_session WHERE id = $KEY", session, without: ["id", "task_id"])[0],
                                     try await rows("SELECT * FROM stream_event WHERE session_id = $KEY ORDER BY id", session,
                                              without: ["id", "session_id"])))
                }
                let artifacts = try await rows("SELECT * FROM artifact WHERE task_id = $KEY ORDER BY id", id.rawValue, without: ["id", "task_id"])
                return CopiedTask(account: account, task: task, messages: messages, sessions: sessions, artifacts: artifacts)
            }
        }
    }

    /// A row as engine-neutral values: booleans become 0/1, as the folder keeps them.
    static func copiedRow(_ row: PostgresRow, without: Set<String>) throws -> CopiedRow {
        var copied = CopiedRow(columns: [], values: [])
        for cell in row where !without.contains(cell.columnName) {
            copied.columns.append(cell.columnName)
            guard cell.bytes != nil else {
                copied.values.append(.null)
                continue
            }
            switch cell.dataType {
            case .int2, .int4, .int8: copied.values.append(.integer(try cell.decode(Int64.self)))
            case .bool: copied.values.append(.integer(try cell.decode(Bool.self) ? 1 : 0))
            case .float4, .float8: copied.values.append(.real(try cell.decode(Double.self)))
            default: copied.values.append(.text(try cell.decode(String.self)))
            }
        }
        return copied
    }

    /// Each account's sync cursor, by its natural key.
    package func syncCursorsForCopy() async throws -> [(account: CopiedRow, cursor: CopiedRow)] {
        try await read("reading sync cursors") {
            try await connection.rows(PostgresStatement("""
                SELECT a.base_url, a.key_fingerprint, a.created_at, c.high_water_activity, c.last_sync_at, c.last_full_sync_at
                FROM sync_cursor c JOIN account a ON a.id = c.account_id ORDER BY a.id
                """), logger: Self.logger).map { row in
                let all = try Self.copiedRow(row, without: [])
                let split = 3
                return (CopiedRow(columns: Array(all.columns[..<split]), values: Array(all.values[..<split])),
                        CopiedRow(columns: Array(all.columns[split...]), values: Array(all.values[split...])))
            }
        }
    }

    /// Runs `body` in a read-only repeatable-read transaction on the reading connection: every read in
    /// it sees one snapshot, whatever syncers commit meanwhile.
    private func snapshot<T>(_ body: () async throws -> T) async throws -> T {
        _ = try await connection.rows(PostgresStatement("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"), logger: Self.logger)
        do {
            let value = try await body()
            _ = try await connection.rows(PostgresStatement("COMMIT"), logger: Self.logger)
            return value
        } catch {
            _ = try? await connection.rows(PostgresStatement("ROLLBACK"), logger: Self.logger)
            throw error
        }
    }
}
