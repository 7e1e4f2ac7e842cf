public import ArchiveStore
import Foundation

/// Small, readable sample data for store tests.
public enum Fixtures {
    public static let baseURL = "http://127.0.0.1:9"
    public static let apiKey = "sigmic_" + String(repeating: "ab", count: 32)

    public static func task(_ id: String, status: TaskStatus = "completed", message: String = "What is 2+2?",
                            createdAt: String = "2026-01-26T15:50:54.870Z", messageCount: Int = 2) -> TaskSnapshot {
        var task = TaskSnapshot(remoteID: id, status: status, createdAt: createdAt,
                                rawJSON: #"{"id":"\#(id)","status":"\#(status)","messageCount":\#(messageCount)}"#)
        task.message = message
        task.lastActivityAt = createdAt
        task.messageCount = messageCount
        return task
    }

    public static func message(_ id: String, role: String = "assistant", content: String,
                               createdAt: String = "2026-01-26T15:51:00.000Z",
                               thoughts: String? = nil, toolCalls: String? = nil) -> MessageSnapshot {
        MessageSnapshot(remoteID: id, role: role, content: content, createdAt: createdAt,
                        thoughtsJSON: thoughts, toolCallsJSON: toolCalls,
                        rawJSON: #"{"id":"\#(id)","content":\#(jsonString(content)),"thoughts":\#(thoughts ?? "null"),"toolCalls":\#(toolCalls ?? "null")}"#)
    }

    public static func artifact(_ path: String, size: Int64 = 3, modifiedAt: String = "2026-01-26T16:00:00.000Z") -> ArtifactSnapshot {
        let name = String(path.split(separator: "/").last ?? "")
        return ArtifactSnapshot(path: path, name: name, size: size, mimeType: "text/plain", category: "text",
                                modifiedAt: modifiedAt,
                                rawJSON: #"{"path":\#(jsonString(path)),"size":\#(size),"modifiedAt":"\#(modifiedAt)"}"#)
    }

    public static func jsonString(_ text: String) -> String {
        let data = try! JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed])
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }

    /// An archive with one account and a task, for tests that need somewhere to write.
    public static func archiveWithTask(in folder: TempFolder, id: String = "c37c1d78-4d23-4e53-949a-ddd775f25e01")
        throws -> (Archive, AccountID, TaskRowID) {
        let archive = try Archive.open(at: folder.path("archive"), now: { Date(timeIntervalSince1970: 1_769_442_654) })
        let (account, task) = try archive.write { writer in
            let account = try writer.account(baseURL: baseURL, apiKey: apiKey)
            return (account, try writer.upsertListedTask(Fixtures.task(id), account: account))
        }
        return (archive, account, task)
    }
}
