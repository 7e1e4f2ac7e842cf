import Foundation
internal import GRDB

extension Archive {
    /// Every row of every archive table as text, in a stable order: two archives with the same content
    /// dump the same. Row ids and local clock values are left out (`excludingColumns`), so a resumed
    /// sync can be compared with an uninterrupted one.
    public func canonicalDump(excludingColumns: Set<String> = [], skippingTables: Set<String> = []) throws -> String {
        try read("dumping the archive") { db in
            let tables = try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master
                WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'search_fts%'
                  AND name NOT LIKE 'search_trigram%'
                ORDER BY name
                """)
            var out = ""
            for table in tables where !skippingTables.contains(table) {
                let columns = try db.columns(in: table).map(\.name).filter { !excludingColumns.contains($0) }
                guard !columns.isEmpty else { continue }
                let list = columns.map { "quote(\"\($0)\")" }.joined(separator: " || '|' || ")
                let rows = try String.fetchAll(db, sql: "SELECT \(list) FROM \"\(table)\"").sorted()
                out += "## \(table) (\(columns.joined(separator: ", ")))\n"
                for row in rows { out += row + "\n" }
            }
            return out
        }
    }
}
