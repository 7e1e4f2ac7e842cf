public import ArgumentParser
import ArchiveStore
import BuildInfo
import Foundation

/// The `sigmic-archive` command: one subcommand per file in this module.
public struct SigmicArchive: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "sigmic-archive",
        abstract: "Mirror Sigmic AI tasks into a local archive; search and read them offline.",
        discussion: """
            The archive is one folder: archive.sqlite and blobs/. Choose it with --archive or \
            SIGMIC_ARCHIVE; the default is $XDG_DATA_HOME/sigmic-archive, else ~/.local/share/sigmic-archive.
            """,
        version: BuildInfo.versionLine,
        subcommands: [Demo.self, Sync.self, Watch.self, Run.self, Reply.self, Approve.self, Cancel.self, Download.self, Outbox.self, Tasks.self, Show.self, Replay.self, Stats.self,
                      Search.self, Export.self, Status.self, Verify.self, Redact.self, Forget.self, Pin.self, Unpin.self, RetentionCommand.self, Audit.self, Serve.self, MCP.self, Copy.self, DatasetteMetadata.self, Completions.self]
    )

    public init() {}

    /// Parses the command line, runs the command, and turns any failure into one line on stderr and a
    /// non-zero exit status (64, EX_USAGE, for usage errors; 1 otherwise).
    public static func runMain(_ arguments: [String]? = nil) async -> Never {
        // Past a file-size limit (ulimit -f), a write should fail with EFBIG and be reported like a
        // full disk, not kill the process with SIGXFSZ halfway through.
        signal(SIGXFSZ, SIG_IGN)
        var command: any ParsableCommand
        do {
            command = try parseAsRoot(arguments)
        } catch {
            exit(withError: error)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Foundation.exit(0)
        } catch let error as ArchiveError {
            Terminal.error(error.description)
            Foundation.exit(1)
        } catch let error as CLIError {
            Terminal.error(error.description)
            Foundation.exit(error.exitCode)
        } catch where ErrorLine.isParserOwned(error) {
            exit(withError: error)
        } catch {
            Terminal.error(FileSystemFailure.describe(error))
            Foundation.exit(1)
        }
    }
}

/// A failure the CLI itself reports (bad combination of options, missing key, …).
struct CLIError: Error, CustomStringConvertible {
    let description: String
    var exitCode: Int32 = 1
}
