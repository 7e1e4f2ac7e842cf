import Foundation
import ArchiveStore
import SigmicAPI

/// Maps the API's decoded objects to the archive's snapshots. Timestamps are stored as sent when they
/// are already canonical, and canonicalised otherwise.
enum Snapshots {
    static func time(_ text: String?) -> String? {
        text.map { Timestamp.canonical($0) ?? $0 }
    }

    static func task(_ task: APITask) -> TaskSnapshot {
        var snapshot = TaskSnapshot(remoteID: task.id, status: TaskStatus(task.status), createdAt: time(task.createdAt) ?? task.createdAt,
                                    rawJSON: task.raw.canonicalText)
        snapshot.apiKeyID = task.apiKeyId
        snapshot.username = task.username
        snapshot.sessionID = task.sessionId
        snapshot.conversationID = task.conversationId
        snapshot.message = task.message
        snapshot.systemPrompt = task.systemPrompt
        snapshot.showInHistory = task.showInHistory
        snapshot.autoExecute = task.autoExecute
        snapshot.envJSON = JSONValue.text(task.env)
        snapshot.error = task.error
        snapshot.startedAt = time(task.startedAt)
        snapshot.completedAt = time(task.completedAt)
        snapshot.lastActivityAt = time(task.lastActivityAt)
        snapshot.messageCount = task.messageCount
        snapshot.outputJSON = JSONValue.text(task.output)
        snapshot.pendingApprovalsJSON = task.pendingApprovals.flatMap { $0.isEmpty ? nil : JSONValue.array($0).canonicalText }
        return snapshot
    }

    static func message(_ message: APIMessage) -> MessageSnapshot {
        MessageSnapshot(remoteID: message.id, role: message.role, content: message.content,
                        createdAt: time(message.createdAt) ?? message.createdAt,
                        thoughtsJSON: JSONValue.text(message.thoughts), toolCallsJSON: JSONValue.text(message.toolCalls),
                        attachedFilesJSON: JSONValue.text(message.attachedFiles), rawJSON: message.raw.canonicalText)
    }

    /// SQLite text cannot carry NUL through every reader, so a NUL in a server-supplied name is stored as
    /// U+2400 (␀); the exact name stays in the raw JSON.
    static func visible(_ name: String) -> String {
        name.contains("\u{0}") ? name.replacingOccurrences(of: "\u{0}", with: "\u{2400}") : name
    }

    static func artifact(_ artifact: APIArtifact) -> ArtifactSnapshot {
        ArtifactSnapshot(path: visible(artifact.path), name: visible(artifact.name), size: artifact.size, mimeType: artifact.mimeType,
                         category: artifact.category, modifiedAt: time(artifact.modifiedAt), rawJSON: artifact.raw.canonicalText)
    }

    static func listedFile(_ artifact: APIArtifact) -> ListedFile {
        ListedFile(path: visible(artifact.path), size: artifact.size, modifiedAt: time(artifact.modifiedAt))
    }
}
