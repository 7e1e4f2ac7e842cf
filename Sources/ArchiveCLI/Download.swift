import ArchiveStore
import ArchiveSync
import ArgumentParser
import Foundation
import SigmicAPI

struct Download: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Write one of a task's files: from the archive, or fetched and archived first.",
        discussion: """
            ID is a task in the archive (a unique prefix is enough); PATH is the file's path as `show` lists \
            it. The bytes come from the archive when it has them (offline); otherwise they are downloaded, \
            stored and recorded as `sync` does, then written. -o - writes to stdout; without -o the file \
            goes to the current folder under PATH's last part, and an existing file is never overwritten.
            """)

    @Argument(help: "The task's id, or a unique prefix of it.")
    var id: String
    @Argument(help: "The file's path in the task's workspace.")
    var path: String
    @Option(name: .shortAndLong, help: ArgumentHelp("Where to write it (- for stdout).", valueName: "file"))
    var output: String?
    @Flag(help: "Replace the output file if it exists.")
    var force = false
    @OptionGroup var archiveOptions: ArchiveOptions
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        let target = try outputTarget()
        let archive = try await archiveOptions.openWritable()
        let task = try await archive.task(matching: id)
        let known = try await archive.artifacts(of: task.rowID).first { Data($0.path.utf8) == Data(path.utf8) }
        let hash: BlobHash
        // A folder whose file went missing fetches it again (PostgreSQL holds a stored file's rows).
        if let known, known.isStored, let stored = known.blobHash,
           archive.blobFile(stored).map({ FileManager.default.fileExists(atPath: $0.path) }) ?? true {
            hash = stored
        } else {
            hash = try await fetch(task.remoteID, into: archive)
        }
        try await write(hash, from: archive, to: target)
    }

    /// Where to write: stdout, the named file, or PATH's last part here — a name the user typed, checked
    /// so that it stays in this folder.
    func outputTarget() throws -> URL? {
        if output == "-" { return nil }
        let file: URL
        if let output {
            file = URL(fileURLWithPath: output)
        } else {
            let name = path.split(separator: "/").last.map(String.init) ?? ""
            guard !name.isEmpty, name != ".", name != ".." else {
                throw CLIError(description: "cannot name a file after \(String(reflecting: path)); give one with -o FILE")
            }
            file = URL(fileURLWithPath: name)
        }
        if !force && FileManager.default.fileExists(atPath: file.path) {
            throw CLIError(description: "\(file.path) exists; choose another -o FILE or add --force")
        }
        return file
    }

    /// Downloads the file into the archive (as a sync would) and returns its blob.
    func fetch(_ taskID: String, into archive: any WritableArchive) async throws -> BlobHash {
        try await HTTPClientBox.with { http in
            let client = try connection.makeClient(http: http)
            // Nothing was sent yet: a busy archive is its own one-line error.
            let lock = try archive.claimWriter(purpose: "download")
            defer { withExtendedLifetime(lock) {} }
            do {
                return try await SyncEngine(archive: archive, client: client).storeArtifact(taskID: taskID, path: path).hash
            } catch let error as SigmicAPIError {
                throw CLIError(description: Sync.explain(error, baseURL: connection.resolvedBaseURL))
            } catch let error as SyncError {
                throw CLIError(description: error.description)
            }
        }
    }

    /// Copies the file out a piece at a time, to a temp file renamed into place (a failed write leaves
    /// no half file).
    func write(_ hash: BlobHash, from archive: any ArchiveReader, to target: URL?) async throws {
        guard let target else {
            try await archive.readBlob(hash) { FileHandle.standardOutput.write(Data($0)) }
            return
        }
        let temp = target.deletingLastPathComponent().appending(path: ".\(target.lastPathComponent).sigmic-\(getpid())")
        do {
            try? FileManager.default.removeItem(at: temp)
            try await archive.writeBlob(hash, to: temp)
            if force { try? FileManager.default.removeItem(at: target) }
            try FileManager.default.moveItem(at: temp, to: target)
        } catch {
            try? FileManager.default.removeItem(at: temp)
            let reason = (error as? ArchiveError).map { "\($0)" } ?? error.localizedDescription
            throw CLIError(description: "cannot write \(target.path): \(reason)")
        }
    }
}
