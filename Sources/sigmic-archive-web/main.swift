import ArchivePostgres
import ArchiveWeb
import Foundation

// `sigmic-archive serve` runs this program (a sibling of `sigmic-archive`, see SiblingProgram) with the
// options it checked: `sigmic-archive-web ARCHIVE HOST PORT` (a folder or postgres://…), and the token, if any, in
// SIGMIC_SERVE_TOKEN. The first line on stdout is {"url": "http://HOST:PORT"}.
let arguments = CommandLine.arguments
guard arguments.count == 4, let port = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: sigmic-archive-web ARCHIVE HOST PORT (run it as `sigmic-archive serve`)\n".utf8))
    exit(64)
}
let token = ProcessInfo.processInfo.environment["SIGMIC_SERVE_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
unsetenv("SIGMIC_SERVE_TOKEN")
do {
    let location = ArchiveLocation(arguments[1])
    let archive = try await ServingProgram.open(location.argument)
    try await WebServer.run(archive: archive, options: .init(host: arguments[2], port: port, token: token)) { url in
        FileHandle.standardOutput.write(Data("{\"url\": \"\(url)\"}\n".utf8))
        let login = token.map { "; open \(url)/?token=\($0)" } ?? ""
        FileHandle.standardError.write(Data("sigmic-archive: serving \(location.display) read-only at \(url)\(login) (Ctrl-C stops)\n".utf8))
    }
    exit(0)
} catch {
    ServingProgram.fail(error)
}
