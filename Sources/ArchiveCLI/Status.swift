import ArgumentParser
import ArchiveStore
import Foundation

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show what the archive holds: accounts, tasks by status, messages, artifacts, sizes.",
        discussion: "Upgrades an archive made by an older build. A folder without an archive is an error: `sync` makes one.")

    @OptionGroup var options: ArchiveOptions

    @Flag(help: "Print the status as JSON.")
    var json = false

    func run() async throws {
        let archive = try await options.openReader()
        let status = try await archive.status()
        if json {
            try Terminal.printJSON(status)
            return
        }
        Terminal.print(Self.render(status))
    }

    static func render(_ status: ArchiveStatus) -> String {
        var lines: [String] = []
        lines.append("Archive     \(status.archive)")
        if let readOnly = status.readOnly { lines.append("Read-only   \(readOnly)") }
        lines.append("Schema      \(status.schemaVersion) (this build: \(status.buildSchemaVersion))")
        lines.append("Size        \(bytes(status.databaseBytes)) database, \(bytes(status.blobBytes)) artifacts")
        if status.accounts.isEmpty {
            lines.append("Accounts    none yet (run `sigmic-archive sync` with SIGMIC_API_KEY set)")
        } else {
            lines.append("Accounts")
            for account in status.accounts {
                lines.append("  \(account.baseURL)  key \(account.keyFingerprint)  \(account.tasks) tasks  last sync \(account.lastSyncAt ?? "never")")
            }
        }
        let tasks = status.tables["task"] ?? 0
        let byStatus = status.tasksByStatus.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
        lines.append("Tasks       \(tasks)" + (byStatus.isEmpty ? "" : " (" + byStatus.joined(separator: ", ") + ")")
                     + (status.liveTasks > 0 ? ", \(status.liveTasks) still live" : ""))
        lines.append("Messages    \(status.tables["message"] ?? 0)")
        lines.append("Events      \(status.tables["stream_event"] ?? 0) in \(status.tables["attach_session"] ?? 0) attach sessions")
        lines.append("Artifacts   \(status.tables["artifact"] ?? 0) (\(status.artifacts.stored) stored, \(status.artifacts.pending) pending, \(status.artifacts.failed) failed); \(status.tables["blob"] ?? 0) distinct blobs")
        lines.append("Search      \(status.tables["search_doc"] ?? 0) indexed entries")
        if let writer = status.writer { lines.append("Writing     \(writer) is writing to the archive now") }
        return lines.joined(separator: "\n")
    }

    static func bytes(_ count: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f %@", value, units[unit])
    }
}
