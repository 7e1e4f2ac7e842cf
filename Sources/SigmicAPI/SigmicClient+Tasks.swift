import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

extension SigmicClient {
    /// One page of the task list (newest activity first).
    public func listTasks(limit: Int = 100, offset: Int = 0) async throws(SigmicAPIError) -> TaskPage {
        let path = "/api/v1/tasks"
        let reply = try await call(makeRequest(.GET, path, query: [("limit", String(limit)), ("offset", String(offset))]),
                                   label: Self.label(.GET, path))
        guard let items = reply.json["data"]?.array else { throw .decoding("GET \(path): data is not a list") }
        var tasks: [APITask] = []
        tasks.reserveCapacity(items.count)
        for item in items { tasks.append(try APITask(item, context: "GET \(path)")) }
        let page = reply.json["pagination"]
        return TaskPage(tasks: tasks, pagination: Pagination(
            total: page?["total"]?.int, limit: page?["limit"]?.int, offset: page?["offset"]?.int, hasMore: page?["hasMore"]?.bool))
    }

    /// Every task, page by page, until a page says there is no more.
    public func allTasks(pageSize: Int = 100) -> AsyncThrowingStream<APITask, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                var offset = 0
                do {
                    while true {
                        let page = try await listTasks(limit: pageSize, offset: offset)
                        for item in page.tasks { continuation.yield(item) }
                        offset += page.tasks.count
                        if page.tasks.isEmpty || page.pagination.hasMore == false { break }
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    public func getTask(_ id: String) async throws(SigmicAPIError) -> APITask {
        let path = "/api/v1/tasks/\(Self.segment(id))"
        let reply = try await call(makeRequest(.GET, path), label: Self.label(.GET, path))
        guard let data = reply.json["data"] else { throw .decoding("GET \(path): no data") }
        return try APITask(data, context: "GET \(path)")
    }

    public func history(_ id: String) async throws(SigmicAPIError) -> TaskHistory {
        let path = "/api/v1/tasks/\(Self.segment(id))/history"
        let reply = try await call(makeRequest(.GET, path), label: Self.label(.GET, path))
        guard let data = reply.json["data"], let items = data["messages"]?.array else {
            throw .decoding("GET \(path): data.messages is not a list")
        }
        var messages: [APIMessage] = []
        for item in items { messages.append(try APIMessage(item, context: "GET \(path)")) }
        return TaskHistory(taskId: data["taskId"]?.string ?? id, conversationId: data["conversationId"]?.string,
                           status: data["status"]?.string, messages: messages, raw: data)
    }

    public func artifacts(_ id: String) async throws(SigmicAPIError) -> [APIArtifact] {
        let path = "/api/v1/tasks/\(Self.segment(id))/artifacts"
        let reply = try await call(makeRequest(.GET, path), label: Self.label(.GET, path))
        guard let files = reply.json["data"]?["files"]?.array else { throw .decoding("GET \(path): data.files is not a list") }
        var artifacts: [APIArtifact] = []
        for file in files { artifacts.append(try APIArtifact(file, context: "GET \(path)")) }
        return artifacts
    }

    /// Creates a task: multipart when there are files, JSON when there are env or secrets (the API
    /// takes files and env/secrets in separate requests only). Returns the new task's id.
    public func createTask(_ create: CreateTaskRequest) async throws(SigmicAPIError) -> String {
        let path = "/api/v1/tasks"
        if !create.files.isEmpty && (create.env != nil || create.secrets != nil) {
            throw SigmicAPIError(kind: .refused, request: Self.label(.POST, path), message: "files and env/secrets cannot be sent in one request")
        }
        var request = makeRequest(.POST, path)
        if create.files.isEmpty {
            var object: [String: Any] = ["message": create.message]
            if let value = create.systemPrompt { object["systemPrompt"] = value }
            if let value = create.autoExecute { object["autoExecute"] = value }
            if let value = create.showInHistory { object["showInHistory"] = value }
            if let value = create.env { object["env"] = value }
            if let value = create.secrets { object["secrets"] = value }
            Self.setJSON(&request, object)
        } else {
            var fields: [(String, String)] = [("message", create.message)]
            if let value = create.systemPrompt { fields.append(("systemPrompt", value)) }
            // Multipart booleans are the strings "true"/"false", as the vendor's examples send them.
            if let value = create.autoExecute { fields.append(("autoExecute", value ? "true" : "false")) }
            if let value = create.showInHistory { fields.append(("showInHistory", value ? "true" : "false")) }
            Self.setMultipart(&request, fields: fields, files: create.files)
        }
        let reply = try await call(request, label: Self.label(.POST, path), idempotent: false)
        guard let id = reply.json["data"]?["id"]?.string else { throw .decoding("POST \(path): no task id in the answer") }
        return id
    }

    /// Sends a follow-up message; the task runs again. Returns the status the server reports.
    @discardableResult
    public func followUp(_ id: String, message: String, files: [UploadFile] = []) async throws(SigmicAPIError) -> String {
        let path = "/api/v1/tasks/\(Self.segment(id))/messages"
        var request = makeRequest(.POST, path)
        if files.isEmpty { Self.setJSON(&request, ["message": message]) } else { Self.setMultipart(&request, fields: [("message", message)], files: files) }
        let reply = try await call(request, label: Self.label(.POST, path), idempotent: false)
        return reply.json["data"]?["status"]?.string ?? ""
    }

    /// Answers a tool call waiting for approval; returns whether it was approved.
    @discardableResult
    public func approve(_ id: String, callId: String, outcome: ApprovalOutcome) async throws(SigmicAPIError) -> Bool {
        let path = "/api/v1/tasks/\(Self.segment(id))/tools/\(Self.segment(callId))/approve"
        var request = makeRequest(.POST, path)
        Self.setJSON(&request, ["outcome": outcome.rawValue])
        let reply = try await call(request, label: Self.label(.POST, path), idempotent: false)
        return reply.json["data"]?["approved"]?.bool ?? false
    }

    /// Cancels a task (idempotent, so it is retried like a read).
    public func cancel(_ id: String) async throws(SigmicAPIError) {
        let path = "/api/v1/tasks/\(Self.segment(id))"
        _ = try await call(makeRequest(.DELETE, path), label: Self.label(.DELETE, path))
    }

    // MARK: - Bodies

    /// A path segment: anything but unreserved characters is percent-encoded, so an id cannot add
    /// path segments or a query.
    static func segment(_ text: String) -> String { formEncode(text) }

    static func setJSON(_ request: inout APIRequest, _ object: [String: Any]) {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = ByteBuffer(bytes: data)
    }

    static func setMultipart(_ request: inout APIRequest, fields: [(String, String)], files: [UploadFile]) {
        let boundary = "sigmic-archive-" + UUID().uuidString
        var body = Data()
        func quoted(_ text: String) -> String {
            text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        }
        for (name, value) in fields {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(quoted(name))\"\r\n\r\n".utf8)
            body += Data(value.utf8) + Data("\r\n".utf8)
        }
        for file in files {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"files\"; filename=\"\(quoted(file.filename))\"\r\nContent-Type: \(file.contentType)\r\n\r\n".utf8)
            body += Data(file.bytes) + Data("\r\n".utf8)
        }
        body += Data("--\(boundary)--\r\n".utf8)
        request.headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(boundary)")
        request.body = ByteBuffer(bytes: body)
    }
}
