package import ArchiveStore
package import Foundation
import NIOCore
import PostgresNIO

/// The writing half that `copy` needs: a task and everything hanging from it replaced in one
/// transaction, so that an interrupted copy leaves each task either whole or as it was, and running it
/// again is safe (it skips tasks already copied unchanged and replaces the rest).
extension PostgresArchive {
    package enum CopyOutcome: Equatable { case copied(blobBytes: Int64), unchanged }

    /// Bytes per `blob_chunk` row: a file is streamed in and out this much at a time, never whole.
    static let chunkSize = 1 << 20

    package func replace(_ copied: CopiedTask, blobFile: (BlobHash) -> URL?) throws -> CopyOutcome {
        try write("copying a task") {
            try transaction {
                let account = try upsertAccount(copied.account)
                guard case .text(let remoteID)? = copied.task["remote_id"] else { throw ArchiveError.taskNotFound("a task without an id") }
                // Two copies (or a copy and, later, a sync) replacing the same task take turns; other
                // tasks and other accounts go on at once.
                var turn = PostgresStatement()
                turn.sql = "SELECT pg_advisory_xact_lock(hashtextextended(\(turn.bind(account))::text || ':' || \(turn.bind(remoteID)), 0))"
                _ = try connection.rows(turn, logger: Self.logger)
                var lookup = PostgresStatement()
                lookup.sql = """
                    SELECT \(CopiedTask.markColumns.joined(separator: ", "))
                    FROM task WHERE account_id = \(lookup.bind(account)) AND remote_id = \(lookup.bind(remoteID))
                    """
                if let row = try connection.rows(lookup, logger: Self.logger).first,
                   try CopiedTask.mark({ try Columns(row)($0, as: String?.self) }) == copied.mark {
                    return .unchanged
                }
                var remove = PostgresStatement()
                remove.sql = "DELETE FROM task WHERE account_id = \(remove.bind(account)) AND remote_id = \(remove.bind(remoteID))"
                _ = try connection.rows(remove, logger: Self.logger)

                var blobBytes: Int64 = 0
                for artifact in copied.artifacts {
                    guard case .text(let hex)? = artifact["blob_sha256"], let hash = BlobHash(hex: hex) else { continue }
                    blobBytes += try storeBlob(hash, from: blobFile(hash))
                }
                let task = try insert("task", copied.task, links: [("account_id", account)])
                try insertAll("message", copied.messages, links: [("task_id", task)])
                for (session, events) in copied.sessions {
                    let id = try insert("attach_session", session, links: [("task_id", task)])
                    try insertAll("stream_event", events, links: [("session_id", id)])
                }
                try insertAll("artifact", copied.artifacts, links: [("task_id", task)])
                return .copied(blobBytes: blobBytes)
            }
        }
    }

    /// Sets an account's sync cursor (creating the account if it has no task yet).
    package func replaceCursor(account: CopiedRow, cursor: CopiedRow) throws {
        try write("copying a sync cursor") {
            try transaction {
                let id = try upsertAccount(account)
                var statement = PostgresStatement()
                let values = cursor.values.map { value -> String in
                    if case .text(let text) = value { statement.bind(text) } else { "NULL" }
                }
                statement.sql = """
                    INSERT INTO sync_cursor (account_id, \(cursor.columns.joined(separator: ", ")))
                    VALUES (\(statement.bind(id)), \(values.joined(separator: ", ")))
                    ON CONFLICT (account_id) DO UPDATE SET
                    \(cursor.columns.map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", "))
                    """
                _ = try connection.rows(statement, logger: Self.logger)
            }
        }
    }

    /// The account's row id, inserting it if new (several copies and syncs may race: the upsert settles it).
    private func upsertAccount(_ account: CopiedRow) throws -> Int64 {
        var statement = PostgresStatement()
        let values = account.values.map { value -> String in if case .text(let text) = value { statement.bind(text) } else { "NULL" } }
        statement.sql = """
            INSERT INTO account (\(account.columns.joined(separator: ", "))) VALUES (\(values.joined(separator: ", ")))
            ON CONFLICT (base_url, key_fingerprint) DO UPDATE SET base_url = EXCLUDED.base_url
            RETURNING id
            """
        return try Columns(try connection.rows(statement, logger: Self.logger)[0])("id")
    }

    /// Streams a blob's file into `blob_chunk` rows unless the database has it; its size, or 0.
    private func storeBlob(_ hash: BlobHash, from file: URL?) throws -> Int64 {
        var exists = PostgresStatement()
        exists.sql = "SELECT size FROM blob WHERE sha256 = \(exists.bind(hash.hex))"
        if try !connection.rows(exists, logger: Self.logger).isEmpty { return 0 }
        guard let file, let handle = try? FileHandle(forReadingFrom: file) else {
            throw ArchiveError.blob(hash: hash.hex, problem: "the archive lists it but its file is missing; run `verify --repair` on the source first")
        }
        defer { try? handle.close() }
        var size: Int64 = 0
        var chunk = 0
        while let data = try handle.read(upToCount: Self.chunkSize), !data.isEmpty {
            var insert = PostgresStatement()
            // A blob two copies store at once: the second waits on the first's rows, then adds nothing.
            insert.sql = """
                INSERT INTO blob_chunk (sha256, chunk, data) VALUES (\(insert.bind(hash.hex)), \(insert.bind(chunk)), \(insert.bind(ByteBuffer(bytes: data))))
                ON CONFLICT DO NOTHING
                """
            _ = try connection.rows(insert, logger: Self.logger)
            size += Int64(data.count)
            chunk += 1
        }
        var blob = PostgresStatement()
        blob.sql = """
            INSERT INTO blob (sha256, size, stored_at) VALUES (\(blob.bind(hash.hex)), \(blob.bind(size)), \(blob.bind(Timestamp.string(from: Date()))))
            ON CONFLICT DO NOTHING
            """
        _ = try connection.rows(blob, logger: Self.logger)
        return size
    }

    /// Inserts a copied row, its links to new parents added; returns the new row's id. Flags are
    /// integers in SQLite and booleans here; every other value binds as it is.
    private func insert(_ table: String, _ row: CopiedRow, links: [(String, Int64)]) throws -> Int64 {
        var statement = PostgresStatement()
        let values = Self.values(row, links: links, &statement)
        statement.sql = "INSERT INTO \(table) (\(Self.columns(row, links: links))) VALUES (\(values)) RETURNING id"
        return try Columns(try connection.rows(statement, logger: Self.logger)[0])("id")
    }

    /// Inserts many rows of one table, as many to a statement as PostgreSQL's 65,535 parameters allow
    /// (a task's messages, a run's live events): one round trip a batch rather than a row, which made
    /// `copy` several times faster.
    private func insertAll(_ table: String, _ rows: [CopiedRow], links: [(String, Int64)]) throws {
        guard let first = rows.first else { return }
        let perRow = first.columns.count + links.count
        let batch = max(1, 60_000 / max(1, perRow))
        for start in stride(from: 0, to: rows.count, by: batch) {
            var statement = PostgresStatement()
            let tuples = rows[start..<min(rows.count, start + batch)].map { "(" + Self.values($0, links: links, &statement) + ")" }
            statement.sql = "INSERT INTO \(table) (\(Self.columns(first, links: links))) VALUES \(tuples.joined(separator: ", "))"
            _ = try connection.rows(statement, logger: Self.logger)
        }
    }

    private static func columns(_ row: CopiedRow, links: [(String, Int64)]) -> String {
        (links.map(\.0) + row.columns).joined(separator: ", ")
    }

    /// A row's values as SQL, each bound; flags are integers in SQLite and booleans here.
    private static func values(_ row: CopiedRow, links: [(String, Int64)], _ statement: inout PostgresStatement) -> String {
        var values = links.map { statement.bind($0.1) }
        for (column, value) in zip(row.columns, row.values) {
            switch value {
            case .null: values.append("NULL")
            case .integer(let number) where flagColumns.contains(column): values.append("(\(statement.bind(number)) <> 0)")
            case .integer(let number): values.append(statement.bind(number))
            case .real(let number): values.append(statement.bind(number))
            case .text(let text): values.append(statement.bind(text))
            }
        }
        return values.joined(separator: ", ")
    }

    /// The columns that are booleans here and 0/1 in SQLite.
    static let flagColumns: Set<String> = ["show_in_history", "auto_execute"]

    /// Runs `body` in a transaction: committed if it returns, rolled back if it throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        _ = try connection.rows(PostgresStatement("BEGIN"), logger: Self.logger)
        do {
            let value = try body()
            _ = try connection.rows(PostgresStatement("COMMIT"), logger: Self.logger)
            return value
        } catch {
            _ = try? connection.rows(PostgresStatement("ROLLBACK"), logger: Self.logger)
            throw error
        }
    }

    /// Runs a write, refused on a database of a newer schema; what PostgreSQL said becomes one line.
    func write<T>(_ operation: String, _ body: () throws -> T) throws -> T {
        guard writable else {
            throw ArchiveError.readOnly(reason: "the database has a newer schema (\(schemaVersion)); update sigmic-archive to write to it")
        }
        return try read(operation, body)
    }
}
