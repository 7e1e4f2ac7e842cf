public import Foundation
import Testing

/// The `sqlite3` command-line shell, for tests that must reach past the store's API: damaging an
/// index on purpose, or checking a file the way another tool would read it.
public enum SQLiteShell {
    @discardableResult
    public static func run(_ database: URL, _ sql: String) throws -> String {
        try MachinePart.program("/usr/bin/sqlite3", debian: "sqlite3").require()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", "-batch", database.path, sql]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "sqlite3 failed: " + String(decoding: errorData, as: UTF8.self)])
        }
        return String(decoding: data, as: UTF8.self)
    }
}
