import Foundation
import Logging
import NIOCore
import PostgresNIO

/// SQL with its values bound as parameters ($1, $2 …), built up clause by clause. Every user string
/// goes through `bind`, never into the SQL text.
struct PostgresStatement {
    var sql = ""
    var bindings = PostgresBindings()

    init(_ sql: String = "") { self.sql = sql }

    /// Binds a value and returns its placeholder.
    mutating func bind(_ value: some PostgresDynamicTypeEncodable & Sendable) -> String {
        bindings.append(value)
        return "$\(bindings.count)"
    }

    mutating func bind(_ value: (some PostgresDynamicTypeEncodable & Sendable)?) -> String {
        bindings.append(value)
        return "$\(bindings.count)"
    }

    /// Text, with any NUL as U+2400 (␀): PostgreSQL text cannot hold NUL, and a server-supplied string
    /// with one would fail its task on every sync. Names get the same treatment in both stores
    /// (`Snapshots.visible`); the raw JSON keeps the exact text, as its `\u0000` escape.
    mutating func bind(_ value: String) -> String {
        bindings.append(value.contains("\u{0}") ? value.replacingOccurrences(of: "\u{0}", with: "\u{2400}") : value)
        return "$\(bindings.count)"
    }

    mutating func bind(_ value: String?) -> String {
        guard let value else {
            bindings.appendNull()
            return "$\(bindings.count)"
        }
        return bind(value)
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: bindings) }
}

/// A row's columns by name: `columns("remote_id")` decodes to the type asked for.
struct Columns {
    let row: PostgresRandomAccessRow

    init(_ row: PostgresRow) { self.row = PostgresRandomAccessRow(row) }

    func callAsFunction<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        try row[name].decode(T.self)
    }

    /// The column at `index`, for a hot loop over a statement whose columns it names itself: a lookup
    /// by name compares the name with each column's.
    func at<T: PostgresDecodable>(_ index: Int, as type: T.Type = T.self) throws -> T {
        try row[index].decode(T.self)
    }
}

extension PostgresConnection {
    /// Runs a statement and collects its rows; the caller suspends while postgres-nio works on its
    /// event loop.
    func rows(_ statement: PostgresStatement, logger: Logger) async throws -> [PostgresRow] {
        try await query(statement.query, logger: logger).collect()
    }

    /// Runs a statement and waits for its rows, for the writer's transaction only: its body is
    /// synchronous (`ArchiveWriter`, as GRDB's is) and runs on the writer's own queue, never on a
    /// concurrency thread or on the event loop that completes the future.
    func rowsWaiting(_ statement: PostgresStatement, logger: Logger) throws -> [PostgresRow] {
        Array(try query(statement.query, logger: logger).wait().rows)
    }
}
