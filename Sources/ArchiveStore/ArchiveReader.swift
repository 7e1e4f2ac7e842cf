public import Foundation

/// What reading an archive takes, whatever its engine: the task list, one task and its history,
/// artifacts and stream events, and search (one query language, parsed once by `SearchQuery`).
/// `Archive` (SQLite) and `PostgresArchive` both provide it, so `show`, `tasks` and transcripts are
/// written once. Every read suspends rather than blocks: SQLite reads run on GRDB's reader threads,
/// PostgreSQL's on postgres-nio's event loop, so a long search never holds a concurrency thread.
public protocol ArchiveReader: Sendable {
    /// Tasks, newest activity first.
    func tasks(_ filter: TaskFilter) async throws -> [TaskSummary]
    /// How many tasks a filter selects, whatever its limit and offset.
    func taskCount(_ filter: TaskFilter) async throws -> Int
    /// Tasks whose id starts with `prefix` (lower case), in id order, at most `limit`
    /// (`task(matching:)` resolves a prefix from them).
    func tasks(idPrefix prefix: String, limit: Int) async throws -> [StoredTask]
    /// A task's messages in history order.
    func messages(of task: TaskRowID) async throws -> [StoredMessage]
    /// A task's artifacts, by path.
    func artifacts(of task: TaskRowID) async throws -> [StoredArtifact]
    /// A task's stream events in arrival order (session by session).
    func events(of task: TaskRowID) async throws -> [StoredEvent]
    /// A task's messages, artifacts and, when `events`, stream events, in one read: what a transcript
    /// shows (on a folder in one snapshot, and one hand-over to a reader thread rather than three).
    func history(of task: TaskRowID, events: Bool) async throws -> TaskHistory
    /// Entries matching a parsed query in one way (words, or every term as a substring), best first
    /// (or by date), with snippets (`search(_:options:)` decides the way).
    func search(_ query: SearchQuery, options: SearchOptions, match: SearchHit.Match) async throws -> [SearchHit]
    /// How many entries match, the way the hits did (`match`), whatever the page.
    func searchCount(_ query: SearchQuery, match: SearchHit.Match) async throws -> Int
    /// What the archive holds: accounts, tasks by status, rows per table, sizes.
    func status() async throws -> ArchiveStatus
    /// What `stats` and `/insights` report of the tasks in a scope, counted in the engine
    /// (`InsightAggregates` says how each figure is defined).
    func insightAggregates(_ scope: InsightScope) async throws -> InsightAggregates

    /// Whole tasks a filter selects, newest activity first (for `export`).
    func storedTasks(_ filter: TaskFilter) async throws -> [StoredTask]
    /// Every task with an entry matching a query in one way, newest activity first.
    func storedTasks(matching query: SearchQuery, match: SearchHit.Match) async throws -> [StoredTask]
    /// Ids of tasks whose first 8 characters another task shares (their short names would collide).
    func taskIDsWithSharedShortPrefix() async throws -> Set<String>
    /// The `index`th MiB of a stored file (`blobChunkSize` bytes, the last one shorter), or nil past its
    /// end. Throws when the archive does not hold the file at all.
    func blobChunk(_ hash: BlobHash, index: Int) async throws -> Data?
    /// The file holding a stored file's bytes, when the engine keeps them as one (a folder does; a web
    /// server can then send it as it is).
    func blobFile(_ hash: BlobHash) -> URL?
    /// The outbox in the order items were queued: every item, or those of one account in some states.
    func outbox(account: AccountID?, states: Set<OutboxItem.State>?) async throws -> [OutboxItem]
    /// Hands every text the archive holds from the server to `visit`, one at a time, in task order
    /// (task columns, then messages, then stream events): the whole archive is never in memory.
    func eachText(_ visit: @escaping @Sendable (ArchivedText) throws -> Void) async throws
    /// Every artifact whose bytes the archive holds, in task order.
    func storedFiles() async throws -> [TaskFile]
    /// The archive's own settings (`ArchiveSetting`), by name.
    func settings() async throws -> [String: String]
    /// Every redact, forget and retention run that removed something, oldest first.
    func auditLog() async throws -> [AuditEntry]
    /// Every task forgotten on purpose, newest first.
    func tombstones() async throws -> [Tombstone]
}

/// Bytes per piece of a stored file, in both engines (PostgreSQL keeps them as `blob_chunk` rows).
public let blobChunkSize = 1 << 20

/// The policies of reading, written once above the engines: how an id prefix names a task, and when a
/// search by words is tried again as a search for substrings.
extension ArchiveReader {
    /// The task whose id is `idOrPrefix` or starts with it, as git resolves a commit: an exact id wins,
    /// one task starting with it is that task, and several make an error naming up to ten of them.
    public func task(matching idOrPrefix: String) async throws -> StoredTask {
        let needle = idOrPrefix.lowercased()
        guard !needle.isEmpty else { throw ArchiveError.taskNotFound(idOrPrefix) }
        let tasks = try await tasks(idPrefix: needle, limit: 11)
        if let exact = tasks.first(where: { $0.remoteID == needle }) { return exact }
        switch tasks.count {
        case 0: throw ArchiveError.taskNotFound(idOrPrefix)
        case 1: return tasks[0]
        default:
            let names = tasks.prefix(10).map { "\($0.remoteID) (\($0.status.rawValue))" }
            throw ArchiveError.ambiguousTaskPrefix(idOrPrefix, candidates: names + (tasks.count > 10 ? ["…"] : []))
        }
    }

    /// Entries matching a parsed query, best first (or by date), with snippets: by words, and when
    /// that finds nothing at all, by substrings (those hits say so in `match`). An empty later page is
    /// retried as substrings only if no word matched at all, so paging through substring hits works.
    public func search(_ query: SearchQuery, options: SearchOptions = SearchOptions()) async throws -> [SearchHit] {
        let hits = try await search(query, options: options, match: .words)
        guard hits.isEmpty, SearchPlan.substringRetryMakesSense(query) else { return hits }
        if options.offset > 0 {
            let first = SearchOptions(sort: options.sort, limit: 1, deadline: options.deadline)
            guard try await search(query, options: first, match: .words).isEmpty else { return hits }
        }
        return try await search(query, options: options, match: .substring)
    }

    /// Every task with an entry matching a query, newest activity first (for `export --query`): by
    /// words, else by substrings, as `search` decides.
    public func storedTasks(matching query: SearchQuery) async throws -> [StoredTask] {
        let byWords = try await storedTasks(matching: query, match: .words)
        guard byWords.isEmpty, SearchPlan.substringRetryMakesSense(query) else { return byWords }
        return try await storedTasks(matching: query, match: .substring)
    }

    /// Hands a stored file's bytes to `each` a piece at a time, never the whole file at once.
    public func readBlob(_ hash: BlobHash, _ each: (UnsafeRawBufferPointer) throws -> Void) async throws {
        var index = 0
        while let chunk = try await blobChunk(hash, index: index) {
            try chunk.withUnsafeBytes(each)
            index += 1
        }
    }

    /// Writes a stored file's bytes into a new file at `file` (which must not exist): copied as it is
    /// when the engine keeps it as a file of its own (the kernel copies it), else a piece at a time.
    public func writeBlob(_ hash: BlobHash, to file: URL) async throws {
        if let source = blobFile(hash) {
            try FileManager.default.copyItem(at: source, to: file)
            return
        }
        guard FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o644]) else {
            throw ArchiveError.cannotOpen(path: file.path, reason: "cannot create the file")
        }
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        try await readBlob(hash) { try handle.write(contentsOf: Data($0)) }
    }
}

extension Archive: WritableArchive {}

extension AccountID { package init(_ rawValue: Int64) { self.rawValue = rawValue } }
extension ArtifactRowID { package init(_ rawValue: Int64) { self.rawValue = rawValue } }
extension AttachSessionID { package init(_ rawValue: Int64) { self.rawValue = rawValue } }
extension SyncRunID { package init(_ rawValue: Int64) { self.rawValue = rawValue } }

extension Archive {
    public func blobChunk(_ hash: BlobHash, index: Int) throws -> Data? {
        guard let handle = try? FileHandle(forReadingFrom: blobs.url(for: hash)) else {
            throw ArchiveError.blob(hash: hash.hex, problem: "its file is missing; run `sigmic-archive verify --repair`")
        }
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(index) * UInt64(blobChunkSize))
        let chunk = try handle.read(upToCount: blobChunkSize) ?? Data()
        return chunk.isEmpty ? nil : chunk
    }

    public func blobFile(_ hash: BlobHash) -> URL? { blobs.url(for: hash) }

    public func claimWriter(purpose: String) throws -> ArchiveLock? {
        try ArchiveLock.acquire(self, purpose: purpose)
    }
}
