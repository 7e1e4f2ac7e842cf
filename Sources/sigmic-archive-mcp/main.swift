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
    // `mcp` opened it once already and said what there was to say about it: no notes here.
    let archive = try await ArchiveLocation(arguments[1]).openForServing(environment: ProcessInfo.processInfo.environment, note: { _ in })
    try await ArchiveMCPServer.run(archive: archive, version: ArchiveMCPServer.version)
    exit(0)
} catch {
    FileHandle.standardError.write(Data("sigmic-archive: error: \(error)\n".utf8))
    exit(1)
}
