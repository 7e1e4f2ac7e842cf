import ArchiveMCP
import ArchiveStore
import Foundation

// `sigmic-archive mcp` runs this program (a sibling of `sigmic-archive`, see SiblingProgram) with the
// archive folder it resolved: `sigmic-archive-mcp ARCHIVE_DIR`. Nothing but protocol goes to stdout.
let arguments = CommandLine.arguments
guard arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: sigmic-archive-mcp ARCHIVE_DIR (run it as `sigmic-archive mcp [--archive DIR]`)\n".utf8))
    exit(64)
}
do {
    let archive = try Archive.openReadOnly(at: URL(fileURLWithPath: arguments[1]))
    try await ArchiveMCPServer.run(archive: archive, version: ArchiveMCPServer.version)
    exit(0)
} catch {
    FileHandle.standardError.write(Data("sigmic-archive: error: \(error)\n".utf8))
    exit(1)
}
