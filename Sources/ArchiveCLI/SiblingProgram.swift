import Foundation

/// A program shipped beside `sigmic-archive` and run by one of its commands: `sigmic-emulator` for
/// `demo`, `sigmic-archive-web` for `serve`, `sigmic-archive-mcp` for `mcp`. Each is a program of its own
/// so that no other command carries it in its size and start-up (the MCP SDK alone brings libcurl and
/// some twenty shared libraries through FoundationNetworking, which doubled every command's start;
/// Hummingbird and cmark-gfm added a third; BENCHMARKS.md, start-up).
struct SiblingProgram {
    /// The product name, as `swift build --product` knows it.
    let name: String
    /// An environment variable that names the program's path instead.
    let environmentVariable: String
    /// What the command needing it is called, for the error when it is missing.
    let neededBy: String

    static let emulator = SiblingProgram(name: "sigmic-emulator", environmentVariable: "SIGMIC_EMULATOR", neededBy: "demo")
    static let mcp = SiblingProgram(name: "sigmic-archive-mcp", environmentVariable: "SIGMIC_ARCHIVE_MCP", neededBy: "mcp")
    static let web = SiblingProgram(name: "sigmic-archive-web", environmentVariable: "SIGMIC_ARCHIVE_WEB", neededBy: "serve")

    /// The variable's path, else beside this executable (where `swift build` puts every product).
    func location(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let path = environment[environmentVariable], !path.isEmpty { return URL(fileURLWithPath: path) }
        return Self.ownFolder.appending(path: name)
    }

    static var ownFolder: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    }

    /// The package this executable was built from, when it runs from its build folder
    /// (`<package>/.build/<triple>/<configuration>/`): `swift run sigmic-archive demo` on a fresh clone
    /// builds only that product, so the program is built there first.
    func sourcePackage() -> (root: URL, configuration: String)? {
        let configuration = Self.ownFolder.lastPathComponent
        var folder = Self.ownFolder
        for _ in 0..<3 {
            folder = folder.deletingLastPathComponent()
            if folder.lastPathComponent == ".build" {
                let root = folder.deletingLastPathComponent()
                guard let manifest = try? String(contentsOf: root.appending(path: "Package.swift"), encoding: .utf8),
                      manifest.contains("name: \"\(name)\"") else { return nil }
                return (root, configuration)
            }
        }
        return nil
    }

    /// Builds the program beside this executable with `swift build` in its source package.
    func build(in root: URL, configuration: String) throws {
        FileHandle.standardError.write(Data("Building \(name) first (swift build --product \(name))…\n".utf8))
        let swift = Process()
        swift.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        swift.arguments = ["swift", "build", "--product", name, "-c", configuration, "--package-path", root.path]
        swift.standardOutput = FileHandle.standardError
        try swift.run()
        var status: Int32 = 0
        // Plain waitpid: Foundation's waitUntilExit spins a run loop, which on a concurrency thread
        // can wait forever.
        _ = waitpid(swift.processIdentifier, &status, 0)
        guard status == 0 else { throw CLIError(description: "`swift build --product \(name)` failed") }
    }

    /// The program to run: the one found, else (in a source tree) one built now.
    func locateOrBuild() throws -> URL {
        let found = location()
        if FileManager.default.isExecutableFile(atPath: found.path) { return found }
        if ProcessInfo.processInfo.environment[environmentVariable] == nil, let package = sourcePackage() {
            try build(in: package.root, configuration: package.configuration)
        }
        guard FileManager.default.isExecutableFile(atPath: found.path) else { throw missing(found.path) }
        return found
    }

    /// Becomes the program (found or built as `locateOrBuild` does), with `arguments` after its path and
    /// `environment` added: its stdin, stdout and stderr are this process's, with nothing between.
    /// Returns only by throwing.
    func exec(_ arguments: [String], environment: [String: String] = [:]) throws -> Never {
        let program = try locateOrBuild()
        for (name, value) in environment { setenv(name, value, 1) }
        let argv: [UnsafeMutablePointer<CChar>?] = ([program.path] + arguments).map { strdup($0) } + [nil]
        execv(program.path, argv)
        throw CLIError(description: "could not start \(program.path): \(String(cString: strerror(errno)))")
    }

    func missing(_ path: String) -> CLIError {
        CLIError(description: "\(neededBy) needs the \(name) program, which is not at \(path): build it beside sigmic-archive with `swift build --product \(name)` (or run `swift run sigmic-archive \(neededBy)` in the source tree), or name it with \(environmentVariable)")
    }
}
