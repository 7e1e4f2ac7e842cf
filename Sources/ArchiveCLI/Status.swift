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
        let owning = try await Owning(archive)
        if json {
            try Terminal.printJSON(StatusDocument(status: status, owning: owning))
            return
        }
        Terminal.print(Self.render(status) + "\n" + owning.lines.joined(separator: "\n"))
    }

    /// What the archive decides about its own data (issue 29): `status --json`'s `owning` object.
    struct Owning: Encodable {
        /// Whether every write removes the secret rules' findings first (`redact --on-sync`).
        let redactOnSync: Bool
        /// The retention policy (`90d`), and when `watch` or `--apply` last ran it.
        let retention: String?
        let retentionAppliedAt: String?
        /// Tasks forgotten (tombstones), pinned tasks, and audit records.
        let forgotten: Int
        let audited: Int
        /// A redact or forget whose purge has not finished (the next one finishes it).
        let purgePending: Bool

        init(_ archive: some ArchiveReader) async throws {
            let settings = try await archive.settings()
            redactOnSync = settings[ArchiveSetting.redactOnSync.rawValue] != nil
            retention = settings[ArchiveSetting.retentionKeep.rawValue]
            retentionAppliedAt = settings[ArchiveSetting.retentionAppliedAt.rawValue]
            purgePending = settings[ArchiveSetting.purgePending.rawValue] != nil
            forgotten = try await archive.tombstones().count
            audited = try await archive.auditLog().count
        }

        var lines: [String] {
            var retained = retention.map { "tasks kept \($0) after their last activity (last applied \(retentionAppliedAt ?? "never"))" }
                ?? "none: tasks are kept until forgotten"
            if purgePending { retained += "; a purge is pending" }
            return [
                "Redaction   " + (redactOnSync ? "secrets removed on every sync" : "off (`redact --secrets --on-sync` turns it on)"),
                "Retention   " + retained,
                "Forgotten   \(forgotten) task\(forgotten == 1 ? "" : "s"); \(audited) audit record\(audited == 1 ? "" : "s") (`audit`)",
            ]
        }
    }

    /// `status --json`: the archive's status, with `owning` beside its other keys.
    struct StatusDocument: Encodable {
        let status: ArchiveStatus
        let owning: Owning

        enum Keys: String, CodingKey { case owning }

        func encode(to encoder: any Encoder) throws {
            try status.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(owning, forKey: .owning)
        }
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
