import Foundation

/// What reading an archive takes, whatever its engine: the task list, one task and its history,
/// artifacts and stream events, and search (one query language, parsed once by `SearchQuery`). `Archive` (SQLite) and `PostgresArchive` both provide it, so `show`,
/// `tasks` and transcripts are written once.
public protocol ArchiveReader: Sendable {
    /// Tasks, newest activity first.
    func tasks(_ filter: TaskFilter) throws -> [TaskSummary]
    /// How many tasks a filter selects, whatever its limit and offset.
    func taskCount(_ filter: TaskFilter) throws -> Int
    /// The task whose id is `idOrPrefix` or starts with it; an ambiguous prefix is an error naming them.
    func task(matching idOrPrefix: String) throws -> StoredTask
    /// A task's messages in history order.
    func messages(of task: TaskRowID) throws -> [StoredMessage]
    /// A task's artifacts, by path.
    func artifacts(of task: TaskRowID) throws -> [StoredArtifact]
    /// A task's stream events in arrival order (session by session).
    func events(of task: TaskRowID) throws -> [StoredEvent]
    /// Entries matching a parsed query, best first (or by date), with snippets; words, else substrings.
    func search(_ query: SearchQuery, options: SearchOptions) throws -> [SearchHit]
    /// How many entries match, the way the hits did (`match`), whatever the page.
    func searchCount(_ query: SearchQuery, match: SearchHit.Match) throws -> Int
    /// What the archive holds: accounts, tasks by status, rows per table, sizes.
    func status() throws -> ArchiveStatus

    /// Whole tasks a filter selects, newest activity first (for `export`).
    func storedTasks(_ filter: TaskFilter) throws -> [StoredTask]
    /// Every task with an entry matching a query (words, else substrings), newest activity first.
    func storedTasks(matching query: SearchQuery) throws -> [StoredTask]
    /// Ids of tasks whose first 8 characters another task shares (their short names would collide).
    func taskIDsWithSharedShortPrefix() throws -> Set<String>
    /// Hands a stored file's bytes to `each` a piece at a time, never the whole file at once.
    func readBlob(_ hash: BlobHash, _ each: (UnsafeRawBufferPointer) throws -> Void) throws
}

extension Archive: WritableArchive {}

extension AccountID { package init(_ rawValue: Int64) { self.rawValue = rawValue } }
extension ArtifactRowID { package init(_ rawValue: Int64) { self.rawValue = rawValue } }
extension AttachSessionID { package init(_ rawValue: Int64) { self.rawValue = rawValue } }
extension SyncRunID { package init(_ rawValue: Int64) { self.rawValue = rawValue } }

extension Archive {
    public func readBlob(_ hash: BlobHash, _ each: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let handle = try? FileHandle(forReadingFrom: blobs.url(for: hash)) else {
            throw ArchiveError.blob(hash: hash.hex, problem: "its file is missing; run `sigmic-archive verify --repair`")
        }
        defer { try? handle.close() }
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            try chunk.withUnsafeBytes(each)
        }
    }
}
