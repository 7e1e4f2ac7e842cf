import ArchiveStore
import Foundation
import SigmicEmulator
import Testing
import TestSupport

/// `serve` with the real binary over loopback: JSON equal to the CLI's, the Host check, the token,
/// artifact paths, errors as pages, and reading while a sync writes.
@Suite struct ServeTests {
    /// A hostile archive (the golden tasks plus one full of markup) and a server on it.
    struct Rig {
        let folder: TempFolder
        let archive: URL
        let server: ServeProcess

        init(arguments: [String] = []) throws {
            folder = try TempFolder("serve")
            archive = folder.path("archive")
            try HostileArchive.create(at: archive)
            server = try ServeProcess(archive: archive, arguments: arguments)
        }

        func cli(_ arguments: [String]) throws -> String {
            let result = try CommandRunner.run(arguments + ["--archive", archive.path])
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            return result.stdout
        }
    }

    @Test(arguments: [
        ("/api/tasks", ["tasks", "--json"]),
        ("/api/tasks?status=failed&status=completed", ["tasks", "--json", "--status", "failed", "--status", "completed"]),
        ("/api/tasks?limit=1&since=2026-02-01", ["tasks", "--json", "--limit", "1", "--since", "2026-02-01"]),
        ("/api/tasks/aaaa1111", ["show", "aaaa1111", "--json"]),
        ("/api/tasks/\(GoldenArchive.taskA)?events=1", ["show", GoldenArchive.taskA, "--json", "--events"]),
        ("/api/tasks/\(HostileArchive.taskID)/events", ["replay", HostileArchive.taskID, "--json"]),
        ("/api/search?q=canary", ["search", "canary", "--json"]),
        ("/api/search?q=canary+-rollback&sort=newest&limit=1&offset=1", ["search", "canary", "-rollback", "--sort", "newest", "--limit", "1", "--offset", "1", "--json"]),
        ("/api/search?q=%E6%95%B0%E6%8D%AE&kind=message&role=assistant", ["search", "数据", "--kind", "message", "--role", "assistant", "--json"]),
    ])
    func jsonEndpointsAnswerWhatTheCLIPrints(path: String, command: [String]) async throws {
        let rig = try Rig()
        let response = try await rig.server.get(path)
        #expect(response.status == 200, "\(response.text)")
        #expect(response.headers["content-type"] == "application/json; charset=utf-8")
        #expect(response.text == (try rig.cli(command)), "\(path)")
    }

    @Test(arguments: [
        ("evil.example", 421), ("evil.example:PORT", 421), ("127.0.0.1:1", 421), ("localhost.evil.example:PORT", 421),
        ("localhost:PORT", 200), ("127.0.0.1:PORT", 200), ("LOCALHOST:PORT", 200),
    ])
    func onlyRequestsForThisHostAreAnswered(host: String, status: Int) async throws {
        let rig = try Rig()
        let response = try await rig.server.get("/", headers: ["Host": host.replacingOccurrences(of: "PORT", with: String(rig.server.port))])
        #expect(response.status == status, "\(host): \(response.text.prefix(300))")
    }

    @Test func artifactsAreServedOnlyAsTheirStoredBytesAndNeverAsDocuments() async throws {
        let rig = try Rig()
        let base = "/tasks/\(HostileArchive.taskID)/artifacts/"
        let cases: [(String, Data, String, String)] = [
            ("downloads/page.html", HostileArchive.html, "text/plain; charset=utf-8", "inline"),
            ("downloads/logo.svg", HostileArchive.svg, "text/plain; charset=utf-8", "inline"),
            ("downloads/chart.png", HostileArchive.png, "image/png", "inline"),
            ("downloads/data%20%22x%22%3B.bin", HostileArchive.binary, "application/octet-stream", "attachment"),
        ]
        for (path, bytes, type, disposition) in cases {
            let response = try await rig.server.get(base + path)
            #expect(response.status == 200, "\(path): \(response.text.prefix(200))")
            #expect(response.body == bytes, "\(path)")
            #expect(response.headers["content-type"] == type, "\(path)")
            #expect(response.headers["content-disposition"]?.hasPrefix(disposition + ";") == true, "\(path)")
            #expect(response.headers["x-content-type-options"] == "nosniff")
            #expect(response.headers["content-security-policy"]?.hasPrefix("sandbox") == true)
        }
        let header = try await rig.server.get(base + "downloads/data%20%22x%22%3B.bin").headers["content-disposition"] ?? ""
        #expect(!header.contains("\"x\""), "a quote in a name never reaches the header: \(header)")
        for path in ["../../archive.sqlite", "%2e%2e/%2e%2e/archive.sqlite", "..%2f..%2farchive.sqlite", "downloads/..%2f..%2f..%2farchive.sqlite",
                     "%2Fetc%2Fpasswd", "downloads/missing.txt", "downloads/page.html%00", "uploads/deploy.log"] {
            let response = try await rig.server.get(base + path)
            #expect(response.status == 404, "\(path): \(response.status)")
            #expect(!response.text.contains("SQLite format"), "\(path)")
        }
        let other = try await rig.server.get("/tasks/\(GoldenArchive.taskA)/artifacts/downloads/page.html")
        #expect(other.status == 404, "an artifact of another task")
    }

    @Test func badRequestsGetPagesThatSayWhat() async throws {
        let rig = try Rig()
        let unknown = try await rig.server.get("/tasks/ffff0000")
        #expect(unknown.status == 404 && unknown.text.contains("No task in the archive matches ffff0000"), "\(unknown.text.prefix(500))")
        let ambiguous = try await rig.server.get("/tasks/aaaa")
        #expect(ambiguous.status == 404 && ambiguous.text.contains("matches 2 tasks"), "\(ambiguous.text.prefix(500))")
        let apiUnknown = try await rig.server.get("/api/tasks/ffff0000")
        let apiError = try apiUnknown.json()["error"] as? String
        #expect(apiUnknown.status == 404 && apiError?.contains("ffff0000") == true, "\(apiUnknown.text)")
        let invalid = try await rig.server.get("/api/search?q=deploy+OR")
        #expect(invalid.status == 400 && invalid.headers["content-type"]?.hasPrefix("application/json") == true, "\(invalid.text)")
        let invalidPage = try await rig.server.get("/search?q=deploy+OR")
        #expect(invalidPage.status == 400 && invalidPage.text.contains("The query cannot be run"), "\(invalidPage.text.prefix(300))")
        let badStatus = try await rig.server.get("/api/tasks?status=bogus")
        #expect(badStatus.status == 400 && badStatus.text.contains("unknown status bogus"))
        let badDate = try await rig.server.get("/?since=yesterday")
        #expect(badDate.status == 400 && badDate.text.contains("is not a date"))
        let nowhere = try await rig.server.get("/wp-admin/../../etc/passwd")
        #expect(nowhere.status == 404 && nowhere.text.contains("Nothing here"))
        let post = try await RawHTTP.request("POST", rig.server.url + "/api/tasks", body: Data("{}".utf8))
        #expect(post.status == 405)
        for response in [unknown, invalidPage, nowhere] {
            #expect(response.headers["content-security-policy"]?.contains("script-src 'self'") == true)
        }
    }

    /// Hostile content is escaped in the page's source (the browser test shows it is inert there too).
    @Test func hostileContentIsEscapedInTheTaskPage() async throws {
        let rig = try Rig()
        let page = try await rig.server.get("/tasks/\(HostileArchive.taskID)")
        #expect(page.status == 200)
        let html = page.text
        for raw in ["<script>alert", "<img src=x onerror", "<iframe", "href=\"javascript:", "src=\"javascript:", "\u{202E}", "<b>this</b>", "<i>Plan</i>"] {
            #expect(!html.contains(raw), "\(raw) reached the page as markup")
        }
        for shown in ["&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;", "[U+202E]gnp.exe[U+202C]", "&lt;i&gt;Plan&lt;/i&gt;",
                      "<strong>Bold</strong>", "<table>", "id=\"m-msg-h2\""] {
            #expect(html.contains(shown), "\(shown) missing")
        }
        #expect(html.components(separatedBy: "<script").count == 2, "only our own script tag")
        // The recorded stream has a player, hidden until the script has drawn it from the events' JSON.
        #expect(html.contains("<section id=\"replay\" class=\"player\" hidden aria-labelledby=\"replay-title\" data-events=\"/api/tasks/\(HostileArchive.taskID)/events\">"))
        // The hit a search link names opens the `<details>` that holds it.
        let hit = try await rig.server.get("/tasks/\(HostileArchive.taskID)?hit=thought:msg-h2")
        #expect(hit.text.contains("<details class=\"thoughts\" open>"))
        #expect(!page.text.contains("<details class=\"thoughts\" open>"))
    }

    @Test func aTokenIsNeededOnceAndThenKeptInACookie() async throws {
        let token = "test-token-0123456789abcdef"
        let rig = try Rig(arguments: ["--token", token])
        #expect(try await rig.server.get("/").status == 401)
        #expect(try await rig.server.get("/?token=wrong-token-0123456789").status == 403)
        let visit = try await rig.server.get("/tasks/aaaa1111?token=\(token)")
        #expect(visit.status == 303 && visit.headers["location"] == "/tasks/aaaa1111", "\(visit.headers)")
        let cookie = try #require(visit.headers["set-cookie"])
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
        let again = try await rig.server.get("/tasks/aaaa1111", headers: ["Cookie": String(cookie.split(separator: ";")[0])])
        #expect(again.status == 200)
    }

    @Test func aMissingArchiveOrAnOpenAddressWithoutTokenIsAOneLineError() throws {
        let folder = try TempFolder("serve-errors")
        let missing = try CommandRunner.run(["serve", "--port", "0", "--archive", folder.path("nothing").path])
        #expect(missing.status == 1, "\(missing.stderr)")
        // The server program words it as every command does.
        #expect(missing.stderr.hasPrefix("sigmic-archive: error: no archive at \(folder.path("nothing").path) (run `sigmic-archive sync` first"),
                "\(missing.stderr)")
        #expect(missing.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: folder.path("nothing").path), "nothing was created")
        let open = try CommandRunner.run(["serve", "--host", "0.0.0.0", "--port", "0", "--archive", folder.path("nothing").path])
        #expect(open.status == 64 && open.stderr.contains("give --token"), "\(open.stderr)")
    }

    @Test func anEmptyArchiveSaysWhatToRunFirst() async throws {
        let folder = try TempFolder("serve-empty")
        try Archive.open(at: folder.path("a")).close()
        let server = try ServeProcess(archive: folder.path("a"))
        let page = try await server.get("/")
        #expect(page.status == 200 && page.text.contains("The archive is empty"), "\(page.text.prefix(400))")
    }

    /// A sync writes into the archive while pages and JSON are read from it: every answer is whole,
    /// and at the end the server answers what the CLI prints.
    @Test func servingGoesOnWhileASyncWrites() async throws {
        var config = EmulatorConfiguration()
        config.tasksPerKey = 120
        config.statusMix = [("completed", 1)]
        let emulator = try await Emulator.start(config)
        let folder = try TempFolder("serve-sync")
        let archive = folder.path("a")
        let env = ["SIGMIC_BASE_URL": emulator.baseURL, "SIGMIC_API_KEY": emulator.keys[0], "SIGMIC_ARCHIVE": archive.path]
        try Archive.open(at: archive).close()
        let server = try ServeProcess(archive: archive)
        async let sync = CommandRunner.runDetached(["sync", "--jobs", "2"], environment: env)
        var answers = 0
        var statuses = Set<Int>()
        while answers < 400 {
            for path in ["/", "/api/tasks", "/search?q=error", "/api/search?q=file"] {
                statuses.insert(try await server.get(path).status)
                answers += 1
            }
            if try await Archive.openReadOnly(at: archive).tasks(TaskFilter()).count >= 50 { break }
        }
        #expect(try await sync.status == 0)
        await emulator.shutdown()
        #expect(statuses == [200], "\(statuses)")
        let final = try await server.get("/api/tasks?limit=500")
        let cli = try CommandRunner.run(["tasks", "--json", "--limit", "500"], environment: env)
        #expect(final.text == cli.stdout)
    }
}
