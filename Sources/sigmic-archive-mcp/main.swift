import ArchiveMCP
import ArchivePostgres
import Foundation

// `sigmic-archive mcp` runs this program (a sibling of `sigmic-archive`, see SiblingProgram) with the
// archive it resolved: `sigmic-archive-mcp ARCHIVE` (a folder or postgres://…). Nothing but protocol goes to stdout.
let arguments = CommandLine.arguments
guard arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: sigmic-archive-mcp ARCHIVE (run it as `sigmic-archive mcp [--archive DIR]`)\n".utf8))
    exit(64)
}
do {
    let archive = try await ServingProgram.open(arguments[1])
    try await ArchiveMCPServer.run(archive: archive, version: ArchiveMCPServer.version)
    exit(0)
} catch {
    ServingProgram.fail(error)
}
