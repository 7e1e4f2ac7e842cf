import Foundation
import Testing
import TestSupport

/// What a shell user installs once: the completion scripts, exercised in a real bash, and the man page
/// in `docs/man`, which must name every command and option the binary has (run `tools/make-manual`
/// after adding one).
@Suite struct ShellIntegrationTests {
    /// What bash's completion offers for a command line typed so far (a trailing space starts a new word).
    func bashCompletes(_ line: String, script: URL) throws -> [String] {
        let program = """
            source "$1"; COMP_LINE="$2"; read -ra COMP_WORDS <<< "$COMP_LINE"
            [[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")
            COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMP_POINT=${#COMP_LINE}
            _sigmic-archive sigmic-archive "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let result = try CommandRunner.run(["-c", program, "bash", script.path, line], executable: URL(fileURLWithPath: "/bin/bash"))
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    @Test func bashCompletesCommandsOptionsAndValues() throws {
        let folder = try TempFolder("completions")
        let script = folder.path("sigmic-archive.bash")
        let printed = try CommandRunner.run(["completions", "bash"])
        #expect(printed.status == 0)
        try Data(printed.stdout.utf8).write(to: script)

        #expect(try bashCompletes("sigmic-archive se", script: script) == ["search", "serve"])
        #expect(try bashCompletes("sigmic-archive tasks --st", script: script) == ["--status"])
        #expect(try bashCompletes("sigmic-archive search --sort ", script: script) == ["relevance", "newest", "oldest"])
        #expect(try bashCompletes("sigmic-archive completions ", script: script) == ["bash", "zsh", "fish"])
    }

    @Test func zshAndFishScriptsNameTheCommands() throws {
        for shell in ["zsh", "fish"] {
            let result = try CommandRunner.run(["completions", shell])
            #expect(result.status == 0 && result.stdout.contains("serve") && result.stdout.contains("limit"), "\(shell)")
        }
        let unknown = try CommandRunner.run(["completions", "ksh"])
        #expect(unknown.status != 0 && unknown.stderr.contains("'bash', 'zsh' or 'fish'"))
    }

    @Test func theManPageNamesEveryCommandAndOption() throws {
        let page = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appending(path: "../../docs/man/sigmic-archive.1").standardizedFileURL
        let manual = try String(contentsOf: page, encoding: .utf8)
        let dump = try CommandRunner.run(["--experimental-dump-help"])
        let root = try #require(try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any])
        // Option lines read `.It Fl -status Ar status`, or `.It Fl o , -output Ar file` with a short name.
        let optionLines = manual.split(separator: "\n").filter { $0.hasPrefix(".It Fl ") }
        func documented(_ long: String) -> Bool {
            optionLines.contains { line in line.split(separator: " ").contains { $0 == "-" + long } }
        }
        var missing: [String] = []
        func walk(_ command: [String: Any], path: String) {
            let name = command["commandName"] as? String ?? "?"
            if !path.isEmpty && !manual.contains(".It Em \(name)\n") { missing.append("command \(path) \(name)") }
            for argument in command["arguments"] as? [[String: Any]] ?? [] where argument["shouldDisplay"] as? Bool != false {
                guard argument["kind"] as? String != "positional",
                      let long = (argument["names"] as? [[String: Any]])?.first(where: { $0["kind"] as? String == "long" })?["name"] as? String
                else { continue }
                if !documented(long) { missing.append("option \(path) \(name) --\(long)") }
            }
            for sub in command["subcommands"] as? [[String: Any]] ?? [] { walk(sub, path: path.isEmpty ? name : path + " " + name) }
        }
        walk(try #require(root["command"] as? [String: Any]), path: "")
        #expect(missing.isEmpty, "docs/man/sigmic-archive.1 is stale (run tools/make-manual): \(missing)")
    }
}
