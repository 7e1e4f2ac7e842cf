import ArchiveStore
import Foundation
import Testing
import TestSupport

/// Offline reading from a backup or a mounted snapshot: an archive on a read-only file system is read
/// by every reading command, `export` and `serve`, and says so once. The file system is a real
/// read-only bind mount (which needs root, as CI and the README's test command run).
@Suite(.serialized) struct ReadOnlyArchiveTests {
    let folder: TempFolder

    init() throws { folder = try TempFolder("cli-read-only") }

    /// Mounts `source` read-only at a new folder for the length of `body`.
    func withReadOnlyMount(_ source: URL, _ body: (URL) async throws -> Void) async throws {
        let mountPoint = folder.path("ro-\(source.lastPathComponent)")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        try MachinePart.root(toDo: "a read-only bind mount").require()
        let mount = try CommandRunner.run(["--bind", "-o", "ro", source.path, mountPoint.path], executable: URL(fileURLWithPath: "/bin/mount"))
        try #require(mount.status == 0, "mount --bind -o ro failed: \(mount.stderr)")
        defer { _ = try? CommandRunner.run([mountPoint.path], executable: URL(fileURLWithPath: "/bin/umount")) }
        #expect(!FileManager.default.isWritableFile(atPath: mountPoint.path))
        try await body(mountPoint)
    }

    func expectEveryReaderWorks(_ archive: URL, note: String) async throws {
        let id = try await #require(try Archive.openReadOnly(at: archive).tasks(TaskFilter()).first?.id)
        for arguments in [["tasks"], ["search", "budget"], ["show", id], ["status"], ["tasks", "--json"],
                          ["export", "--all", "-o", folder.path("export-\(archive.lastPathComponent)").path]] {
            let result = try CommandRunner.run(arguments + ["--archive", archive.path])
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(!result.stdout.isEmpty || arguments[0] == "export", "\(arguments)")
            #expect(result.stderr.components(separatedBy: note).count == 2, "\(arguments): \(result.stderr)")
        }
        let server = try ServeProcess(archive: archive, arguments: ["--port", "0"])
        #expect(try await server.get("/api/tasks").status == 200)
        #expect(try await server.get("/api/search?q=budget").status == 200)
    }

    @Test func anArchiveOnAReadOnlyFileSystemIsRead() async throws {
        try GoldenArchive.create(at: folder.path("clean"))
        try await withReadOnlyMount(folder.path("clean")) { archive in
            try await expectEveryReaderWorks(archive, note: "read-only")
        }
    }

    @Test func aSnapshotTakenWhileAWriterHadItOpenIsReadAsItIsOnDisk() async throws {
        // Its newest commits are still in the -wal file and there is no -shm: SQLite cannot read it
        // as a WAL reader without writing, so it is read immutable, and the note says what is left out.
        let live = folder.path("live")
        try GoldenArchive.create(at: live)
        let writer = try Archive.open(at: live)
        let task = try await writer.task(matching: try #require(try writer.tasks(TaskFilter()).first?.id)).rowID
        try await writer.write { _ = try $0.upsertArtifacts([Fixtures.artifact("downloads/late.md")], task: task) }
        #expect(((try FileManager.default.attributesOfItem(atPath: live.appending(path: "archive.sqlite-wal").path)[.size]) as? NSNumber)?.intValue ?? 0 > 0)
        let snapshot = folder.path("snapshot")
        try FileManager.default.createDirectory(at: snapshot, withIntermediateDirectories: true)
        for name in ["archive.sqlite", "archive.sqlite-wal"] {
            try FileManager.default.copyItem(at: live.appending(path: name), to: snapshot.appending(path: name))
        }
        try writer.close()
        try await withReadOnlyMount(snapshot) { archive in
            try await expectEveryReaderWorks(archive, note: "cannot be written here")
        }
    }
}
