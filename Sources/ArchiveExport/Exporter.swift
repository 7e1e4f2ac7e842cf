public import ArchiveStore
public import Foundation

/// Writes transcripts to a folder: one file per task, and with `withArtifacts` a `<name>.files/`
/// folder beside it holding the task's stored artifacts under sanitised names. A file is rewritten
/// only when its bytes change (written to a temp file, then renamed), so re-exporting into a git
/// working tree shows exactly what changed. Nothing is written outside the folder: names come from
/// `ExportNaming`, and an existing symbolic link on the way is refused rather than followed.
public struct Exporter: Sendable {
    public enum Format: String, Sendable, CaseIterable {
        case markdown, json
        /// The recorded live events as an asciicast v2 recording (`ReplayScript`).
        case asciicast

        public var fileExtension: String {
            switch self {
            case .markdown: "md"
            case .json: "json"
            case .asciicast: "cast"
            }
        }
    }

    public struct Summary: Sendable, Codable, Equatable {
        public var tasks = 0
        public var written = 0
        public var unchanged = 0
        public var bytes: Int64 = 0
        public var artifactsCopied = 0
        public var artifactsUnchanged = 0
        public var artifactsMissing = 0
        public var files: [String] = []

        public init() {}
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    let archive: any ArchiveReader
    let format: Format
    let withArtifacts: Bool
    let sharedPrefixes: Set<String>

    public init(archive: any ArchiveReader, format: Format, withArtifacts: Bool) async throws {
        self.archive = archive
        self.format = format
        self.withArtifacts = withArtifacts
        self.sharedPrefixes = try await archive.taskIDsWithSharedShortPrefix()
    }

    /// The file name a task exports to.
    public func fileName(_ transcript: Transcript) -> String {
        let task = transcript.task
        return ExportNaming.fileName(createdAt: task.createdAt, title: transcript.title, id: task.remoteID,
                                     fullID: sharedPrefixes.contains(task.remoteID), ext: format.fileExtension)
    }

    /// One task's document, with links to artifacts as `export` would place them.
    public func render(_ task: StoredTask) async throws -> (name: String, text: String, transcript: Transcript) {
        let transcript = try await Transcript.load(task, from: archive, events: format == .asciicast)
        let name = fileName(transcript)
        switch format {
        case .asciicast:
            return (name, try Self.asciicast(transcript), transcript)
        case .json:
            return (name, transcript.json.pretty + "\n", transcript)
        case .markdown:
            var links: [Data: String] = [:]
            if withArtifacts {
                let folder = Self.artifactFolder(for: name)
                for (artifact, relative) in artifactPlacement(transcript) { links[Data(artifact.path.utf8)] = folder + "/" + relative }
            }
            return (name, MarkdownRenderer.render(transcript, links: links), transcript)
        }
    }

    /// The replay of the task's recorded events at 1× as asciicast. A task with no recorded events (one
    /// synced after it ran) is a recording that says so and shows its transcript, as `replay` does.
    static func asciicast(_ transcript: Transcript) throws -> String {
        let options = ReplayScript.Options()
        let events = transcript.events ?? []
        guard !events.isEmpty else {
            let cast = Asciicast(width: 100, height: 30, timestamp: Int(Timestamp.seconds(transcript.task.createdAt) ?? 0),
                                 idleTimeLimit: options.idleLimit, title: transcript.title)
            let text = "No live events were recorded for this task; its transcript:\n\n" + MarkdownRenderer.render(transcript, links: [:])
            return cast.header + "\n" + Asciicast.output(at: 0, text.replacingOccurrences(of: "\n", with: "\r\n")) + "\n"
        }
        let script = try ReplayScript(events: events, taskID: transcript.task.remoteID, options: options)
        return script.asciicast(title: transcript.title, idleLimit: options.idleLimit)
    }

    /// Writes one task's document to `file` (`export -o NAME.cast`), unless it already holds these bytes.
    public func write(_ task: StoredTask, toFile file: URL) async throws -> Bool {
        let (_, text, _) = try await render(task)
        return try Self.writeIfChanged(Data(text.utf8), to: file.deletingLastPathComponent(), relative: file.lastPathComponent)
    }

    /// Exports `tasks` into `folder` (created if needed). `progress` gets (done, total) after each task.
    public func export(_ tasks: [StoredTask], to folder: URL, progress: (Int, Int) -> Void = { _, _ in }) async throws -> Summary {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        Self.removeAbandonedTempFiles(in: folder)
        var summary = Summary()
        for (index, task) in tasks.enumerated() {
            let (name, text, transcript) = try await render(task)
            let data = Data(text.utf8)
            if try Self.writeIfChanged(data, to: folder, relative: name) {
                summary.written += 1
                summary.bytes += Int64(data.count)
            } else {
                summary.unchanged += 1
            }
            summary.files.append(name)
            if withArtifacts {
                let base = Self.artifactFolder(for: name)
                let placement = artifactPlacement(transcript)
                summary.artifactsMissing += transcript.artifacts.count - placement.count
                for (artifact, relative) in placement {
                    guard let hash = artifact.blobHash else { continue }
                    if try await copyIfChanged(hash, size: artifact.size, to: folder, relative: base + "/" + relative) {
                        summary.artifactsCopied += 1
                    } else {
                        summary.artifactsUnchanged += 1
                    }
                }
            }
            summary.tasks += 1
            progress(index + 1, tasks.count)
        }
        return summary
    }

    /// Where each stored artifact goes inside the task's artifact folder.
    func artifactPlacement(_ transcript: Transcript) -> [(StoredArtifact, String)] {
        let stored = transcript.artifacts.filter(\.isStored)
        return Array(zip(stored, ExportNaming.artifactPaths(stored.map(\.path))))
    }

    static func artifactFolder(for fileName: String) -> String {
        ExportNaming.splitExtension(fileName).0 + ".files"
    }

    // MARK: Files

    /// Writes `data` at `relative` under `folder` unless the file already holds exactly these bytes.
    static func writeIfChanged(_ data: Data, to folder: URL, relative: String) throws -> Bool {
        let target = try safeTarget(folder, relative)
        if let existing = try? Data(contentsOf: target), existing == data { return false }
        // A new file is written in place (a crash leaves a partial file, which differs from what the
        // next export renders, so it is rewritten then); an existing one is replaced atomically.
        if !FileManager.default.fileExists(atPath: target.path) {
            let descriptor = open(target.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if descriptor >= 0 {
                let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
                do {
                    try handle.write(contentsOf: data)
                    return true
                } catch {
                    throw Failure(description: "cannot write " + FileSystemFailure.describe(error, path: target.path))
                }
            }
        }
        let temp = tempFile(for: target)
        do {
            try data.write(to: temp)
            try replace(target, with: temp)
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw Failure(description: "cannot write " + FileSystemFailure.describe(error, path: target.path))
        }
        return true
    }

    /// Writes a stored file to `relative` under `folder` unless a file with the same bytes is there.
    /// The bytes come from the archive a piece at a time (a folder's blob file, or PostgreSQL's chunks).
    func copyIfChanged(_ hash: BlobHash, size: Int64?, to folder: URL, relative: String) async throws -> Bool {
        let target = try Self.safeTarget(folder, relative)
        // Hash the existing copy only when its size could match (a different size means different bytes).
        let existingSize = (try? FileManager.default.attributesOfItem(atPath: target.path)[.size] as? NSNumber)?.int64Value
        if let existingSize, size == nil || existingSize == size, (try? BlobStore.sha256(ofFileAt: target)) == hash {
            return false
        }
        let temp = Self.tempFile(for: target)
        do {
            try? FileManager.default.removeItem(at: temp)
            try await archive.writeBlob(hash, to: temp)
            try Self.replace(target, with: temp)
        } catch let error as ArchiveError {
            try? FileManager.default.removeItem(at: temp)
            throw Failure(description: "cannot copy an artifact to \(target.path): \(error)")
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw Failure(description: "cannot copy an artifact to " + FileSystemFailure.describe(error, path: target.path))
        }
        return true
    }

    /// The temp file a file is written to before it replaces the old one: `.NAME.tmp-PID`.
    static func tempFile(for target: URL) -> URL {
        target.deletingLastPathComponent().appending(path: ".\(target.lastPathComponent).tmp-\(getpid())")
    }

    /// Removes temp files an export killed mid-write left (`.NAME.tmp-PID` whose process is gone), in
    /// the folder and its artifact folders, so no rerun leaves them behind. A live export's are kept.
    static func removeAbandonedTempFiles(in folder: URL) {
        guard let walk = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return }
        for case let file as URL in walk {
            let name = file.lastPathComponent
            guard name.hasPrefix("."), let marker = name.range(of: ".tmp-", options: .backwards),
                  let pid = Int32(name[marker.upperBound...]), pid > 0 else { continue }
            // kill(pid, 0) fails with ESRCH only when no such process exists.
            if pid != getpid(), kill(pid, 0) != 0, errno == ESRCH {
                try? FileManager.default.removeItem(at: file)
            }
        }
    }

    private static func replace(_ target: URL, with temp: URL) throws {
        guard rename(temp.path, target.path) == 0 else {
            throw Failure(description: "cannot move \(temp.lastPathComponent) into place: \(String(cString: strerror(errno)))")
        }
    }

    /// `folder/relative`, after making its parent folders; refuses a path that climbs out of `folder`
    /// or passes through a symbolic link (which could point anywhere).
    static func safeTarget(_ folder: URL, _ relative: String) throws -> URL {
        let parts = relative.split(separator: "/").map(String.init)
        guard !parts.isEmpty, !parts.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }), !relative.hasPrefix("/") else {
            throw Failure(description: "refusing to write \(String(reflecting: relative)): not a plain relative path")
        }
        var current = folder
        for (index, part) in parts.enumerated() {
            current = current.appending(path: part)
            var info = stat()
            if lstat(current.path, &info) == 0 {
                if (info.st_mode & S_IFMT) == S_IFLNK {
                    throw Failure(description: "refusing to write through the symbolic link \(current.path)")
                }
            } else if index < parts.count - 1 {
                guard mkdir(current.path, 0o755) == 0 || errno == EEXIST else {
                    throw Failure(description: "cannot create folder \(current.path): \(String(cString: strerror(errno)))")
                }
            }
        }
        return current
    }
}
