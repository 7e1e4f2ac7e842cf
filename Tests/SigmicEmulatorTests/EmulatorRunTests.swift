import Foundation
import SigmicEmulator
import Testing
import TestSupport

@Suite struct EmulatorRunTests {
    @Test func aNewTaskRunsToDoneAndItsAnswerJoinsTheHistory() async throws {
        let clock = ManualClock()
        try await withEmulator({ $0.clock = clock }) { emulator in
            let id = try await emulator.createTask("What is 2+2?")
            // Time stands still until the stream is attached, so the whole run is seen live.
            async let stream = emulator.streamEvents(id)
            await emulator.world.waitForSubscribers(id)
            let driver = clock.drive()
            let events = try await stream
            driver.cancel()
            let names = events.map(\.event)
            #expect(names.first == "history_message")
            #expect(names.contains("history_done"))
            #expect(names.last == "done")
            let live = events.drop { $0.event != "history_done" }.dropFirst()
            let text = live.filter { $0.event == "content" }.map { object($0.data)["text"] as? String ?? "" }.joined()
            let final = object(events.last!.data)["finalResponse"] as? String
            #expect(text == final)
            #expect(final == "2+2 equals 4.")
            let history = try #require(try await emulator.data("/api/v1/tasks/\(id)/history") as? [String: Any])
            let messages = try #require(history["messages"] as? [[String: Any]])
            #expect(messages.map { $0["role"] as? String } == ["user", "assistant"])
            #expect(messages.last?["content"] as? String == final)
            let task = try #require(try await emulator.data("/api/v1/tasks/\(id)") as? [String: Any])
            #expect(task["status"] as? String == "completed")
            #expect(task["completedAt"] is String)
            // A finished task's stream replays history and closes right after history_done.
            let replay = try await emulator.streamEvents(id)
            #expect(replay.map(\.event) == ["history_message", "history_message", "history_done"])
            #expect(object(replay.last!.data)["isStreaming"] as? Bool == false)
        }
    }

    @Test func anApprovalParksTheRunUntilAnswered() async throws {
        try await withEmulator { emulator in
            let id = try await emulator.createTask("List all files in the project", autoExecute: false)
            await emulator.world.waitForStatus(id, ["awaiting_approval"])
            let task = try #require(try await emulator.data("/api/v1/tasks/\(id)") as? [String: Any])
            #expect(task["status"] as? String == "awaiting_approval")
            // The stream of a parked run stays open; it will carry the rest of the run.
            async let stream = emulator.streamEvents(id)
            await emulator.world.waitForSubscribers(id)
            let pending = try #require((task["pendingApprovals"] as? [[String: Any]])?.first)
            let callId = try #require(pending["callId"] as? String)
            let bad = try await emulator.send("POST", "/api/v1/tasks/\(id)/tools/\(callId)/approve", json: #"{"outcome":"maybe"}"#)
            #expect(bad.status == 400 && bad.errorCode == "VALIDATION_ERROR")
            let unknown = try await emulator.send("POST", "/api/v1/tasks/\(id)/tools/call_nope/approve", json: #"{"outcome":"proceed_once"}"#)
            #expect(unknown.status == 404 && unknown.errorCode == "NOT_FOUND")
            let approved = try await emulator.send("POST", "/api/v1/tasks/\(id)/tools/\(callId)/approve", json: #"{"outcome":"proceed_once"}"#)
            #expect((try approved.json()["data"] as? [String: Any])?["approved"] as? Bool == true)
            let again = try await emulator.send("POST", "/api/v1/tasks/\(id)/tools/\(callId)/approve", json: #"{"outcome":"proceed_once"}"#)
            #expect(again.errorCode == "NOT_FOUND")
            let events = try await stream
            #expect(events.last?.event == "done")
            let parked = events.first { $0.event == "tool_call" }
            #expect(object(parked?.data ?? "")["status"] as? String == "awaiting_approval")
            let result = events.first { $0.event == "tool_result" }
            #expect(object(result?.data ?? "")["status"] as? String == "success")
        }
    }

    @Test func cancellingALiveTaskEndsItsStreamAndAFinishedOneIsUnchanged() async throws {
        try await withEmulator { emulator in
            let id = try await emulator.createTask("Reconcile the ledger", autoExecute: false)
            await emulator.world.waitForStatus(id, ["awaiting_approval"])
            async let stream = emulator.streamEvents(id)
            await emulator.world.waitForSubscribers(id)
            let cancel = try await emulator.send("DELETE", "/api/v1/tasks/\(id)")
            #expect((try cancel.json()["data"] as? [String: Any])?["message"] as? String == "Task cancelled")
            let events = try await stream
            #expect(events.last?.event == "error")
            #expect(object(events.last!.data)["code"] as? String == "CANCELLED")
            let task = try #require(try await emulator.data("/api/v1/tasks/\(id)") as? [String: Any])
            #expect(task["status"] as? String == "cancelled")
            #expect(task["pendingApprovals"] == nil)
            let second = try await emulator.send("DELETE", "/api/v1/tasks/\(id)")
            #expect(second.status == 200)
            #expect((try await emulator.data("/api/v1/tasks/\(id)") as? [String: Any])?["completedAt"] as? String == task["completedAt"] as? String)
        }
    }

    @Test func aFollowUpStartsANewRunOnTheSameTask() async throws {
        let clock = ManualClock()
        try await withEmulator({ $0.clock = clock }) { emulator in
            let id = try await emulator.createTask("What are the three laws of robotics?")
            let driver = clock.drive()
            await emulator.world.waitForStatus(id, ["completed"])
            driver.cancel()
            let before = try #require(try await emulator.listAll().first { $0["id"] as? String == id })
            let response = try await emulator.send("POST", "/api/v1/tasks/\(id)/messages", json: #"{"message":"Who created these laws?"}"#)
            #expect((try response.json()["data"] as? [String: Any])?["status"] as? String == "running")
            let busy = try await emulator.send("POST", "/api/v1/tasks/\(id)/messages", json: #"{"message":"and another"}"#)
            #expect(busy.status == 400 && busy.errorCode == "VALIDATION_ERROR")
            async let stream = emulator.streamEvents(id)
            await emulator.world.waitForSubscribers(id)
            let again = clock.drive()
            let events = try await stream
            again.cancel()
            let replayed = events.filter { $0.event == "history_message" }.map { object($0.data)["content"] as? String }
            #expect(replayed.contains("Who created these laws?"))
            #expect(events.last?.event == "done")
            let after = try #require(try await emulator.listAll().first { $0["id"] as? String == id })
            #expect(after["messageCount"] as? Int == 4)
            #expect((after["lastActivityAt"] as! String) > (before["lastActivityAt"] as! String))
        }
    }

    @Test func uploadsLandUnderUploadsAndAreAttachedToTheMessage() async throws {
        try await withEmulator { emulator in
            let boundary = "XyZ123"
            var body = Data()
            func field(_ name: String, _ value: String) {
                body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
            }
            func file(_ filename: String, _ bytes: Data) {
                body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"files\"; filename=\"\(filename)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8)
                body += bytes + Data("\r\n".utf8)
            }
            field("message", "Analyze this CSV file")
            field("autoExecute", "true")
            file("data.csv", Data("a,b\n1,2\n".utf8))
            file("../../evil.txt", Data("x".utf8))
            body += Data("--\(boundary)--\r\n".utf8)
            let response = try await RawHTTP.request("POST", emulator.baseURL + "/api/v1/tasks", headers: [
                "Authorization": "Bearer \(emulator.keys[0])", "Content-Type": "multipart/form-data; boundary=\(boundary)",
            ], body: body)
            #expect(response.status == 200)
            let id = try #require((try response.json()["data"] as? [String: Any])?["id"] as? String)
            let files = try #require((try await emulator.data("/api/v1/tasks/\(id)/artifacts") as? [String: Any])?["files"] as? [[String: Any]])
            let paths = Set(files.compactMap { $0["path"] as? String })
            #expect(paths.isSuperset(of: ["uploads/data.csv", "uploads/evil.txt"]))
            let download = try await emulator.get("/api/v1/tasks/\(id)/artifacts/download?path=uploads%2Fdata.csv")
            #expect(download.text == "a,b\n1,2\n")
            let history = try #require(try await emulator.data("/api/v1/tasks/\(id)/history") as? [String: Any])
            let first = try #require((history["messages"] as? [[String: Any]])?.first)
            #expect((first["attachedFiles"] as? [[String: Any]])?.first?["path"] as? String == "uploads/data.csv")
        }
    }

    @Test func envIsStoredAndReturnedButSecretsNeverAre() async throws {
        try await withEmulator { emulator in
            let response = try await emulator.send("POST", "/api/v1/tasks", json: #"{"message":"hi","env":{"REGION":"eu","TOKEN":"shadowed"},"secrets":{"TOKEN":"s3cr3t-value"}}"#)
            let id = try #require((try response.json()["data"] as? [String: Any])?["id"] as? String)
            let task = try await emulator.get("/api/v1/tasks/\(id)")
            #expect(task.text.contains("\"REGION\":\"eu\""))
            #expect(!task.text.contains("s3cr3t-value"))
            #expect(!(try await emulator.get("/api/v1/tasks?limit=100").text).contains("s3cr3t-value"))
            let bad = try await emulator.send("POST", "/api/v1/tasks", json: #"{"message":"hi","env":{"1BAD":"x"}}"#)
            #expect(bad.status == 400 && bad.errorCode == "INVALID_ENV")
            let notString = try await emulator.send("POST", "/api/v1/tasks", json: #"{"message":"hi","secrets":{"N":1}}"#)
            #expect(notString.errorCode == "INVALID_ENV")
        }
    }

    @Test(arguments: [("application/json", "{}"), ("application/json", "{not json"), ("text/plain", "message=hi"),
                      ("application/json", #"{"message":"   "}"#), ("application/json", #"{"message":"x","autoExecute":"maybe"}"#)])
    func badCreateBodiesAreValidationErrors(contentType: String, body: String) async throws {
        try await withEmulator { emulator in
            let response = try await RawHTTP.request("POST", emulator.baseURL + "/api/v1/tasks", headers: [
                "Authorization": "Bearer \(emulator.keys[0])", "Content-Type": contentType,
            ], body: Data(body.utf8))
            #expect(response.status == 400)
            #expect(response.errorCode == "VALIDATION_ERROR")
        }
    }

    @Test func aManualClockStepsARunExactly() async throws {
        let clock = ManualClock()
        try await withEmulator({ $0.clock = clock; $0.liveRuns = false; $0.stepInterval = 1; $0.startDelay = 1 }) { emulator in
            let id = try await emulator.createTask("What is 2+2?")
            func status() async throws -> String? {
                (try await emulator.data("/api/v1/tasks/\(id)") as? [String: Any])?["status"] as? String
            }
            #expect(try await status() == "pending")
            var seen: [String] = []
            for _ in 0..<40 {
                // Wait until the run is parked on the clock, then let exactly one step happen.
                await clock.waitForSleepers()
                clock.advance(by: 1)
                seen.append(try await status() ?? "")
                if seen.last == "completed" { break }
            }
            #expect(seen.first == "running" || seen.first == "pending")
            #expect(seen.last == "completed")
            let task = try #require(try await emulator.data("/api/v1/tasks/\(id)") as? [String: Any])
            // Timestamps come from the injected clock (2026-06-01 plus the steps taken).
            #expect((task["completedAt"] as? String)?.hasPrefix("2026-06-01T00:00:") == true)
        }
    }
}
