package import ArchiveStore
package import Foundation
import NIOCore
import PostgresNIO

/// The writing half that `copy` needs: a task and everything hanging from it replaced in one
/// transaction, so that an interrupted copy leaves each task either whole or as it was, and running it
/// again is safe (it skips tasks already copied unchanged and replaces the rest).
extension PostgresArchive {
    package enum CopyOutcome: Equatable, Sendable { case copied(blobBytes: Int64), unchanged }

    /// Bytes per `blob_chunk` row: a file is streamed in and out this much at a time, never whole.
    static let chunkSize = blobChunkSize

    /// Replaces a batch of tasks in one transaction on the writer connection; each task comes out whole
    /// (or, if the transaction fails, as it was). A few statements serve the whole batch — the locks,
    /// the unchanged test, the delete, and multi-row inserts of tasks, messages and artifacts — where
    /// one task at a time took nine round trips a task. Outcomes are in the batch's order.
    package func replace(_ batch: [CopiedTask], blobFile: @escaping @Sendable (BlobHash) -> URL?) async throws -> [CopyOutcome] {
        try await write { writer in try writer.replace(batch, blobFile: blobFile) }
    }

    /// Sets an account's sync cursor (creating the account if it has no task yet).
    package func replaceCursor(account: CopiedRow, cursor: CopiedRow) async throws {
        try await write { writer in
            let id = try writer.account(account)
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
            try writer.run(statement)
        }
    }
}

extension PostgresArchiveWriter {
    func replace(_ batch: [CopiedTask], blobFile: (BlobHash) -> URL?) throws -> [PostgresArchive.CopyOutcome] {
        var accounts: [CopiedRow: Int64] = [:]
        var keys: [(account: Int64, remoteID: String)] = []
        for copied in batch {
            guard case .text(let remoteID)? = copied.task["remote_id"] else { throw ArchiveError.taskNotFound("a task without an id") }
            if accounts[copied.account] == nil { accounts[copied.account] = try account(copied.account) }
            keys.append((accounts[copied.account]!, remoteID))
        }
        // Copies (or a copy and, later, a sync) replacing the same task take turns; other tasks go on at
        // once. Every batch takes its locks in one order, so two batches never wait on each other in a ring.
        var turn = PostgresStatement()
        turn.sql = """
            SELECT pg_advisory_xact_lock(hashtextextended(k, 0))
            FROM (SELECT unnest(\(turn.bind(keys.map { "\($0.account):\($0.remoteID)" }))::text[]) AS k ORDER BY 1) AS ordered
            """
        try run(turn)
        var lookup = PostgresStatement()
        lookup.sql = """
            SELECT account_id, remote_id, \(CopiedTask.markColumns.joined(separator: ", "))
            FROM task WHERE (account_id, remote_id) IN
                (SELECT * FROM unnest(\(lookup.bind(keys.map(\.account)))::bigint[], \(lookup.bind(keys.map(\.remoteID)))::text[]))
            """
        var marks: [String: String] = [:]
        for row in try run(lookup) {
            let column = Columns(row)
            let key = "\(try column("account_id", as: Int64.self)):\(try column("remote_id", as: String.self))"
            marks[key] = try CopiedTask.mark { try column($0, as: String?.self) }
        }
        let changed = batch.indices.filter { marks["\(keys[$0].account):\(keys[$0].remoteID)"] != batch[$0].mark }
        var outcomes = Array(repeating: PostgresArchive.CopyOutcome.unchanged, count: batch.count)
        guard !changed.isEmpty else { return outcomes }

        var remove = PostgresStatement()
        remove.sql = """
            DELETE FROM task WHERE (account_id, remote_id) IN
                (SELECT * FROM unnest(\(remove.bind(changed.map { keys[$0].account }))::bigint[],
                                      \(remove.bind(changed.map { keys[$0].remoteID }))::text[]))
            """
        try run(remove)
        for index in changed {
            var blobBytes: Int64 = 0
            for artifact in batch[index].artifacts {
                guard case .text(let hex)? = artifact["blob_sha256"], let hash = BlobHash(hex: hex) else { continue }
                blobBytes += try streamBlob(hash, from: blobFile(hash),
                                            missing: "the archive lists it but its file is missing; run `verify --repair` on the source first")
            }
            outcomes[index] = .copied(blobBytes: blobBytes)
        }
        try insertRows("task", changed.map { (batch[$0].task, [("account_id", keys[$0].account)]) })
        var inserted = PostgresStatement()
        inserted.sql = """
            SELECT id, account_id, remote_id FROM task WHERE (account_id, remote_id) IN
                (SELECT * FROM unnest(\(inserted.bind(changed.map { keys[$0].account }))::bigint[],
                                      \(inserted.bind(changed.map { keys[$0].remoteID }))::text[]))
            """
        var idByKey: [String: Int64] = [:]
        for row in try run(inserted) {
            let column = Columns(row)
            idByKey["\(try column("account_id", as: Int64.self)):\(try column("remote_id", as: String.self))"] = try column("id", as: Int64.self)
        }
        let taskIDs = try changed.map { index in
            try idByKey["\(keys[index].account):\(keys[index].remoteID)"] ?? { throw ArchiveError.taskNotFound(keys[index].remoteID) }()
        }
        try insertRows("message", changed.indices.flatMap { position in
            batch[changed[position]].messages.map { ($0, [("task_id", taskIDs[position])]) }
        })
        try insertRows("artifact", changed.indices.flatMap { position in
            batch[changed[position]].artifacts.map { ($0, [("task_id", taskIDs[position])]) }
        })
        // Live-event sessions are few (followed runs only): one at a time, each with its events.
        for (position, index) in changed.enumerated() {
            for (session, events) in batch[index].sessions {
                let id = try insertRows("attach_session", [(session, [("task_id", taskIDs[position])])], returning: true)[0]
                try insertRows("stream_event", events.map { ($0, [("session_id", id)]) })
            }
        }
        return outcomes
    }

    /// A copied account's row id, inserting it (with the source's creation time) if new.
    func account(_ copied: CopiedRow) throws -> Int64 {
        func text(_ column: String) -> String? { if case .text(let value)? = copied[column] { value } else { nil } }
        guard let baseURL = text("base_url"), let fingerprint = text("key_fingerprint") else {
            throw ArchiveError.taskNotFound("an account without its URL or key fingerprint")
        }
        return try account(baseURL: baseURL, fingerprint: fingerprint, createdAt: text("created_at") ?? now).rawValue
    }

    /// Inserts copied rows of one table, each with its links to new parents, as many to a statement as
    /// PostgreSQL's 65,535 parameters allow. `returning`: the new row's id (for a single row).
    @discardableResult
    func insertRows(_ table: String, _ rows: [(row: CopiedRow, links: [(String, Int64)])], returning: Bool = false) throws -> [Int64] {
        guard let first = rows.first else { return [] }
        let columns = (first.links.map(\.0) + first.row.columns).joined(separator: ", ")
        let size = Self.batch(parametersPerRow: first.row.columns.count + first.links.count)
        var ids: [Int64] = []
        for start in stride(from: 0, to: rows.count, by: size) {
            var statement = PostgresStatement()
            let tuples = rows[start..<min(rows.count, start + size)].map { "(" + Self.values($0.row, links: $0.links, &statement) + ")" }
            statement.sql = "INSERT INTO \(table) (\(columns)) VALUES \(tuples.joined(separator: ", "))" + (returning ? " RETURNING id" : "")
            let inserted = try run(statement)
            if returning { ids += try inserted.map { try Columns($0)("id", as: Int64.self) } }
        }
        return ids
    }

    /// A row's values as SQL, each bound; flags are integers in SQLite and booleans here.
    static func values(_ row: CopiedRow, links: [(String, Int64)], _ statement: inout PostgresStatement) -> String {
        var values = links.map { statement.bind($0.1) }
        for (column, value) in zip(row.columns, row.values) {
            switch value {
            case .null: values.append("NULL")
            case .integer(let number) where PostgresArchive.flagColumns.contains(column): values.append("(\(statement.bind(number)) <> 0)")
            case .integer(let number): values.append(statement.bind(number))
            case .real(let number): values.append(statement.bind(number))
            case .text(let text): values.append(statement.bind(text))
            }
        }
        return values.joined(separator: ", ")
    }
}

extension PostgresArchive {
    /// The columns that are booleans here and 0/1 in SQLite.
    static let flagColumns: Set<String> = ["show_in_history", "auto_execute", "pinned"]
}
