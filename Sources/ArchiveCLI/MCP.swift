import ArchiveMCP
import ArchiveStore
import ArgumentParser
import Foundation

struct MCP: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve the archive to AI agents as a Model Context Protocol server over stdio (read-only).",
        discussion: """
            Tools: search, list_tasks, get_task (paged) and get_artifact; resources: sigmic://tasks/{id}. Add it to \
            an MCP client as the command `sigmic-archive mcp` (with --archive DIR if not the default). The archive \
            is opened read-only and may be synced meanwhile; nothing but protocol is written to stdout.
            """)

    @OptionGroup var archiveOptions: ArchiveOptions

    func run() async throws {
        let archive = try Archive.openReadOnly(at: archiveOptions.folder)
        try await ArchiveMCPServer.run(archive: archive, version: SigmicArchive.configuration.version)
    }
}
