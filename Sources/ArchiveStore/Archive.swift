public import Foundation
import Glibc
internal import GRDB

/// An archive folder: `archive.sqlite` (WAL) and `blobs/`. All SQL in the project lives in this module;
/// other modules call the typed methods in the `Archive+*.swift` files.
public final class Archive: Sendable {
    /// How the archive was opened.
    public enum Access: Sendable, Equatable {
        case readWrite
        /// Opened read-only, with the reason a person should be told (one line).
        case readOnly(reason: String)

        /// The reason of a reading opening that reads the archive as usual, beside any writer.
        public static let plainReadOnly = "opened read-only"
    }

    public let folder: URL
    public let access: Access
    public let blobs: BlobStore
    /// The number of the newest migration applied to the database.
    public let schemaVersion: Int
    let pool: DatabasePool
    let now: @Sendable () -> Date
    /// The private folder holding the copy a read-only snapshot is read from, removed with the archive.
    let temporaryCopy: URL?

    public var databaseURL: URL { folder.appending(path: Archive.databaseFileName) }
    public static let databaseFileName = "archive.sqlite"

    /// Opens the archive in `folder`, creating the folder (mode 0700) and database (mode 0600) if absent
    /// and applying any migration this build has that the archive lacks.
    ///
    /// An archive whose schema is newer than this build opens read-only (see `access`); a file that is not
    /// a database, or an applied migration that differs from this build's file, is an error and the file
    /// is left as it was.
    public static func open(
        at folder: URL,
        migrations: [EmbeddedMigration] = EmbeddedMigration.bundled,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws -> Archive {
        let plan = try MigrationPlan.validated(migrations)
        let database = folder.appending(path: databaseFileName)
        try prepareFolder(folder, database: database)

        var pool = try openPool(at: database, readOnly: false)
        let applied = try readAppliedMigrations(pool, path: database.path)
        let decision = try plan.decide(applied: applied)
        var access = Access.readWrite
        switch decision {
        case .upToDate:
            break
        case .apply(let pending):
            try apply(pending, to: pool, path: database.path, now: now)
        case .newerArchive(let archiveVersion, let buildVersion):
            try pool.close()
            pool = try openPool(at: database, readOnly: true)
            access = .readOnly(reason:
                "this archive has schema \(archiveVersion), newer than this build's \(buildVersion); " +
                "it is opened read-only: update sigmic-archive to write to it")
        }
        let version = try readAppliedMigrations(pool, path: database.path).last?.version ?? 0
        return Archive(folder: folder, access: access, schemaVersion: version, pool: pool, now: now)
    }

    /// Opens an existing archive for reading only, beside any process that writes to it: nothing is
    /// created, migrated or locked. A missing archive, or one that lacks this build's migrations, is an
    /// error that says what to run.
    public static func openReadOnly(at folder: URL, migrations: [EmbeddedMigration] = EmbeddedMigration.bundled) throws -> Archive {
        let plan = try MigrationPlan.validated(migrations)
        let database = folder.appending(path: databaseFileName)
        guard FileManager.default.fileExists(atPath: database.path) else {
            throw ArchiveError.notReadable(path: folder.path, reason: "no archive here yet; run `sigmic-archive sync` first (or pass --archive DIR)")
        }
        var reason = Access.plainReadOnly
        let pool: DatabasePool
        var copy: URL?
        do {
            pool = try openPool(at: database, readOnly: true)
        } catch let error as ArchiveError where error.isOpeningRefused && !canWrite(folder) {
            // A read-only file system, a snapshot or a backup owned by someone else: SQLite cannot make
            // the shared-memory file a WAL reader needs (https://sqlite.org/wal.html#readonly).
            let unwritable = ReadOnlyOpening(database: database)
            if unwritable.hasPendingCommits {
                // An immutable opening would not read the WAL's commits, so the pair is read from a copy.
                copy = try unwritable.temporaryCopy()
                pool = try openPool(at: copy!.appending(path: databaseFileName), readOnly: true)
            } else {
                pool = try openPool(at: database, readOnly: true, immutable: true)
            }
            reason = unwritable.note
        }
        let applied = try readAppliedMigrations(pool, path: database.path)
        if case .apply = try plan.decide(applied: applied) {
            throw ArchiveError.notReadable(path: folder.path, reason: applied.isEmpty
                ? "the archive is empty; run `sigmic-archive sync` first"
                : "the archive predates this build; run `sigmic-archive status` once to upgrade it")
        }
        return Archive(folder: folder, access: .readOnly(reason: reason), schemaVersion: applied.last?.version ?? 0,
                       pool: pool, now: { Date() }, temporaryCopy: copy)
    }

    /// Whether this process may write the archive's folder and database (a read-only file system, or
    /// files of someone else's, say no).
    public static func canWrite(_ folder: URL) -> Bool {
        let database = folder.appending(path: databaseFileName).path
        return Glibc.access(folder.path, W_OK) == 0 && (Glibc.access(database, W_OK) == 0 || errno == ENOENT)
    }

    private init(folder: URL, access: Access, schemaVersion: Int, pool: DatabasePool, now: @escaping @Sendable () -> Date,
                 temporaryCopy: URL? = nil) {
        self.temporaryCopy = temporaryCopy
        self.folder = folder
        self.access = access
        self.schemaVersion = schemaVersion
        self.pool = pool
        self.now = now
        self.blobs = BlobStore(root: folder.appending(path: "blobs"))
    }

    deinit {
        if let temporaryCopy { try? FileManager.default.removeItem(at: temporaryCopy) }
    }

    /// Closes the database; later calls fail.
    public func close() throws {
        try pool.close()
    }

    private static func prepareFolder(_ folder: URL, database: URL) throws {
        try makeFolders(folder)
        // An existing database is never opened here: closing any descriptor of a file drops every POSIX
        // lock this process holds on it, SQLite's included, so a second opening of an archive in one
        // process would leave the first one's connections unlocked while they read
        // (https://sqlite.org/howtocorrupt.html, 2.2). Only a new file is created, exclusively.
        if FileManager.default.fileExists(atPath: database.path) { return }
        // SQLite gives -wal and -shm the permissions of the main file, so 0600 here covers all three.
        let fd = Glibc.open(database.path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 && errno == EEXIST { return }   // made meanwhile by another process
        if fd < 0 {
            let reason = String(cString: strerror(errno))
            // A read-only folder may still hold a readable archive; let SQLite try, and report its error.
            guard FileManager.default.fileExists(atPath: database.path) else {
                throw ArchiveError.cannotOpen(path: folder.path, reason: "cannot create \(databaseFileName): \(reason)")
            }
            return
        }
        Glibc.close(fd)
    }

    /// mkdir -p with mode 0700, reporting the first folder that could not be made and why.
    static func makeFolders(_ folder: URL) throws {
        var path = ""
        for component in folder.standardizedFileURL.pathComponents {
            path = component == "/" ? "/" : (path.hasSuffix("/") ? path + component : path + "/" + component)
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
                guard isFolder.boolValue else {
                    throw ArchiveError.cannotOpen(path: folder.path, reason: "\(path) is a file, not a folder")
                }
                continue
            }
            if mkdir(path, 0o700) != 0 && errno != EEXIST {
                throw ArchiveError.cannotOpen(path: folder.path, reason: "cannot create folder \(path): \(String(cString: strerror(errno)))")
            }
        }
    }

    private static func openPool(at database: URL, readOnly: Bool, immutable: Bool = false) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            // WAL with synchronous=NORMAL is durable at each checkpoint and consistent at every commit
            // (https://sqlite.org/pragma.html#pragma_synchronous): a crash may lose the last commits,
            // never corrupt the file. A sync re-fetches what a lost commit had.
            if !db.configuration.readonly {
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                // The writer keeps statement and savepoint journals (every upsert whose triggers touch
                // other tables has one) in memory: as temp files they were most of a sync's writes.
                // Readers keep the default: a search sorting half the archive spills to a temp file
                // rather than growing the process by tens of MiB.
                try db.execute(sql: "PRAGMA temp_store = MEMORY")
                // What is deleted or rewritten is zeroed inside the pages a write touches anyway (FAST:
                // no extra I/O), so removed text does not wait in free space for the next purge.
                try db.execute(sql: "PRAGMA secure_delete = FAST")
            } else {
                // Readers keep up to 4 MiB of pages rather than SQLite's 2 MiB: a ranked search of a
                // 1 % term at 200k messages reads about 3 MiB of index, and re-reading it from the OS
                // was a sixth of a search in `serve` (2.79 → 2.34 ms for the bare query; 8 MiB gained
                // only 0.06 ms more; BENCHMARKS.md, reading surfaces). Pages are allocated as used.
                try db.execute(sql: "PRAGMA cache_size = -4096")
            }
        }
        do {
            let pool = try DatabasePool(path: immutable ? immutableURI(database) : database.path, configuration: configuration)
            // Touch the schema now, so a file that is not a database fails here with a clear error.
            _ = try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
            return pool
        } catch let error as DatabaseError {
            throw ArchiveError(error, path: database.path, operation: "opening the archive")
        }
    }
}

/// `file:PATH?immutable=1`, the path percent-encoded as SQLite's URI names require.
private func immutableURI(_ database: URL) -> String {
    var allowed = CharacterSet.urlPathAllowed
    allowed.remove(charactersIn: "?#%")
    return "file:" + (database.path.addingPercentEncoding(withAllowedCharacters: allowed) ?? database.path) + "?immutable=1"
}

extension ArchiveError {
    /// SQLite could not open the file, or wanted to write while opening it.
    var isOpeningRefused: Bool {
        switch self {
        case .cannotOpen, .readOnly: true
        default: false
        }
    }

    /// Maps an SQLite error to the archive error a person can act on.
    init(_ error: DatabaseError, path: String, operation: String) {
        switch error.resultCode {
        case .SQLITE_NOTADB:
            self = .notADatabase(path: path)
        case .SQLITE_CORRUPT:
            self = .corrupt(path: path, detail: error.message ?? "corrupt")
        case .SQLITE_READONLY:
            self = .readOnly(reason: error.message ?? "the database is read-only")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            self = .cannotOpen(path: path, reason: error.message ?? "permission denied")
        case .SQLITE_FULL:
            self = .writeFailed(path: path, code: error.extendedResultCode.rawValue, operation: operation)
        case .SQLITE_IOERR where error.extendedResultCode == .SQLITE_IOERR_WRITE || error.extendedResultCode == .SQLITE_IOERR_FSYNC:
            self = .writeFailed(path: path, code: error.extendedResultCode.rawValue, operation: operation)
        default:
            self = .sqlite(code: error.extendedResultCode.rawValue, message: error.message ?? "\(error.resultCode)", operation: operation)
        }
    }
}
