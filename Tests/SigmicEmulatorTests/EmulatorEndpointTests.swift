import Foundation
import SigmicEmulator
import Testing
import TestSupport

@Suite struct EmulatorEndpointTests {
    @Test func listIsNewestActivityFirstWithSiblingPagination() async throws {
        try await withEmulator({ $0.liveRuns = false }) { emulator in
            let response = try await emulator.get("/api/v1/tasks")
            #expect(response.status == 200)
            let json = try response.json()
            let tasks = try #require(json["data"] as? [[String: Any]])
            #expect(tasks.count == 12)
            let activity = tasks.compactMap { $0["lastActivityAt"] as? String }
            #expect(activity == activity.sorted(by: >))
            let pagination = try #require(json["pagination"] as? [String: Any])
            #expect(pagination["total"] as? Int == 12)
            #expect(pagination["limit"] as? Int == 50)
            #expect(pagination["hasMore"] as? Bool == false)
            for task in tasks {
                #expect(task["output"] == nil && task["pendingApprovals"] == nil)
                #expect(task["messageCount"] is Int)
            }
        }
    }

    @Test(arguments: [(100, 100, 0, 100, false), (101, 100, 0, 100, true), (101, 100, 100, 1, false),
                      (5, 10, 7, 0, false), (150, 500, 0, 100, true)])
    func paginationEdges(tasks: Int, limit: Int, offset: Int, returned: Int, hasMore: Bool) async throws {
        try await withEmulator({ $0.tasksPerKey = tasks; $0.keyCount = 1; $0.liveRuns = false }) { emulator in
            let json = try await emulator.get("/api/v1/tasks?limit=\(limit)&offset=\(offset)").json()
            #expect((json["data"] as? [Any])?.count == returned)
            let pagination = try #require(json["pagination"] as? [String: Any])
            #expect(pagination["hasMore"] as? Bool == hasMore)
            #expect(pagination["limit"] as? Int == min(limit, 100))
            #expect(pagination["offset"] as? Int == offset)
            #expect(pagination["total"] as? Int == tasks)
        }
    }

    @Test func pagesTogetherListEveryTaskOnce() async throws {
        try await withEmulator({ $0.tasksPerKey = 230; $0.keyCount = 1; $0.liveRuns = false }) { emulator in
            var ids: [String] = []
            for offset in stride(from: 0, to: 300, by: 100) {
                let page = try await emulator.data("/api/v1/tasks?limit=100&offset=\(offset)") as? [[String: Any]] ?? []
                ids += page.compactMap { $0["id"] as? String }
            }
            #expect(ids.count == 230)
            #expect(Set(ids).count == 230)
        }
    }

    @Test(arguments: ["limit=0", "limit=-1", "limit=abc", "offset=-5", "offset=x"])
    func badListParametersAreValidationErrors(query: String) async throws {
        try await withEmulator { emulator in
            let response = try await emulator.get("/api/v1/tasks?\(query)")
            #expect(response.status == 400)
            #expect(response.errorCode == "VALIDATION_ERROR")
        }
    }

    @Test func getHistoryAndArtifactsDescribeTheSameTask() async throws {
        try await withEmulator({ $0.liveRuns = false }) { emulator in
            let listed = try await emulator.listAll()
            let completed = try #require(listed.first { $0["status"] as? String == "completed" })
            let id = try #require(completed["id"] as? String)
            let task = try #require(try await emulator.data("/api/v1/tasks/\(id)") as? [String: Any])
            #expect(task["id"] as? String == id)
            #expect(task["lastActivityAt"] == nil && task["messageCount"] == nil)
            let output = try #require(task["output"] as? [String: Any])
            let history = try #require(try await emulator.data("/api/v1/tasks/\(id)/history") as? [String: Any])
            let messages = try #require(history["messages"] as? [[String: Any]])
            #expect(messages.count == completed["messageCount"] as? Int)
            #expect(messages.first?["role"] as? String == "user")
            #expect(messages.first?["content"] as? String == task["message"] as? String)
            #expect(messages.last?["content"] as? String == output["content"] as? String)
            #expect(history["taskId"] as? String == id)
            let files = try #require((try await emulator.data("/api/v1/tasks/\(id)/artifacts") as? [String: Any])?["files"] as? [[String: Any]])
            let paths = files.compactMap { $0["path"] as? String }
            #expect(paths == paths.sorted())
        }
    }

    @Test func jsonTextEscapesWhatItMustAndKeepsTheRest() throws {
        let text = "plain \"quoted\" back\\slash\nline\r\ttab\u{01}\u{1F} \u{2028}\u{2029} é 数据 🙂 \u{E2}"
        let value = JSON.object([("k", .string(text)), ("n", .int(-3)), ("a", .array([.bool(true), .null]))])
        #expect(value.encoded() == #"{"k":"plain \"quoted\" back\\slash\nline\r\ttab\u0001\u001f \u2028\u2029 é 数据 🙂 \#u{E2}","n":-3,"a":[true,null]}"#)
        let parsed = try JSONSerialization.jsonObject(with: Data(value.encodedBytes())) as? [String: Any]
        #expect(parsed?["k"] as? String == text)
    }

    @Test func aBigGeneratedFileStreamsTheSameBytesWholeAndFromAnyOffset() async throws {
        let size = (8 << 20) + 12_345   // above the size from which files are streamed
        try await withEmulator({ $0.liveRuns = false; $0.tasksPerKey = 1; $0.bigArtifactBytes = size }) { emulator in
            let id = try #require(try await emulator.listAll().first?["id"] as? String)
            let line = Array("lorem,ipsum,42,κόσμε,数据\n".utf8)
            let expected = (0..<size).map { line[$0 % line.count] }
            let full = try await emulator.get("/api/v1/tasks/\(id)/artifacts/download?path=downloads%2Fbig.csv")
            #expect(full.status == 200)
            #expect(Array(full.body) == expected)
            for start in [1, line.count - 1, (1 << 20) + 7, size - 3] {
                let part = try await emulator.get("/api/v1/tasks/\(id)/artifacts/download?path=downloads%2Fbig.csv",
                                                  headers: ["Range": "bytes=\(start)-"])
                #expect(part.status == 206)
                #expect(Array(part.body) == Array(expected[start...]))
            }
        }
    }

    @Test func downloadsServeBytesWithHeadersAndRanges() async throws {
        try await withEmulator({ $0.liveRuns = false; $0.tasksPerKey = 40 }) { emulator in
            var found: (String, [String: Any])?
            for task in try await emulator.listAll() {
                let id = task["id"] as! String
                let files = (try await emulator.data("/api/v1/tasks/\(id)/artifacts") as? [String: Any])?["files"] as? [[String: Any]] ?? []
                if let file = files.first(where: { ($0["size"] as? Int ?? 0) > 100 }) { found = (id, file); break }
            }
            let (id, file) = try #require(found)
            let path = try #require(file["path"] as? String)
            let encoded = path.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let full = try await emulator.get("/api/v1/tasks/\(id)/artifacts/download?path=\(encoded)")
            #expect(full.status == 200)
            #expect(full.body.count == file["size"] as? Int)
            #expect(full.headers["content-length"] == String(full.body.count))
            #expect(full.headers["content-type"] == file["mimeType"] as? String)
            #expect(full.headers["content-disposition"]?.hasPrefix("attachment; filename=") == true)

            let partial = try await emulator.get("/api/v1/tasks/\(id)/artifacts/download?path=\(encoded)", headers: ["Range": "bytes=100-"])
            #expect(partial.status == 206)
            #expect(partial.body == full.body.dropFirst(100))
            #expect(partial.headers["content-range"] == "bytes 100-\(full.body.count - 1)/\(full.body.count)")
            let beyond = try await emulator.get("/api/v1/tasks/\(id)/artifacts/download?path=\(encoded)", headers: ["Range": "bytes=\(full.body.count)-"])
            #expect(beyond.status == 416)

            let missing = try await emulator.get("/api/v1/tasks/\(id)/artifacts/download")
            #expect(missing.status == 400 && missing.errorCode == "VALIDATION_ERROR")
            let traversal = try await emulator.get("/api/v1/tasks/\(id)/artifacts/download?path=..%2F..%2Fetc%2Fpasswd")
            #expect(traversal.status == 400 && traversal.errorCode == "VALIDATION_ERROR")
            let absent = try await emulator.get("/api/v1/tasks/\(id)/artifacts/download?path=downloads%2Fnope.txt")
            #expect(absent.status == 404 && absent.errorCode == "NOT_FOUND")
        }
    }

    @Test func authenticationErrorsUseTheDocumentedCodes() async throws {
        try await withEmulator { emulator in
            let url = emulator.baseURL + "/api/v1/tasks"
            let cases: [([String: String], String)] = [
                ([:], "AUTH_REQUIRED"),
                (["Authorization": "Bearer sigmic_" + String(repeating: "0", count: 64)], "INVALID_API_KEY"),
                (["Authorization": "Bearer sk-something"], "INVALID_AUTH_FORMAT"),
                (["Authorization": "Basic dXNlcjpwYXNz"], "INVALID_AUTH_FORMAT"),
                (["Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x"], "INVALID_TOKEN"),
                (["X-API-Key": "sigmic_nothex"], "INVALID_API_KEY"),
            ]
            for (headers, code) in cases {
                let response = try await RawHTTP.request("GET", url, headers: headers)
                #expect(response.status == 401, "\(headers)")
                #expect(response.errorCode == code, "\(headers)")
                #expect((try response.json()["success"]) as? Bool == false)
            }
            let viaHeader = try await RawHTTP.request("GET", url, headers: ["X-API-Key": emulator.keys[0]])
            #expect(viaHeader.status == 200)
            let token = try await RawHTTP.request("POST", emulator.baseURL + "/api/v1/auth/token", headers: ["Content-Type": "application/json"], body: Data("{}".utf8))
            #expect(token.status == 501 && token.errorCode == "JWT_NOT_CONFIGURED")
        }
    }

    @Test func eachKeySeesOnlyItsOwnTasks() async throws {
        try await withEmulator({ $0.liveRuns = false }) { emulator in
            let first = Set(try await emulator.listAll(key: 0).compactMap { $0["id"] as? String })
            let second = Set(try await emulator.listAll(key: 1).compactMap { $0["id"] as? String })
            #expect(first.count == 12 && second.count == 12)
            #expect(first.isDisjoint(with: second))
            let foreign = try #require(second.first)
            for path in ["", "/history", "/stream", "/artifacts"] {
                let response = try await emulator.get("/api/v1/tasks/\(foreign)\(path)", key: 0)
                #expect(response.status == 404 && response.errorCode == "NOT_FOUND", "\(path)")
            }
            let cancel = try await emulator.send("DELETE", "/api/v1/tasks/\(foreign)", key: 0)
            #expect(cancel.errorCode == "NOT_FOUND")
            let unknown = try await emulator.get("/api/v1/tasks/invalid-id")
            #expect(unknown.status == 404 && unknown.errorCode == "NOT_FOUND")
        }
    }

    @Test func theSameSeedGivesTheSameWorld() async throws {
        let snapshot: () async throws -> String = {
            try await withEmulator({ $0.liveRuns = false; $0.seed = 42 }) { emulator in
                let list = try await emulator.get("/api/v1/tasks").text
                let id = (try await emulator.listAll()).first?["id"] as? String ?? ""
                return list + (try await emulator.get("/api/v1/tasks/\(id)/history").text) + emulator.keys.joined()
            }
        }
        let first = try await snapshot()
        #expect(try await snapshot() == first)
        let other = try await withEmulator({ $0.liveRuns = false; $0.seed = 43 }) { try await $0.get("/api/v1/tasks").text }
        #expect(other != first)
    }

    @Test func theGeneratedWorldHasEveryStatusAndHardContent() async throws {
        try await withEmulator({ $0.liveRuns = false; $0.tasksPerKey = 300; $0.keyCount = 1 }) { emulator in
            var statuses = Set<String>()
            var offset = 0
            var ids: [String] = []
            while offset < 300 {
                for task in try await emulator.data("/api/v1/tasks?limit=100&offset=\(offset)") as? [[String: Any]] ?? [] {
                    statuses.insert(task["status"] as? String ?? "")
                    ids.append(task["id"] as? String ?? "")
                }
                offset += 100
            }
            #expect(statuses == ["completed", "failed", "cancelled", "running", "awaiting_approval", "pending"])
            var text = ""
            for id in ids.prefix(120) { text += try await emulator.get("/api/v1/tasks/\(id)/history").text }
            for needle in ["🚀", "数据", "النقاط", "```", "thoughts", "toolCalls", "attachedFiles"] {
                #expect(text.contains(needle), "no \(needle) in generated histories")
            }
        }
    }
}

@Suite struct EmulatorQueryTests {
    @Test func aDownloadPathMayUsePlusForSpaceAsFormsDo() async throws {
        try await withEmulator { emulator in
            let response = try await emulator.send("POST", "/api/v1/tasks", json: #"{"message":"x"}"#)
            let id = try #require((try response.json()["data"] as? [String: Any])?["id"] as? String)
            await emulator.world.waitForStatus(id, ["completed", "failed"])
            let boundaryUpload = try await RawHTTP.request("POST", emulator.baseURL + "/api/v1/tasks/\(id)/messages", headers: [
                "Authorization": "Bearer \(emulator.keys[0])", "Content-Type": "multipart/form-data; boundary=B",
            ], body: Data("--B\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\nhi\r\n--B\r\nContent-Disposition: form-data; name=\"files\"; filename=\"photo 1+2.txt\"\r\n\r\nbytes\r\n--B--\r\n".utf8))
            #expect(boundaryUpload.status == 200)
            for query in ["uploads%2Fphoto%201%2B2.txt", "uploads/photo+1%2B2.txt"] {
                let download = try await emulator.get("/api/v1/tasks/\(id)/artifacts/download?path=\(query)")
                #expect(download.status == 200 && download.text == "bytes", "\(query)")
            }
        }
    }
}
