import GRDB
import GRDBSQLite

/// A statement's rows read through SQLite's C API, for the few loops where decoding every column
/// through GRDB's `Row` cost more than the query itself (`stats` at 1M messages reads 100k tasks, 100k
/// message counts and 166k tool-call arrays; BENCHMARKS.md, "stats"). A row's bytes are valid until
/// the next row.
struct RawRow {
    let handle: SQLiteStatement

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    /// The column's text as UTF-8 bytes, without copying; nil for NULL.
    func bytes(_ column: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard let text = sqlite3_column_text(handle, column) else { return nil }
        return UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, column)))
    }

    func text(_ column: Int32) -> String? {
        bytes(column).map { String(decoding: $0, as: UTF8.self) }
    }

    static func forEach(_ db: Database, _ sql: String, arguments: StatementArguments = [], _ body: (RawRow) throws -> Void) throws {
        let cursor = try RawCursor(db, sql, arguments: arguments)
        while let row = try cursor.next() { try body(row) }
    }
}

/// Rows one at a time, so that two statements can be read side by side.
final class RawCursor {
    private let statement: Statement
    private let db: Database

    init(_ db: Database, _ sql: String, arguments: StatementArguments = []) throws {
        self.db = db
        statement = try db.makeStatement(sql: sql)
        try statement.setArguments(arguments)
    }

    deinit { sqlite3_reset(statement.sqliteStatement) }

    func next() throws -> RawRow? {
        let handle = statement.sqliteStatement
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return RawRow(handle: handle)
        case SQLITE_DONE: return nil
        case let code:
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: statement.sql)
        }
    }
}
