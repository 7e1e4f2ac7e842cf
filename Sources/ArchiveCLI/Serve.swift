import ArchivePostgres
import ArchiveStore
import SigmicAPI
import ArgumentParser
import Foundation

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Read the archive in a browser: task list, search as you type, conversations, artifacts (read-only).",
        discussion: """
            The first line on stdout is {"url": "http://HOST:PORT"} (with --port 0 a free port is picked). The archive \
            is opened read-only and may be synced meanwhile. The pages work offline and without JavaScript; \
            /api/tasks, /api/tasks/ID and /api/search?q= answer what `tasks --json`, `show --json` and \
            `search --json` print. Off loopback a --token is required: open the printed link with ?token= once, \
            and a cookie keeps you in. Stop with Ctrl-C. The server is the sigmic-archive-web program beside \
            this one, which this command becomes.
            """)

    @Option(help: "Address to listen on (loopback by default; any other address needs --token).")
    var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8080
    @Option(help: "A secret the browser must present once as ?token= (required off loopback).")
    var token: String?
    @OptionGroup var archiveOptions: ArchiveOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535") }
        if let token, token.count < 16 || !token.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
            throw ValidationError("--token must be at least 16 letters, digits, - or _")
        }
        guard token != nil || SigmicClient.isLoopback(host) else {
            throw ValidationError("--host \(host) is reachable from other machines: give --token (for example --token \(Self.suggestedToken()))")
        }
    }

    func run() throws {
        // The server is the sigmic-archive-web program, which this process becomes; it opens the
        // archive, and says what is wrong with it as any command would. The token goes in its
        // environment, not its arguments, which any local user can read in `ps`.
        try SiblingProgram.web.exec([archiveOptions.location.argument, host, String(port)], environment: token.map { ["SIGMIC_SERVE_TOKEN": $0] } ?? [:])
    }

    static func suggestedToken() -> String {
        (0..<24).map { _ in "abcdefghijkmnpqrstuvwxyz23456789".randomElement()! }.map(String.init).joined()
    }
}
