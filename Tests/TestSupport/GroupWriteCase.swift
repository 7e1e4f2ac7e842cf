public import ArchiveStore
public import Testing

/// The `writeEach` case both engines run (`writeEach` is written once, above them): of three units,
/// the middle one writes and then throws. It must be rolled back alone, with its own error in its
/// place, while the other two commit and search finds only theirs.
public enum GroupWriteCase {
    public struct Boom: Error {}

    public static func units(_ task: TaskRowID) -> [@Sendable (any ArchiveWriter) throws -> Void] {
        [
            { try $0.upsertMessages([Fixtures.message("m1", content: "alpha report")], task: task) },
            { writer in
                try writer.upsertMessages([Fixtures.message("m2", content: "bravo report")], task: task)
                throw Boom()
            },
            { try $0.upsertMessages([Fixtures.message("m3", content: "charlie report")], task: task) },
        ]
    }

    public static func expectOnlyTheFailedUnitRolledBack(_ outcomes: [(any Error)?], in archive: any ArchiveReader, task: TaskRowID,
                                                         sourceLocation: SourceLocation = #_sourceLocation) async throws {
        #expect(outcomes.map { $0 == nil } == [true, false, true], sourceLocation: sourceLocation)
        #expect(outcomes[1] is Boom, "\(String(describing: outcomes[1]))", sourceLocation: sourceLocation)
        #expect(try await archive.messages(of: task).map(\.remoteID) == ["m1", "m3"], sourceLocation: sourceLocation)
        #expect(try await archive.search(SearchQuery.parse("report")).compactMap(\.messageID).sorted() == ["m1", "m3"],
                sourceLocation: sourceLocation)
    }
}
