import Foundation
import SigmicEmulator
import Testing
import TestSupport

@Suite struct EmulatorFaultTests {
    @Test func serverErrorsAndRateLimitsUseTheEnvelope() async throws {
        try await withEmulator({ $0.faults.serverErrorRate = 1 }) { emulator in
            let response = try await emulator.get("/api/v1/tasks")
            #expect(response.status == 503)
            #expect(response.errorCode == "INTERNAL_ERROR")
        }
        try await withEmulator({ $0.faults.rateLimitRate = 1; $0.faults.retryAfterSeconds = 3 }) { emulator in
            let response = try await emulator.get("/api/v1/tasks")
            #expect(response.status == 429)
            #expect(response.errorCode == "RATE_LIMITED")
            #expect(response.headers["retry-after"] == "3")
        }
    }

    @Test func faultRatesAreReproducibleAndRetriesEventuallySucceed() async throws {
        let outcomes: () async throws -> [Int] = {
            try await withEmulator({ $0.faults.serverErrorRate = 0.5; $0.seed = 7 }) { emulator in
                var statuses: [Int] = []
                for _ in 0..<30 { statuses.append(try await emulator.get("/api/v1/tasks?limit=1").status) }
                return statuses
            }
        }
        let first = try await outcomes()
        #expect(try await outcomes() == first)
        #expect(first.contains(503) && first.contains(200))
    }

    @Test func streamsDropAfterTheConfiguredNumberOfEvents() async throws {
        try await withEmulator({ $0.faults.dropStreamAfterEvents = 2; $0.liveRuns = false }) { emulator in
            let task = try #require(try await emulator.listAll().first {
                $0["status"] as? String == "completed" && ($0["messageCount"] as? Int ?? 0) > 3
            })
            let response = try await emulator.get("/api/v1/tasks/\(task["id"] as! String)/stream")
            #expect(response.truncated)
            #expect(RawHTTP.events(response.text).count == 2)
        }
    }

    @Test func truncatedDownloadsPromiseMoreThanTheySend() async throws {
        try await withEmulator({ $0.faults.truncateDownloadRate = 1; $0.liveRuns = false; $0.tasksPerKey = 40 }) { emulator in
            for task in try await emulator.listAll() {
                let id = task["id"] as! String
                let files = (try await emulator.data("/api/v1/tasks/\(id)/artifacts") as? [String: Any])?["files"] as? [[String: Any]] ?? []
                guard let file = files.first(where: { ($0["size"] as? Int ?? 0) > 10 }) else { continue }
                let path = (file["path"] as! String).addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let response = try await emulator.get("/api/v1/tasks/\(id)/artifacts/download?path=\(path)")
                #expect(response.headers["content-length"] == String(file["size"] as! Int))
                #expect(response.truncated)
                #expect(response.body.count < file["size"] as! Int)
                return
            }
            Issue.record("no artifact to download")
        }
    }

    @Test func aSlowFirstByteIsWaitedOnTheClock() async throws {
        let clock = ManualClock()
        try await withEmulator({ $0.faults.slowFirstByte = 30; $0.clock = clock; $0.liveRuns = false }) { emulator in
            async let response = emulator.get("/api/v1/tasks")
            await clock.waitForSleepers()
            clock.advance(by: 29)
            #expect(clock.sleeperCount == 1, "answered before its delay")
            clock.advance(by: 1)
            let status = try await response.status
            #expect(status == 200)
        }
    }

    @Test func crlfAndTinyChunksCarryTheSameEvents() async throws {
        let plain = try await withEmulator({ $0.liveRuns = false }) { emulator in
            let id = try #require(try await emulator.listAll().first {
                $0["status"] as? String == "completed" && ($0["messageCount"] as? Int ?? 0) > 3
            }?["id"] as? String)
            return (id, try await emulator.get("/api/v1/tasks/\(id)/stream"))
        }
        let framed = try await withEmulator({ $0.liveRuns = false; $0.wire.crlf = true; $0.wire.chunkBytes = 3 }) { emulator in
            try await emulator.get("/api/v1/tasks/\(plain.0)/stream")
        }
        #expect(!plain.1.text.contains("\r\n"))
        #expect(framed.text.contains("event: history_message\r\ndata: "))
        #expect(framed.chunkSizes.allSatisfy { $0 <= 3 })
        #expect(framed.chunkSizes.count > 100)
        #expect(framed.text.replacingOccurrences(of: "\r\n", with: "\n") == plain.1.text)
    }

    @Test func openStreamsCarryHeartbeatsAsTheirOwnBlocks() async throws {
        let clock = ManualClock()
        try await withEmulator({ $0.clock = clock; $0.liveRuns = false; $0.heartbeatInterval = 15; $0.tasksPerKey = 80 }) { emulator in
            // Generated awaiting-approval tasks are parked from the start: their streams stay open.
            let parked = try #require(try await emulator.listAll().first { $0["status"] as? String == "awaiting_approval" })
            let id = try #require(parked["id"] as? String)
            async let stream = emulator.get("/api/v1/tasks/\(id)/stream")
            await emulator.world.waitForSubscribers(id)
            for _ in 1...3 {
                await clock.waitForSleepers()
                clock.advance(by: 15)
            }
            await clock.waitForSleepers()
            _ = try await emulator.send("DELETE", "/api/v1/tasks/\(id)")
            let text = try await stream.text
            // Each heartbeat is a block of its own: the official parsers skip blocks that start with ':'.
            let blocks = text.components(separatedBy: "\n\n")
            #expect(blocks.filter { $0 == ":heartbeat" }.count == 3)
            #expect(!blocks.contains { $0.contains(":heartbeat") && $0 != ":heartbeat" })
            #expect(RawHTTP.events(text).last?.event == "error")
        }
    }
}
