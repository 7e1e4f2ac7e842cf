import Foundation
import SigmicEmulator
import TestSupport

/// Starts an emulator on 127.0.0.1:0, hands it to the test, and always shuts it down.
func withEmulator<T>(_ configure: (inout EmulatorConfiguration) -> Void = { _ in },
                     _ body: (Emulator) async throws -> T) async throws -> T {
    var config = EmulatorConfiguration()
    config.tasksPerKey = 12
    config.keyCount = 2
    config.stepInterval = 0.005
    config.startDelay = 0.005
    configure(&config)
    let emulator = try await Emulator.start(config)
    do {
        let result = try await body(emulator)
        await emulator.shutdown()
        return result
    } catch {
        await emulator.shutdown()
        throw error
    }
}

extension Emulator {
    func get(_ path: String, key: Int = 0, headers: [String: String] = [:]) async throws -> RawResponse {
        try await RawHTTP.request("GET", baseURL + path, headers: ["Authorization": "Bearer \(keys[key])"].merging(headers) { $1 })
    }

    func send(_ method: String, _ path: String, key: Int = 0, json: String? = nil) async throws -> RawResponse {
        var headers = ["Authorization": "Bearer \(keys[key])"]
        if json != nil { headers["Content-Type"] = "application/json" }
        return try await RawHTTP.request(method, baseURL + path, headers: headers, body: Data((json ?? "").utf8))
    }

    /// `data` of a success envelope.
    func data(_ path: String, key: Int = 0) async throws -> Any? {
        try await get(path, key: key).json()["data"]
    }

    func listAll(key: Int = 0) async throws -> [[String: Any]] {
        (try await data("/api/v1/tasks?limit=100", key: key) as? [[String: Any]]) ?? []
    }

    /// Creates a task with a JSON body and returns its id.
    func createTask(_ message: String, autoExecute: Bool = true, key: Int = 0) async throws -> String {
        let response = try await send("POST", "/api/v1/tasks", key: key, json: #"{"message": \#(jsonString(message)), "autoExecute": \#(autoExecute)}"#)
        return ((try response.json()["data"] as? [String: Any])?["id"] as? String) ?? ""
    }

    /// Reads a task's stream to its end and returns the events.
    func streamEvents(_ id: String, key: Int = 0) async throws -> [(event: String, data: String)] {
        RawHTTP.events(try await get("/api/v1/tasks/\(id)/stream", key: key).text)
    }
}

func jsonString(_ text: String) -> String {
    let data = try! JSONSerialization.data(withJSONObject: [text])
    return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
}

func object(_ text: String) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
}
