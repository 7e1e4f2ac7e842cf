import ArchiveStore
import Foundation
import Testing
import TestSupport

@Suite struct BlobStoreTests {
    let folder: TempFolder
    let store: BlobStore

    init() throws {
        folder = try TempFolder("blobs")
        store = BlobStore(root: folder.path("archive/blobs"))
    }

    @Test func storesUnderTheSHA256OfTheBytes() throws {
        let blob = try store.store(Data("hello\n".utf8))
        #expect(blob.hash.hex == "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03")
        #expect(blob.isNew)
        #expect(try Data(contentsOf: store.url(for: blob.hash)) == Data("hello\n".utf8))
        #expect(folder.tree().contains("archive/blobs/58/91b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"))
    }

    @Test func identicalBytesAreStoredOnce() throws {
        let first = try store.store(Data("same".utf8))
        let second = try store.store(Data("same".utf8))
        #expect(first.hash == second.hash)
        #expect(!second.isNew)
        let (blobs, strays) = try store.inventory()
        #expect(blobs.count == 1)
        #expect(strays.isEmpty)
        // Bytes held in memory go straight to their final path: no temp file is made or left.
        #expect((try? FileManager.default.contentsOfDirectory(atPath: folder.path("archive/blobs/tmp").path))?.isEmpty ?? true)
    }

    @Test func aFileLeftByAnotherProcessIsCheckedBeforeItStandsInForNewBytes() throws {
        let bytes = Data("report contents\n".utf8)
        let written = try store.store(bytes)
        #expect(store.needsFlush)
        try store.flushIfNeeded()
        #expect(!store.needsFlush)
        // A later process (a new store over the same folder) finds the file intact and keeps it.
        let later = BlobStore(root: store.root)
        let inode = try FileManager.default.attributesOfItem(atPath: store.url(for: written.hash).path)[.systemFileNumber] as? Int
        #expect(try !later.store(bytes).isNew)
        #expect(try FileManager.default.attributesOfItem(atPath: store.url(for: written.hash).path)[.systemFileNumber] as? Int == inode)
        // The process that wrote it may have been killed before its flush: the file is flushed before
        // a row names it.
        #expect(later.needsFlush)
        try later.flushIfNeeded()
        #expect(!later.needsFlush)
        #expect(try !later.store(bytes).isNew)
        #expect(!later.needsFlush)

        // A power cut before the flush can leave a file at the blob's path with the wrong bytes or
        // too few: the next process that needs those bytes writes them again.
        for leftover in [Data("report contents\nXX".utf8).prefix(bytes.count - 2) + Data("XX".utf8), Data()] {
            try leftover.write(to: store.url(for: written.hash))
            let afterCut = BlobStore(root: store.root)
            let stored = try afterCut.store(bytes)
            #expect(stored.isNew)
            #expect(try Data(contentsOf: store.url(for: written.hash)) == bytes)
            #expect(try !afterCut.store(bytes).isNew)
            try afterCut.flushIfNeeded()
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path("archive/blobs/tmp").path).isEmpty)
    }

    @Test func verifyCatchesChangedBytes() throws {
        let blob = try store.store(Data("original".utf8))
        #expect(try store.verify(blob.hash))
        try Data("tampered".utf8).write(to: store.url(for: blob.hash))
        #expect(try !store.verify(blob.hash))
    }

    @Test func aSizeOrHashMismatchStoresNothing() throws {
        let writer = try store.makeWriter()
        try writer.append(Data("short".utf8))
        #expect(throws: ArchiveError.self) { try writer.finish(expectedSize: 10) }
        let other = try store.makeWriter()
        try other.append(Data("bytes".utf8))
        #expect(throws: ArchiveError.self) { try other.finish(expectedHash: BlobHash(hex: String(repeating: "0", count: 64))) }
        #expect(try store.inventory().blobs.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path("archive/blobs/tmp").path).isEmpty)
    }

    @Test func aSuspendedWriteResumesWhereItStopped() throws {
        let writer = try store.makeWriter()
        try writer.append(Data("first half, ".utf8))
        try writer.suspend()
        let resumed = try store.makeWriter(resuming: writer.tempURL)
        #expect(resumed.size == 12)
        try resumed.append(Data("second half".utf8))
        let blob = try resumed.finish(expectedSize: 23)
        #expect(try Data(contentsOf: store.url(for: blob.hash)) == Data("first half, second half".utf8))
    }

    @Test(arguments: ["../../etc/passwd", "/etc/passwd", "ABCDEF", String(repeating: "g", count: 64),
                      String(repeating: "A", count: 64), "", String(repeating: "a", count: 63) + "/"])
    func refusesAnyNameThatIsNotADigest(name: String) throws {
        #expect(throws: ArchiveError.self) { try store.url(forHex: name) }
        #expect(BlobHash(hex: name) == nil)
    }

    @Test func refusesToResumeAFileOutsideItsTempFolder() throws {
        let outside = folder.path("elsewhere")
        try Data("x".utf8).write(to: outside)
        #expect(throws: ArchiveError.self) { try store.makeWriter(resuming: outside) }
        #expect(throws: ArchiveError.self) {
            try store.makeWriter(resuming: folder.path("archive/blobs/tmp/../../elsewhere"))
        }
    }
}
