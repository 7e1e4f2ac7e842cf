/// What a sync writes, whatever the engine: valid only inside one write transaction of its archive
/// (`WritableArchive.write`), so everything written through one writer commits together or not at
/// all — which is how a task and its sync bookkeeping land atomically. `SQLiteArchiveWriter` and
/// PostgreSQL's writer implement it; the sync engine speaks only to this.
///
/// Every upsert is idempotent and keyed by (account, remote id): the same input twice, or from two
/// syncers at once, leaves the same archive.
public protocol ArchiveWriter {
    /// Finds or adds the account for a base URL and key fingerprint (never the key).
    func account(baseURL: String, fingerprint: String) throws -> AccountID

    /// Records a task as seen in a list page. Fields only a get returns keep their stored values.
    @discardableResult
    func upsertListedTask(_ task: TaskSnapshot, account: AccountID) throws -> TaskRowID
    /// Records a task as returned by a get: sets output and pending approvals exactly (absent = none).
    @discardableResult
    func upsertFetchedTask(_ task: TaskSnapshot, account: AccountID) throws -> TaskRowID

    /// Inserts or updates messages by id, numbering them in the order given (history order).
    func upsertMessages(_ messages: [MessageSnapshot], task: TaskRowID) throws
    /// Makes the task's messages exactly `messages`: upserts them and removes any other (such as text
    /// recorded while a run was streaming, now replaced by the final history).
    func replaceHistory(_ messages: [MessageSnapshot], task: TaskRowID) throws

    /// Opens an attach session for a task's live stream; its events are numbered from 1.
    func beginAttachSession(task: TaskRowID) throws -> AttachSessionID
    func endAttachSession(_ session: AttachSessionID, reason: AttachSessionEnd) throws
    /// Appends events to a session. An event whose (session, seq) is already recorded is left as it was.
    func appendEvents(_ events: [StreamEventSnapshot], session: AttachSessionID) throws

    /// Records a task's artifact listing. A file whose size or modification time changed goes back to
    /// `pending`; files no longer listed are marked missing, never deleted. Returns each listed file's
    /// row, in the order given.
    @discardableResult
    func upsertArtifacts(_ artifacts: [ArtifactSnapshot], task: TaskRowID) throws -> [ArtifactRowID]
    /// Links artifacts to bytes stored in the archive's `blobs` (the files there are what is linked).
    func recordArtifactBlobs(_ links: [(artifact: ArtifactRowID, blob: StoredBlob)]) throws
    /// Counts one more sync in which a listed file could not be downloaded, with the server's answer.
    /// `givingUp`: the file is recorded `failed` (not tried again until its listing changes).
    func recordArtifactFailure(_ artifact: ArtifactRowID, error: String, givingUp: Bool) throws

    /// Records that a task is fully synced as of these listing values: the planner's "unchanged" test.
    func markSynced(_ task: TaskRowID, status: TaskStatus, activityAt: String?, messageCount: Int?, completedAt: String?) throws
    /// A task being followed live: its events are recorded, its final state is not yet.
    func markLive(_ task: TaskRowID) throws
    /// A task whose sync failed; it stays due, and the error says why.
    func markFailed(_ task: TaskRowID, error: String) throws
    /// A task the server answered 404 for: kept, marked missing, and no longer due.
    func markGone(_ task: TaskRowID, error: String) throws
    /// Marks the account's tasks not in `present` as missing remotely (kept, never deleted), and those in
    /// it as present. Returns how many became missing.
    @discardableResult
    func reconcilePresence(account: AccountID, present: Set<String>) throws -> Int

    /// Moves the account's cursor forward (never back: two syncers may finish in either order).
    func updateCursor(account: AccountID, highWaterActivity: String?, full: Bool) throws
    func beginSyncRun(account: AccountID, mode: SyncRunMode) throws -> SyncRunID
    func finishSyncRun(_ run: SyncRunID, outcome: SyncRunOutcome, totals: SyncRunTotals, error: String?) throws

    /// Puts an item in the outbox, with its files (stored in the archive's `blobs`). `sending`: the
    /// request may already have reached the server (it timed out), so it is looked for before it is
    /// sent again.
    @discardableResult
    func enqueue(_ item: NewOutboxItem, account: AccountID, sending: Bool) throws -> Int64
    /// Moves an item to `state`: `sending` stamps when its request went out, `sent` when the answer
    /// came (with the created task's id for a `create`); `note` says why for stale, expired or failed.
    func markOutbox(_ id: Int64, _ state: OutboxItem.State, remoteID: String?, note: String?) throws
    /// Removes an item that has not been sent. Returns false when there is none (or it was sent).
    func dropOutboxItem(_ id: Int64) throws -> Bool

    /// Replaces one text the archive keeps — a task's or a message's column, an event's data — with
    /// `text` (what `redact` writes). Search entries made from a message follow it.
    func rewriteText(at place: ArchivedText.Place, of task: TaskRowID?, to text: String) throws
    /// Replaces one recorded stream event's data (`SessionRecorder` mends events it already wrote when a
    /// secret turns out to span several).
    func rewriteEventData(_ session: AttachSessionID, seq: Int, to data: String) throws
    /// Unlinks an artifact's stored bytes without storing others (a binary file that held a secret):
    /// it is recorded `failed` with `reason`, so no sync fetches this version again.
    func dropArtifactBytes(_ artifact: ArtifactRowID, reason: String) throws
    /// Removes the rows of stored files nothing links any more, and returns them. In the database
    /// their bytes go with the rows; a folder's files are deleted by the next `WritableArchive.purge`.
    func dropUnlinkedBlobs() throws -> [BlobHash]
    /// Removes a task with everything of it — messages, attach sessions and their events, artifacts,
    /// search entries, outbox items that act on it or created it, stored files nothing else links — and
    /// leaves a tombstone saying `reason`. Nil when there is no such row (forgotten already).
    func forgetTask(_ task: TaskRowID, reason: String) throws -> ForgottenTask?
    /// Records a tombstone as it is (`copy` carries them between archives).
    func recordTombstone(remoteID: String, account: AccountID, forgottenAt: String, reason: String, lastActivityAt: String?) throws
    /// Lifts a tombstone and rewinds the account's cursor to the task's last activity, so the next
    /// incremental sync lists and fetches it again. False when there is none.
    func liftTombstone(remoteID: String, account: AccountID) throws -> Bool
    /// Pins a task (retention never forgets it) or unpins it.
    func setPinned(_ task: TaskRowID, _ pinned: Bool) throws
    /// Records where a task was started (`task.origin`: "run" when this archive's `run` created it).
    func recordOrigin(_ task: TaskRowID, _ origin: String) throws
    /// Records "run" as the origin of the account's archived tasks that a `create` in its outbox made
    /// (a `run` queued offline and sent later), where no origin is recorded yet.
    func recordOriginOfSentRuns(account: AccountID) throws
    /// Sets one of the archive's settings; nil removes it.
    func setSetting(_ setting: ArchiveSetting, to value: String?) throws
    func recordAudit(_ record: AuditRecord) throws

    /// Runs `unit` in a savepoint of this transaction: a unit that throws is rolled back alone, and its
    /// error comes back worded as one line while the rest of the transaction goes on. Throws only when
    /// the transaction itself cannot go on (on PostgreSQL, when it lost a deadlock: `write` runs it again).
    func savepoint(_ unit: () throws -> Void) throws -> (any Error)?
}

extension ArchiveWriter {
    /// The account for a base URL and key. Only the key's fingerprint is stored.
    public func account(baseURL: String, apiKey: String) throws -> AccountID {
        try account(baseURL: baseURL, fingerprint: KeyFingerprint.of(apiKey))
    }

    /// Links an artifact to bytes stored in the archive's `blobs`.
    public func recordArtifactBlob(_ artifact: ArtifactRowID, blob: StoredBlob) throws {
        try recordArtifactBlobs([(artifact, blob)])
    }

    @discardableResult
    public func enqueue(_ item: NewOutboxItem, account: AccountID) throws -> Int64 {
        try enqueue(item, account: account, sending: false)
    }

    public func markOutbox(_ id: Int64, _ state: OutboxItem.State) throws {
        try markOutbox(id, state, remoteID: nil, note: nil)
    }

    public func markOutbox(_ id: Int64, _ state: OutboxItem.State, note: String?) throws {
        try markOutbox(id, state, remoteID: nil, note: note)
    }

    public func markOutbox(_ id: Int64, _ state: OutboxItem.State, remoteID: String?) throws {
        try markOutbox(id, state, remoteID: remoteID, note: nil)
    }
}

/// An archive a sync can write to, whatever its engine: reading (`ArchiveReader`), write transactions,
/// and the sync bookkeeping the planner reads. `Archive` (SQLite) and `PostgresArchive` provide it.
public protocol WritableArchive: ArchiveReader {
    associatedtype Writer: ArchiveWriter

    /// Where downloads are put before a commit links them: the archive's own blob files for SQLite; a
    /// spool the commit streams into the database for PostgreSQL.
    var blobs: BlobStore { get }

    /// Runs `body` in one write transaction: all of it commits, or none of it. Waiting for the writer
    /// suspends the task; it never blocks one of the concurrency runtime's few threads.
    /// `indexSearch: false` lets an engine that indexes search in batches (SQLite) leave the entries
    /// this transaction adds to a later write; they are durable, and `verify` counts them, meanwhile.
    func write<T: Sendable>(indexSearch: Bool, _ body: @escaping @Sendable (Writer) throws -> T) async throws -> T

    /// One task's row, by its remote id.
    func taskRow(remoteID: String, account: AccountID) async throws -> TaskRowID?
    /// Every task of an account, by remote id: what the sync planner compares the listing with.
    func localTaskStates(account: AccountID) async throws -> [String: LocalTaskState]
    func cursor(account: AccountID) async throws -> SyncCursor
    /// The account for a base URL and key fingerprint, if the archive has it (reading never creates one).
    func existingAccount(baseURL: String, fingerprint: String) async throws -> AccountID?

    /// The right to write alone, for an engine with one writer at a time: a folder's lock, held while
    /// the returned lock lives (`ArchiveError.busy` when another process holds it). Nil where several
    /// processes write at once (PostgreSQL).
    func claimWriter(purpose: String) throws -> ArchiveLock?

    /// Checks every byte the archive holds: the database, both search indexes against the text they
    /// index, every stored file re-hashed (`progress` gets the bytes hashed so far). `repair` mends what
    /// can be mended; the caller holds the writer's claim.
    func verify(repair: Bool, progress: (Int64) -> Void) async throws -> VerifyReport

    /// Makes what was rewritten or removed unreadable in the archive's bytes, and clears
    /// `purge-pending`. SQLite: deletes the files in `blobs` no row names, merges each search
    /// index into one segment (so no old segment keeps a removed word), vacuums (no free page keeps old
    /// rows) and empties the WAL. PostgreSQL: vacuums the tables rows were removed from. The caller holds
    /// the writer's claim.
    func purge() async throws -> PurgeReport
    /// Deletes a stored file no row links any more — a download stored redacted instead, a forgotten
    /// task's file — so its bytes do not wait in `blobs` for the next purge. A file a row still names
    /// stays.
    func discardUnlinkedBlob(_ hash: BlobHash) async throws
}

/// The policies of writing, written once above the engines.
extension WritableArchive {
    /// Runs `body` in one write transaction, its search entries indexed with it.
    @discardableResult
    public func write<T: Sendable>(_ body: @escaping @Sendable (Writer) throws -> T) async throws -> T {
        try await write(indexSearch: true, body)
    }

    /// Runs several independent units of work in one transaction, each all-or-nothing: a unit that
    /// throws is rolled back alone and its error returned in its place; the others commit together.
    /// Throws only if the transaction itself fails, in which case nothing was written. Many small
    /// commits cost far more than one larger one, so a sync hands its finished tasks over in groups.
    ///
    /// Units rarely fail, and a savepoint costs a copy of each page a unit changes: all of them are
    /// first tried in one transaction without savepoints. If one throws, that transaction is rolled
    /// back whole and the group runs again, each unit in its own savepoint (units only write what they
    /// captured, so running one twice is safe).
    public func writeEach(_ units: [@Sendable (any ArchiveWriter) throws -> Void],
                          indexSearch: Bool = true) async throws -> [(any Error)?] {
        if units.count > 1 {
            do {
                try await write(indexSearch: indexSearch) { writer in
                    for unit in units { try unit(writer) }
                }
                return Array(repeating: nil, count: units.count)
            } catch {
                // Fall through: the savepoints find which unit failed, and why.
            }
        }
        return try await write(indexSearch: indexSearch) { writer in
            try units.map { unit in try writer.savepoint { try unit(writer) } }
        }
    }
}
