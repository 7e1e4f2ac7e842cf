import AsyncHTTPClient
import Foundation
import NIOCore
import SigmicAPI
import SigmicEmulator
import Testing
import TestSupport
import Pacing

@Suite struct SigmicClientTests {
    @Test func listsPagesAndEveryTask() async throws {
        try await withClient({ $0.tasksPerKey = 230; $0.keyCount = 1; $0.liveRuns = false }) { client, _, _ in
            let page = try await client.listTasks(limit: 100, offset: 0)
            #expect(page.tasks.count == 100)
            #expect(page.pagination.total == 230)
            #expect(page.pagination.hasMore == true)
            #expect(page.tasks.allSatisfy { $0.lastActivityAt != nil && $0.messageCount != nil })
            var ids: [String] = []
            for try await task in client.allTasks() { ids.append(task.id) }
            #expect(ids.count == 230 && Set(ids).count == 230)
            #expect(client.requestCount == 4)
        }
    }

    @Test func getHistoryAndArtifactsKeepEveryField() async throws {
        try await withClient({ $0.liveRuns = false }) { client, _, _ in
            let listed = try await client.listTasks().tasks
            let summary = try #require(listed.first { $0.status == "completed" })
            let task = try await client.getTask(summary.id)
            #expect(task.output != nil)
            #expect(task.raw["apiKeyId"]?.string == summary.apiKeyId)
            #expect(task.raw.canonicalText.contains("\"sessionId\""))
            let history = try await client.history(summary.id)
            #expect(history.messages.count == summary.messageCount)
            #expect(history.messages.first?.role == "user")
            let artifacts = try await client.artifacts(summary.id)
            #expect(artifacts.map(\.path) == artifacts.map(\.path).sorted())
        }
    }

    @Test func createsStreamsAndFollowsUp() async throws {
        let clock = ManualClock()
        try await withClient({ $0.clock = clock }) { client, emulator, _ in
            let id = try await client.createTask(CreateTaskRequest(message: "What is 2+2?", systemPrompt: "Be brief", env: ["REGION": "eu"], secrets: ["TOKEN": "hidden"]))
            async let stream = client.records(id)
            await emulator.world.waitForSubscribers(id)
            let driver = clock.drive()
            let records = try await stream
            driver.cancel()
            guard case .historyMessage(let first)? = records.first?.event else { Issue.record("no history first"); return }
            #expect(first.content == "What is 2+2?")
            guard case .done(let final)? = records.last?.event else { Issue.record("no done at the end"); return }
            let text = records.compactMap { record -> String? in
                if case .content(let text, _) = record.event { return text } else { return nil }
            }.joined()
            #expect(text == final)
            #expect(try await client.getTask(id).env?["REGION"]?.string == "eu")
            #expect(try await client.followUp(id, message: "And 3+3?") == "running")
            async let more = client.records(id)
            await emulator.world.waitForSubscribers(id)
            let driveAgain = clock.drive()
            let again = try await more
            driveAgain.cancel()
            #expect(again.filter { if case .historyMessage = $0.event { true } else { false } }.count == 3)
        }
    }

    @Test func uploadsFilesWithMultipart() async throws {
        try await withClient { client, _, _ in
            let id = try await client.createTask(CreateTaskRequest(message: "Analyze", autoExecute: true, files: [
                UploadFile(filename: "data.csv", contentType: "text/csv", bytes: Array("a,b\n1,2\n".utf8)),
                UploadFile(filename: "quote\"name.txt", bytes: Array("q".utf8)),
            ]))
            let paths = try await client.artifacts(id).map(\.path)
            #expect(paths.contains("uploads/data.csv"))
            #expect(paths.contains("uploads/quote\"name.txt"))
        }
    }

    @Test func approvesAndCancels() async throws {
        try await withClient { client, emulator, _ in
            let id = try await client.createTask(CreateTaskRequest(message: "List all files", autoExecute: false))
            await emulator.world.waitForStatus(id, ["awaiting_approval"])
            let task = try await client.getTask(id)
            let callId = try #require(task.pendingApprovals?.first?["callId"]?.string)
            #expect(try await client.approve(id, callId: callId, outcome: .proceedAlways))
            await emulator.world.waitForStatus(id, ["completed"])
            let second = try await client.createTask(CreateTaskRequest(message: "List again", autoExecute: false))
            await emulator.world.waitForStatus(second, ["awaiting_approval"])
            try await client.cancel(second)
            #expect(try await client.getTask(second).status == "cancelled")
            try await client.cancel(second)
        }
    }

    @Test func errorsKeepStatusCodeAndRequestButNeverTheKey() async throws {
        let http = SigmicClient.makeHTTPClient()
        try await withClient { client, emulator, _ in
            await #expect {
                _ = try await client.getTask("00000000-0000-0000-0000-000000000000")
            } throws: { error in
                guard let error = error as? SigmicAPIError else { return false }
                return error.kind == .notFound && error.status == 404 && error.code == "NOT_FOUND"
                    && error.request.hasPrefix("GET /api/v1/tasks/") && !error.isRetryable
            }
            await #expect {
                _ = try await client.approve("nope", callId: "x", outcome: .cancel)
            } throws: { ($0 as? SigmicAPIError)?.kind == .notFound }
            let wrongKey = "sigmic_" + String(repeating: "f", count: 64)
            let other = try SigmicClient(SigmicClient.Configuration(baseURL: emulator.baseURL, apiKey: wrongKey), httpClient: http)
            do {
                _ = try await other.listTasks()
                Issue.record("a wrong key was accepted")
            } catch let error as SigmicAPIError {
                #expect(error.kind == .auth && error.code == "INVALID_API_KEY" && !error.isRetryable)
                #expect(!error.description.contains(wrongKey) && !error.description.contains(String(repeating: "f", count: 16)))
            }
            #expect(other.requestCount == 1, "an auth failure is not retried")
        }
        try await http.shutdown()
    }

    @Test func everyAuthAndValidationCodeIsClassified() async throws {
        let http = SigmicClient.makeHTTPClient()
        try await withClient { client, emulator, _ in
            for (key, code) in [("", "AUTH_REQUIRED"), ("token-without-prefix", "INVALID_AUTH_FORMAT"),
                                ("sigmic_abc", "INVALID_API_KEY"), ("eyJhbGciOiJIUzI1NiJ9.e30.x", "INVALID_TOKEN")] {
                let other = try SigmicClient(SigmicClient.Configuration(baseURL: emulator.baseURL, apiKey: key), httpClient: http)
                do {
                    _ = try await other.listTasks()
                    Issue.record("\(code): accepted")
                } catch let error as SigmicAPIError {
                    #expect(error.kind == .auth && error.status == 401 && error.code == code)
                }
            }
            do {
                _ = try await client.createTask(CreateTaskRequest(message: "  "))
                Issue.record("an empty message was accepted")
            } catch let error as SigmicAPIError {
                #expect(error.kind == .validation && error.code == "VALIDATION_ERROR" && error.status == 400)
            }
            do {
                _ = try await client.createTask(CreateTaskRequest(message: "x", env: ["1BAD": "v"]))
                Issue.record("a bad env name was accepted")
            } catch let error as SigmicAPIError {
                #expect(error.kind == .validation && error.code == "INVALID_ENV")
            }
        }
        try await http.shutdown()
    }

    @Test func aBaseURLThatIsNotTheAPIIsAClearError() async throws {
        try await withClient { client, emulator, _ in
            let http = SigmicClient.makeHTTPClient()
            let wrong = try SigmicClient(SigmicClient.Configuration(baseURL: emulator.baseURL + "/api/v1/tasks/x/artifacts/download?path=", apiKey: emulator.keys[0]), httpClient: http)
            do {
                _ = try await wrong.listTasks()
                Issue.record("a wrong base URL was accepted")
            } catch let error as SigmicAPIError {
                #expect(error.kind == .notFound || error.kind == .decoding)
            }
            try await http.shutdown()
        }
    }

    @Test func rateLimitsAndServerErrorsAreRetriedWithTheirDelays() async throws {
        try await withClient({ $0.faults.rateLimitRate = 0.3; $0.faults.retryAfterSeconds = 2; $0.liveRuns = false }) { client, _, delays in
            for _ in 0..<10 { _ = try await client.listTasks(limit: 5) }
            #expect(client.requestCount > 10)
            #expect(!delays.all.isEmpty)
            #expect(delays.all.allSatisfy { $0 >= 2 && $0 <= 2.2 }, "Retry-After is honoured: \(delays.all)")
        }
        try await withClient({ $0.faults.serverErrorRate = 0.5; $0.liveRuns = false }) { client, _, delays in
            for _ in 0..<10 { _ = try await client.listTasks(limit: 5) }
            #expect(client.requestCount > 10)
            #expect(delays.all.allSatisfy { $0 < 20 })
        }
    }

    @Test func aServerThatKeepsFailingIsReportedAfterTheBound() async throws {
        try await withClient({ $0.faults.serverErrorRate = 1; $0.liveRuns = false }, client: { $0.retry = RetryPolicy(maxAttempts: 3) }) { client, _, delays in
            await #expect {
                _ = try await client.listTasks()
            } throws: { ($0 as? SigmicAPIError)?.kind == .server && ($0 as? SigmicAPIError)?.code == "INTERNAL_ERROR" }
            #expect(client.requestCount == 3)
            #expect(delays.all.count == 2)
        }
    }

    @Test func aDroppedStreamEndsWithoutDoneAndARereadGetsEverything() async throws {
        let clock = ManualClock()
        try await withClient({ $0.faults.dropStreamAfterEvents = 3; $0.clock = clock }) { client, emulator, _ in
            let id = try await client.createTask(CreateTaskRequest(message: "What is 2+2?"))
            // The run waits for the clock, so the first stream sees it running and is dropped after 3 events.
            async let first = client.records(id)
            await emulator.world.waitForSubscribers(id)
            let driver = clock.drive()
            let dropped = try await first
            #expect((1...3).contains(dropped.count))
            #expect(!dropped.contains { if case .done = $0.event { true } else { false } })
            await emulator.world.waitForStatus(id, ["completed"])
            driver.cancel()
            // Finished, the replay (2 messages + history_done) fits within the 3 events and ends cleanly.
            let reread = try await client.records(id)
            #expect(reread.contains { if case .historyDone(_, false) = $0.event { true } else { false } })
            #expect(try await client.history(id).messages.count == 2)
        }
    }

    @Test func crlfAndChunkSplitStreamsDecodeToTheSameEvents() async throws {
        func events(_ wire: EmulatorConfiguration.Wire) async throws -> [StreamRecord] {
            try await withClient({ $0.liveRuns = false; $0.wire = wire }) { client, _, _ in
                let id = try #require(try await client.listTasks().tasks.first { $0.status == "completed" && ($0.messageCount ?? 0) > 4 }?.id)
                return try await client.records(id)
            }
        }
        let plain = try await events(EmulatorConfiguration.Wire())
        var framed = EmulatorConfiguration.Wire()
        framed.crlf = true
        framed.chunkBytes = 1
        #expect(plain.count > 5)
        #expect(try await events(framed) == plain)
    }

    @Test func downloadsResumeWithRangeAndSurviveTruncation() async throws {
        try await withClient({ $0.liveRuns = false; $0.tasksPerKey = 40; $0.faults.truncateDownloadRate = 0.5; $0.seed = 5 }) { client, _, _ in
            var target: (String, APIArtifact)?
            for task in try await client.listTasks(limit: 40).tasks where task.status == "completed" {
                if let file = try await client.artifacts(task.id).first(where: { ($0.size ?? 0) > 2000 }) { target = (task.id, file); break }
            }
            let (id, artifact) = try #require(target)
            let folder = FileManager.default.temporaryDirectory.appending(path: "dl-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appending(path: "artifact")
            let size = try await client.download(id, path: artifact.path, to: file)
            #expect(size == artifact.size)
            let bytes = try Data(contentsOf: file)
            #expect(Int64(bytes.count) == artifact.size)
            // Resume explicitly from the middle: only the rest is sent.
            let half = Int64(bytes.count / 2)
            var tail = Data()
            var result: DownloadResult?
            for _ in 0..<10 {
                tail = Data()
                do {
                    result = try await client.download(id, path: artifact.path, resumeFrom: half) { chunk, _ in tail.append(contentsOf: chunk.readableBytesView) }
                    break
                } catch let error as SigmicAPIError where error.kind == .transport { continue }
            }
            #expect(result?.restarted == false)
            #expect(result?.totalBytes == artifact.size)
            #expect(tail == bytes.suffix(from: Int(half)))
        }
    }

    @Test func aSmallFileReadWholeIsExactAndAnErrorKeepsTheServersMessage() async throws {
        try await withClient({ $0.liveRuns = false; $0.tasksPerKey = 40 }) { client, _, _ in
            var target: (String, APIArtifact)?
            for task in try await client.listTasks(limit: 40).tasks where task.status == "completed" {
                if let file = try await client.artifacts(task.id).first(where: { ($0.size ?? 0) > 100 }) { target = (task.id, file); break }
            }
            let (id, artifact) = try #require(target)
            let size = Int(try #require(artifact.size))
            var streamed = Data()
            _ = try await client.download(id, path: artifact.path) { chunk, _ in streamed.append(contentsOf: chunk.readableBytesView) }
            let whole = try await client.downloadWhole(id, path: artifact.path, limit: size)
            #expect(whole.received == Int64(size))
            #expect(Data(whole.bytes.readableBytesView) == streamed)
            // Past the limit, bytes are counted and not kept.
            let short = try await client.downloadWhole(id, path: artifact.path, limit: 10)
            #expect(short.received == Int64(size) && short.bytes.readableBytes <= 10)
            // An error answer is kept whole whatever the limit, so its envelope names the problem.
            await #expect {
                _ = try await client.downloadWhole(id, path: "downloads/none.txt", limit: 1)
            } throws: { error in
                let error = error as? SigmicAPIError
                return error?.status == 404 && error?.code == "NOT_FOUND" && error?.description.contains("Task or file not found") == true
            }
        }
    }

    /// Failures below HTTP are told apart by their type: a port where nothing listens is unreachable
    /// (not retried: nothing there saw the request), and a cancelled request is cancelled, never a
    /// retryable timeout.
    @Test func aRefusedConnectionIsUnreachableAndACancelledRequestIsCancelled() async throws {
        let http = SigmicClient.makeHTTPClient()
        let delays = Delays()
        // Bind a port, then close it: the kernel refuses connections to it.
        let port = try closedLoopbackPort()
        let client = try SigmicClient(SigmicClient.Configuration(baseURL: "http://127.0.0.1:\(port)", apiKey: "sigmic_x"), httpClient: http,
                                      sleep: { delays.add($0) }, unitRandom: { 0.5 })
        await #expect {
            _ = try await client.listTasks()
        } throws: { ($0 as? SigmicAPIError)?.kind == .unreachable }
        #expect(delays.all.isEmpty, "an unreachable server is not retried")
        try await withClient({ $0.faults.slowFirstByte = 30; $0.liveRuns = false }) { slow, _, _ in
            let request = Task { try await slow.listTasks() }
            request.cancel()
            await #expect {
                _ = try await request.value
            } throws: { ($0 as? SigmicAPIError)?.kind == .cancelled }
        }
        try await http.shutdown()
    }

    @Test func aSilentStreamTimesOut() async throws {
        try await withClient({ $0.liveRuns = false; $0.heartbeatInterval = 3600; $0.tasksPerKey = 80 }, client: { $0.streamIdleTimeout = 0.3 }) { client, _, _ in
            let parked = try #require(try await client.listTasks().tasks.first { $0.status == "awaiting_approval" })
            await #expect {
                for try await _ in client.stream(parked.id) {}
            } throws: { ($0 as? SigmicAPIError)?.kind == .timeout }
        }
    }

    @Test(arguments: [("http://example.com", false), ("http://10.0.0.1:8080", false), ("http://127.0.0.1:9", true),
                      ("http://localhost:9", true), ("http://[::1]:9", true), ("https://api.sigmic.ai", true), ("ftp://x", false),
                      ("not a url", false)])
    func plainHTTPOnlyToLoopback(url: String, accepted: Bool) throws {
        let http = SigmicClient.makeHTTPClient()
        defer { try? http.syncShutdown() }
        let result = Result { try SigmicClient(SigmicClient.Configuration(baseURL: url, apiKey: "sigmic_x"), httpClient: http) }
        let made = (try? result.get()) != nil
        #expect(made == accepted)
        if !accepted, case .failure(let error) = result {
            #expect((error as? SigmicAPIError)?.kind == .refused)
        }
        var insecure = SigmicClient.Configuration(baseURL: "http://example.com", apiKey: "sigmic_x")
        insecure.allowInsecureHTTP = true
        #expect(throws: Never.self) { try SigmicClient(insecure, httpClient: http) }
    }
}
