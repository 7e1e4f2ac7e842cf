public import Foundation

/// What can go wrong with an archive. Each case keeps its context and prints as one line.
public enum ArchiveError: Error, Sendable, CustomStringConvertible {
    /// The file exists but is not an SQLite database (or is damaged past its header).
    case notADatabase(path: String)
    /// The database is damaged (SQLite reported corruption).
    case corrupt(path: String, detail: String)
    /// The archive folder or a file in it could not be created or opened.
    case cannotOpen(path: String, reason: String)
    /// A migration that was applied to this archive differs from the file this build carries.
    case migrationEdited(fileName: String, applied: String, bundled: String)
    /// Migration numbers must run 1, 2, 3 … with no gap and no repeat.
    case migrationNumbering(detail: String)
    /// The archive was opened read-only (for example, created by a newer build) and a write was asked for.
    case readOnly(reason: String)
    /// A blob is not where it should be, or its bytes do not match its name.
    case blob(hash: String, problem: String)
    /// The blob store itself (its folders, temp files or flushes) failed, not any one blob.
    case blobStore(problem: String)
    /// A hash that is not 64 lowercase hex digits: never turned into a path.
    case invalidBlobHash(String)
    /// A download or copy ended with a size or hash other than the one expected.
    case contentMismatch(expected: String, actual: String)
    /// No task matches an id or prefix.
    case taskNotFound(String)
    /// Several tasks share a prefix.
    case ambiguousTaskPrefix(String, candidates: [String])
    /// A search query that cannot be run, with the reason a person can act on.
    case invalidQuery(String)
    /// The disk is full, a file-size limit was reached, or the device failed a write.
    case writeFailed(path: String, code: Int32, operation: String)
    /// Another process holds the archive's writer lock.
    case busy(holder: String)
    /// A read-only opening found no archive, or one this build must upgrade first.
    case notReadable(path: String, reason: String)
    /// A folder named for reading that holds no archive.
    case noArchive(path: String)
    /// Any other SQLite failure, with its result code and the operation that hit it.
    case sqlite(code: Int32, message: String, operation: String)

    public var description: String {
        switch self {
        case .noArchive(let path):
            return "no archive at \(path) (run `sigmic-archive sync` first, or pass --archive DIR)"
        case .notReadable(let path, let reason):
            return "\(path): \(reason)"
        case .notADatabase(let path):
            return "\(path) is not a SigmicArchive database (the file is not SQLite, or its header is damaged); it was left untouched"
        case .corrupt(let path, let detail):
            return "\(path) is damaged: \(detail); it was left untouched (run `sigmic-archive verify` for details)"
        case .cannotOpen(let path, let reason):
            return "cannot open archive at \(path): \(reason)"
        case .migrationEdited(let fileName, let applied, let bundled):
            return "migration \(fileName) changed after it was applied to this archive (applied sha256 \(applied.prefix(12)), this build has \(bundled.prefix(12))); migrations are never edited once merged"
        case .migrationNumbering(let detail):
            return "migrations are misnumbered: \(detail)"
        case .readOnly(let reason):
            return "the archive is open read-only: \(reason)"
        case .blob(let hash, let problem):
            return "blob \(hash.prefix(12))…: \(problem)"
        case .blobStore(let problem):
            return "blob store: \(problem)"
        case .invalidBlobHash(let text):
            return "refusing blob name \(String(reflecting: String(text.prefix(80)))): not a SHA-256 hex digest"
        case .contentMismatch(let expected, let actual):
            return "content mismatch: expected \(expected), got \(actual)"
        case .taskNotFound(let id):
            return "no task matches \(String(reflecting: id))"
        case .ambiguousTaskPrefix(let prefix, let candidates):
            return "task prefix \(String(reflecting: prefix)) is ambiguous: \(candidates.joined(separator: ", "))"
        case .invalidQuery(let reason):
            return "invalid search query: \(reason)"
        case .writeFailed(let path, let code, let operation):
            return "\(operation) failed: could not write to \(path) or its write-ahead log (\(URL(fileURLWithPath: path).lastPathComponent)-wal) (disk full, file size limit, or an I/O error; SQLite code \(code)); what was committed before is intact"
        case .busy(let holder):
            return "the archive is busy: \(holder) is writing to it; wait for it to finish (or stop it) and try again"
        case .sqlite(let code, let message, let operation):
            return "\(operation) failed: \(message) (SQLite code \(code))"
        }
    }
}

extension ArchiveError: LocalizedError {
    public var errorDescription: String? { description }
}
