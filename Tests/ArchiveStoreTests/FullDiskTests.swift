import ArchiveStore
import Foundation
import Testing
import TestSupport

/// A disk that fills up while a downloaded file is stored: the error names that file and the cause,
/// not the database. The full disk is a real 64 KiB tmpfs (mounting it needs root, as CI runs).
@Suite struct FullDiskTests {
    @Test func aFullDiskNamesTheFileThatCouldNotGrow() throws {
        let folder = try TempFolder("full-disk")
        let disk = folder.path("disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        try MachinePart.root(toDo: "mounting a small tmpfs").require()
        let mount = try CommandRunner.run(["-t", "tmpfs", "-o", "size=64k", "tmpfs", disk.path], executable: URL(fileURLWithPath: "/bin/mount"))
        try #require(mount.status == 0, "mount -t tmpfs failed: \(mount.stderr)")
        defer { _ = try? CommandRunner.run([disk.path], executable: URL(fileURLWithPath: "/bin/umount")) }
        let writer = try BlobStore(root: disk.appending(path: "blobs")).makeWriter()
        #expect {
            for _ in 0..<32 { try writer.append(Data(repeating: 7, count: 16 * 1024)) }
        } throws: { error in
            let text = "\(error)"
            return text.contains(writer.tempURL.path) && text.contains("(ENOSPC)") && !text.contains("archive.sqlite")
                && !text.contains("Error Domain")
        }
    }
}
