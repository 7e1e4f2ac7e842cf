public import ArchiveStore
import ArchiveExport
import BuildInfo
import Foundation
import MCP

/// `mcp`: the archive as a Model Context Protocol server over stdio. Only protocol messages go to
/// stdout; the archive is opened read-only by the caller and is never written.
public enum ArchiveMCPServer {
    /// The version reported to clients: `sigmic-archive --version`'s, without the commit.
    public static let version = BuildInfo.version

    /// Tasks per page of `resources/list`.
    static let resourcePage = 100

    public static func run(archive: any ArchiveReader, version: String) async throws {
        let tools = ArchiveTools(archive: archive)
        let server = Server(
            name: "sigmic-archive", version: version,
            instructions: """
                The user's archive of Sigmic AI tasks: what earlier agent runs were asked, thought, called and produced. \
                Use search to find past work, get_task to read a task in pages, get_artifact for its output files.
                """,
            capabilities: .init(resources: .init(subscribe: false, listChanged: false), tools: .init(listChanged: false)))
        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(tools: ArchiveTools.definitions)
        }
        await server.withMethodHandler(CallTool.self) { params in
            await tools.call(params.name, arguments: params.arguments)
        }
        await server.withMethodHandler(ListResources.self) { params in
            let offset = params.cursor.flatMap(Int.init) ?? 0
            var filter = TaskFilter()
            filter.limit = resourcePage
            filter.offset = offset
            let tasks = try await archive.tasks(filter)
            let resources = tasks.map { task in
                Resource(name: task.title.isEmpty ? task.id : task.title, uri: uri(task.id),
                         description: "\(task.status.rawValue) task, last active \(task.lastActivityAt)", mimeType: "text/markdown")
            }
            return ListResources.Result(resources: resources, nextCursor: tasks.count == resourcePage ? String(offset + resourcePage) : nil)
        }
        await server.withMethodHandler(ListResourceTemplates.self) { _ in
            ListResourceTemplates.Result(templates: [
                Resource.Template(uriTemplate: "sigmic://tasks/{id}", name: "Task transcript",
                                  description: "A task's whole conversation as Markdown (the id may be a unique prefix).", mimeType: "text/markdown"),
            ])
        }
        await server.withMethodHandler(ReadResource.self) { params in
            let prefix = "sigmic://tasks/"
            guard params.uri.hasPrefix(prefix) else { throw MCPError.invalidParams("unknown resource \(params.uri); use sigmic://tasks/{id}") }
            let id = String(params.uri.dropFirst(prefix.count))
            do {
                let markdown = MarkdownRenderer.render(try await Transcript.load(try await archive.task(matching: id), from: archive))
                return ReadResource.Result(contents: [.text(markdown, uri: params.uri, mimeType: "text/markdown")])
            } catch let error as ArchiveError {
                throw MCPError.invalidParams(error.description)
            }
        }
        let transport = LineTransport()
        try await server.start(transport: transport)
        await server.waitUntilCompleted()
    }

    static func uri(_ id: String) -> String { "sigmic://tasks/" + id }
}
