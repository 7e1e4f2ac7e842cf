import Foundation

/// An archive this process cannot write — on a read-only file system, a mounted snapshot, a backup of
/// someone else's — and how it is read anyway. With no commits waiting in its `-wal` file, the database
/// file is opened immutable, as it is. With some, an immutable opening would not read them (SQLite
/// ignores the WAL then), so the database and its WAL are copied into a private temporary folder and
/// read from there, where SQLite can apply the WAL as usual.
struct ReadOnlyOpening {
    let database: URL

    var wal: URL { URL(fileURLWithPath: database.path + "-wal") }

    var hasPendingCommits: Bool {
        (((try? FileManager.default.attributesOfItem(atPath: wal.path)[.size]) as? NSNumber)?.intValue ?? 0) > 0
    }

    /// What a person is told, once.
    var note: String {
        "\(database.deletingLastPathComponent().path) cannot be written here (a read-only file system or someone else's files): "
            + (hasPendingCommits ? "it is read from a temporary copy, with the newest commits in \(Archive.databaseFileName)-wal"
                                 : "it is read as it is on disk")
    }

    /// Copies the database and its WAL into a new private folder and returns the folder.
    func temporaryCopy() throws -> URL {
        var template = Array((NSTemporaryDirectory() + "/sigmic-archive-read-only.XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw ArchiveError.cannotOpen(path: database.path, reason: "cannot make a temporary folder to read it from: \(String(cString: strerror(errno)))")
        }
        let folder = URL(fileURLWithPath: String(cString: made))
        do {
            try FileManager.default.copyItem(at: database, to: folder.appending(path: Archive.databaseFileName))
            try FileManager.default.copyItem(at: wal, to: folder.appending(path: Archive.databaseFileName + "-wal"))
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw ArchiveError.cannotOpen(path: database.path, reason: "cannot copy it to a temporary folder to read it: " + FileSystemFailure.describe(error))
        }
        return folder
    }
}
