public import ArchiveStore
import Foundation

/// What the reading server programs (`sigmic-archive-web`, `sigmic-archive-mcp`) share: their archive,
/// opened from their argument by the one chooser, with its notes and a failure worded as
/// `sigmic-archive` words them (the command a person ran became the program, so it speaks as that).
public enum ServingProgram {
    /// Opens the archive `argument` names (`ArchiveLocation.argument`) for reading, never writing.
    public static func open(_ argument: String) async throws -> any ArchiveReader {
        try await ArchiveLocation(argument).openForServing(environment: ProcessInfo.processInfo.environment, note: note)
    }

    public static func note(_ line: String) {
        FileHandle.standardError.write(Data("sigmic-archive: \(oneLine(line))\n".utf8))
    }

    /// Says what went wrong in one line on stderr, and exits 1.
    public static func fail(_ error: any Error) -> Never {
        FileHandle.standardError.write(Data("sigmic-archive: error: \(oneLine(FileSystemFailure.describe(error)))\n".utf8))
        exit(1)
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
