import ArchiveExport
import ArchiveStore
import Foundation
import Testing
import TestSupport

/// Exports of hard content, checked by a real CommonMark parser (markdown-it-py) and YAML parser.
@Suite struct ExportTests {
    let folder: TempFolder
    var archive: URL { folder.path("archive") }
    static let taskID = "ee000000-0000-4000-8000-0000000000e1"
    static let longText = String(repeating: "Lorem ipsum dolor sit amet, 数据 😀 שלום עולם. ", count: 2_500) + "END-OF-LONG"
    static let toolOutput = "before\n````\n``` nested fence\n~~~\nafter"
    static let artifactBytes: [(String, String)] = [
        ("../../escape.txt", "climb"), ("/etc/passwd", "absolute"), ("a\\b.txt", "backslash"),
        ("nul\u{2400}name.txt", "nul"), (String(repeating: "x", count: 300) + ".txt", "long"),
        ("dup/A.txt", "upper"), ("dup/a.txt", "lower"), ("\u{E9}.txt", "nfc"), ("e\u{301}.txt", "nfd"),
        ("downloads", "a file named like a folder"), ("downloads/inner.txt", "inner"), ("..", "dots"),
    ]

    init() throws {
        folder = try TempFolder("export")
        let archive = try Archive.open(at: folder.path("archive"))
        try archive.write { writer in
            let account = try writer.account(baseURL: "https://api.sigmic.ai", apiKey: Fixtures.apiKey)
            let task = try writer.upsertListedTask(Fixtures.task(Self.taskID, message: "# Heading one", createdAt: "2026-04-01T09:00:00.000Z", messageCount: 6), account: account)
            try writer.replaceHistory([
                Fixtures.message("h1", role: "user", content: "# Heading one\nSetext title\n===\nText then an unclosed fence:\n```python\nprint('unclosed')", createdAt: "2026-04-01T09:00:00.000Z"),
                Fixtures.message("h2", content: "---\ntitle: fake front matter\n---\n<div>html block</div>\n\nWords after html.\n\n<pre>\nunclosed pre", createdAt: "2026-04-01T09:01:00.000Z",
                                 thoughts: #"[{"subject":"A <b>bold</b> thought","description":"It says </details> inside\n## and a heading"}]"#,
                                 toolCalls: #"[{"callId":"c1","toolName":"write`file","status":"success","args":{"path":"a```b"},"output":\#(Fixtures.jsonString(Self.toolOutput))}]"#),
                Fixtures.message("h3", role: "user", content: "", createdAt: "2026-04-01T09:02:00.000Z"),
                Fixtures.message("h4", content: Self.longText, createdAt: "2026-04-01T09:03:00.000Z"),
                Fixtures.message("h5", role: "user", content: "<!-- an unclosed comment", createdAt: "2026-04-01T09:04:00.000Z"),
                Fixtures.message("h6", content: "~~~\ntilde fence\n~~~\nAfter the comment.", createdAt: "2026-04-01T09:05:00.000Z"),
            ], task: task)
            let rows = try writer.upsertArtifacts(Self.artifactBytes.map { Fixtures.artifact($0.0, size: Int64($0.1.utf8.count)) }, task: task)
            for (row, (_, text)) in zip(rows, Self.artifactBytes) {
                try writer.recordArtifactBlob(row, blob: try archive.blobs.store(Data(text.utf8)))
            }
            try writer.markSynced(task, status: "completed", activityAt: "2026-04-01T09:00:00.000Z", messageCount: 6, completedAt: nil)
        }
    }

    func export(_ arguments: [String]) throws -> CommandResult {
        try CommandRunner.run(["export", "--archive", archive.path] + arguments)
    }

    @Test func hardContentKeepsItsStructure() throws {
        let out = folder.path("out")
        let result = try export(["--all", "-o", out.path, "--with-artifacts"])
        #expect(result.status == 0, "\(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0.hasSuffix(".md") }
        #expect(files == ["2026-04-01-heading-one-ee000000.md"])
        let spec: [String: Any] = ["files": [[
            "path": out.appending(path: files[0]).path, "id": Self.taskID, "title": "# Heading one", "links": true,
            "messages": [
                ["role": "user", "markers": ["Heading one", "Setext title", "print('unclosed')"]],
                ["role": "assistant", "markers": ["title: fake front matter", "Words after html.", "unclosed pre", "It says"]],
                ["role": "user", "markers": []],
                ["role": "assistant", "markers": ["END-OF-LONG", "数据 😀 שלום עולם"]],
                ["role": "user", "markers": ["an unclosed comment"]],
                ["role": "assistant", "markers": ["tilde fence", "After the comment."]],
            ],
            "fences": [Self.toolOutput, "{\n  \"path\": \"a```b\"\n}"],
        ] as [String: Any]]]
        try MachinePart.python(["markdown_it", "yaml"]).require()
        let check = try Python.run(Self.helper, input: try JSONSerialization.data(withJSONObject: spec))
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }

    @Test func hostileArtifactNamesStayInsideTheExport() throws {
        let sandbox = folder.path("sandbox")
        let out = sandbox.appending(path: "out")
        try FileManager.default.createDirectory(at: sandbox, withIntermediateDirectories: true)
        #expect(try export(["--all", "-o", out.path, "--with-artifacts"]).status == 0)
        // Everything written is under out/, inside the task's .files folder or the transcript itself.
        let walker = FileManager.default.enumerator(atPath: sandbox.path)!
        var copies: [String] = []
        for case let relative as String in walker {
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: sandbox.appending(path: relative).path, isDirectory: &isFolder)
            #expect(relative.hasPrefix("out"), "\(relative)")
            if !isFolder.boolValue && relative.contains(".files/") {
                copies.append(try String(contentsOf: sandbox.appending(path: relative), encoding: .utf8))
            }
        }
        #expect(copies.sorted() == Self.artifactBytes.map(\.1).sorted())
        #expect(!FileManager.default.fileExists(atPath: folder.path("escape.txt").path))
    }

    @Test func exportsAreDeterministicAndRewriteOnlyChanges() async throws {
        let first = folder.path("one")
        let second = folder.path("two")
        #expect(try export(["--all", "-o", first.path, "--with-artifacts"]).stdout.contains("1 written"))
        #expect(try export(["--all", "-o", second.path, "--with-artifacts"]).status == 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: first.path).sorted()
        #expect(names == (try FileManager.default.contentsOfDirectory(atPath: second.path).sorted()))
        for name in names where name.hasSuffix(".md") {
            #expect(try Data(contentsOf: first.appending(path: name)) == Data(contentsOf: second.appending(path: name)))
        }
        let again = try export(["--all", "-o", first.path, "--with-artifacts"])
        #expect(again.stdout.contains("0 written (0 B), 1 unchanged; artifacts: 0 copied, 12 unchanged"), "\(again.stdout)")
        let reopened = try Archive.open(at: archive)
        let task = try await reopened.task(matching: Self.taskID)
        try await reopened.write { writer in
            try writer.replaceHistory([Fixtures.message("h1", role: "user", content: "# Heading one\nEdited.", createdAt: "2026-04-01T09:00:00.000Z")], task: task.rowID)
        }
        #expect(try export(["--all", "-o", first.path]).stdout.contains("1 written"))
    }

    @Test func jsonExportIsShowJSONAndStdoutTakesOneTask() throws {
        let out = folder.path("json")
        #expect(try export([Self.taskID, "--format", "json", "-o", out.path]).status == 0)
        let file = try String(contentsOf: out.appending(path: "2026-04-01-heading-one-ee000000.json"), encoding: .utf8)
        let show = try CommandRunner.run(["show", Self.taskID, "--json", "--archive", archive.path])
        #expect(file == show.stdout)
        let markdown = try export(["ee00", "-o", "-"])
        #expect(markdown.stdout.hasPrefix("---\nid: \"\(Self.taskID)\"\n"))
        let none = try export(["--since", "2030-01-01", "-o", "-"])
        #expect(none.status == 1 && none.stderr.contains("-o - prints one task"))
        let nothing = try export([])
        #expect(nothing.status != 0 && nothing.stderr.contains("choose tasks"))
    }

    static let helper = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appending(path: "Helpers/check_markdown.py")
}

@Suite struct ExportNamingTests {
    @Test func fileNamesAreDatedSluggedAndShortened() {
        #expect(ExportNaming.fileName(createdAt: "2026-01-26T15:50:54.870Z", title: "Why did the deploy blow the error budget?", id: "aaaa1111-2222", fullID: false, ext: "md")
                == "2026-01-26-why-did-the-deploy-blow-the-error-budget-aaaa1111.md")
        #expect(ExportNaming.fileName(createdAt: "2026-01-26T15:50:54.870Z", title: "数据分析", id: "bbbb2222-3333", fullID: true, ext: "json")
                == "2026-01-26-task-bbbb2222-3333.json")
    }

    @Test func artifactPathsAreSafeAndDistinct() {
        let paths = ["../../x", "/etc/x", "a\\b", "A.txt", "a.txt", "\u{E9}", "e\u{301}", "dir", "dir/f", ".", ""]
        let placed = ExportNaming.artifactPaths(paths)
        #expect(Set(placed.map { Data($0.utf8) }).count == paths.count)
        #expect(Set(placed.map { $0.lowercased() }).count == paths.count)   // canonical equivalence folded too
        for value in placed {
            #expect(!value.hasPrefix("/") && !value.split(separator: "/").contains("..") && !value.split(separator: "/").contains("."))
        }
        #expect(Array(placed.prefix(3)) == ["x", "etc/x", "a/b"])
        #expect(placed[7] == "dir" && placed[8] == "dir (2)/f")
    }
}

/// Runs a Python helper with JSON on stdin.
enum Python {
    static func run(_ script: URL, input: Data) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path]
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(input)
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self))
    }
}
