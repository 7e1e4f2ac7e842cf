import ArchivePostgres
import ArchiveStore
import ArgumentParser
import Foundation

struct MCP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp",
        abstract: "Serve the archive to AI agents as a Model Context Protocol server over stdio (read-only).",
        discussion: """
            Tools: search, list_tasks, get_task (paged) and get_artifact; resources: sigmic://tasks/{id}. Add it to \
            an MCP client as the command `sigmic-archive mcp` (with --archive DIR if not the default). The archive \
            is opened read-only and may be synced meanwhile; nothing but protocol is written to stdout. The server \
            is the sigmic-archive-mcp program beside this one, which this command becomes.
            """)

    @OptionGroup var archiveOptions: ArchiveOptions

    func run() throws {
        // The server replaces this process: the client's pipes are its stdin and stdout. It opens the
        // archive, and says what is wrong with it as any command would.
        try SiblingProgram.mcp.exec([archiveOptions.location.argument])
    }
}
