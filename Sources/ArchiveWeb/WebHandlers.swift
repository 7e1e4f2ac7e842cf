import ArchiveExport
import ArchiveStore
import Foundation
import HTTPTypes
import Hummingbird

/// Answers one request: guard, route, then a page, a JSON document or an artifact's bytes. Archive
/// errors become pages that say what was not found; nothing here writes.
struct WebHandlers: Sendable {
    let archive: any ArchiveReader
    let searches: SearchGate

    func respond(to request: Request, context: WebRequestContext, guardian: RequestGuard) async -> Response {
        let query = FormQuery(request.uri.query)
        switch guardian.decide(hostHeader: request.head.authority, path: request.uri.path, query: query,
                               cookieHeader: request.headers[.cookie]) {
        case .refuse(let status, let reason):
            return WebResponses.page(status, ErrorPage.render(title: "Not allowed", detail: reason))
        case .setCookie(let location):
            let cookie = "\(RequestGuard.cookieName)=\(guardian.token ?? ""); Path=/; HttpOnly; SameSite=Strict"
            return WebResponses.redirect(to: location, cookie: cookie)
        case .allow:
            break
        }
        let route = WebRoute.parse(request.uri.path)
        let provenance = RequestGuard.Provenance(
            site: request.headers[HTTPField.Name("Sec-Fetch-Site")!], mode: request.headers[HTTPField.Name("Sec-Fetch-Mode")!],
            destination: request.headers[HTTPField.Name("Sec-Fetch-Dest")!], origin: request.headers[.origin])
        if case .refuse(let status, let reason) = guardian.decide(provenance: provenance, route: route) {
            return WebResponses.page(status, ErrorPage.render(title: "Not allowed", detail: reason))
        }
        guard request.method == .get || request.method == .head else {
            var response = WebResponses.page(405, ErrorPage.render(title: "Read-only", detail: "This archive is read-only here: only GET is answered."))
            response.headers[.allow] = "GET, HEAD"
            return response
        }
        guard let route else {
            return WebResponses.page(404, ErrorPage.render(title: "Not found", detail: "Nothing here: \(request.uri.path)"))
        }
        do {
            return try await answer(route, query: query, context: context)
        } catch let error as WebError {
            return error.response(json: route.isAPI)
        } catch ArchiveError.taskNotFound(let id) {
            return WebError.notFound("No task in the archive matches \(id).").response(json: route.isAPI)
        } catch ArchiveError.ambiguousTaskPrefix(let prefix, let candidates) {
            return WebError.notFound("\(prefix) matches \(candidates.count) tasks; give more of the id.").response(json: route.isAPI)
        } catch ArchiveError.invalidQuery(let reason) {
            return WebError.badRequest(reason).response(json: route.isAPI)
        } catch is SearchGate.Busy {
            return WebError(status: 503, message: "Too many searches are waiting; try again in a moment.").response(json: route.isAPI)
        } catch {
            return WebError(status: 500, message: "The archive could not be read: \(error)").response(json: route.isAPI)
        }
    }

    func answer(_ route: WebRoute, query: FormQuery, context: WebRequestContext) async throws -> Response {
        if case .artifact(let taskID, let path) = route {
            return try await artifact(taskID: taskID, path: path, context: context)
        }
        guard route.isSearch else { return try await page(route, query: query) }
        // Searches take turns (`SearchGate`), so the task list and pages stay quick while many run; one
        // whose client has gone is not started, or stops where it is.
        let clientGone = await ClientPresence.of(context.channel)?.searches
        return try await searches.run {
            if clientGone?.isCancelled == true { throw CancellationError() }
            return try await self.page(route, query: query, clientGone: clientGone)
        }
    }

    /// Every route but an artifact's: read, then render. A search stops when `clientGone` is cancelled.
    func page(_ route: WebRoute, query: FormQuery, clientGone: SearchCancellation? = nil) async throws -> Response {
        switch route {
        case .asset(let name):
            return WebResponses.text(200, name.body, contentType: name.contentType)
        case .taskList:
            let filters = try WebQueries.listFilters(query)
            let tasks = try await archive.tasks(try WebQueries.taskFilter(filters))
            let unfiltered = filters.statuses.isEmpty && filters.account == nil && filters.since == nil && filters.until == nil
            let queued = unfiltered && filters.page == 1 ? try await QueuedTask.all(in: archive) : []
            let isEmpty = unfiltered && tasks.isEmpty && queued.isEmpty && filters.page == 1
            return WebResponses.page(200, TaskListPage.render(tasks: tasks, queued: queued, filters: filters, archiveIsEmpty: isEmpty))
        case .search, .searchResults:
            let text = query["q"] ?? ""
            let page = try WebQueries.page(query)
            var hits: [SearchHit] = []
            var failure: String?
            if !text.trimmingCharacters(in: .whitespaces).isEmpty {
                do {
                    hits = try await archive.search(try SearchQuery.parse(text),
                                              options: SearchOptions(limit: SearchPage.pageSize, offset: (page - 1) * SearchPage.pageSize,
                                                                     deadline: SearchDeadline.standard.cancelled(by: clientGone)))
                } catch ArchiveError.invalidQuery(let reason) {
                    failure = reason
                }
            }
            let results = failure.map { "<p class=\"notice\">The query cannot be run: \(HTML.escape($0))</p>" }
                ?? SearchPage.results(query: text, hits: hits, page: page)
            let status = failure == nil ? 200 : 400
            if route == .searchResults { return WebResponses.page(status, results) }
            return WebResponses.page(status, Layout.page(title: "Search", query: text, results: results, isSearchPage: true,
                                                         body: text.isEmpty ? SearchPage.help : ""))
        case .insights, .apiInsights:
            let scope = try WebQueries.insightScope(query)
            let report = InsightsReport(try await archive.insightAggregates(scope), scope: scope)
            if route == .apiInsights { return WebResponses.json(200, report.json.pretty + "\n") }
            return WebResponses.page(200, Layout.page(title: "Insights", body: InsightsPage.render(report)))
        case .task(let id):
            let transcript = try await Transcript.load(try await archive.task(matching: id), from: archive, events: true)
            return WebResponses.page(200, TaskPage.render(transcript, hit: TaskPage.Hit(query["hit"])))
        case .artifact:
            throw WebError.notFound("Artifacts are answered by `artifact`.")
        case .apiTasks:
            let (filter, unfiltered) = try WebQueries.cliTaskFilter(query)
            let queued = unfiltered ? try await QueuedTask.all(in: archive) : []
            return WebResponses.json(200, try Documents.taskList(try await archive.tasks(filter), queued: queued) + "\n")
        case .apiTask(let id):
            let transcript = try await Transcript.load(try await archive.task(matching: id), from: archive, events: query["events"].map { $0 == "1" || $0 == "true" } ?? false)
            return WebResponses.json(200, Documents.transcript(transcript) + "\n")
        case .apiTaskEvents(let id):
            let task = try await archive.task(matching: id)
            let options = ReplayScript.Options()
            let script = try ReplayScript(events: try await archive.events(of: task.rowID), taskID: task.remoteID, options: options)
            return WebResponses.json(200, Documents.replay(script, taskID: task.remoteID, options: options) + "\n")
        case .apiSearch:
            let (parsed, asked) = try WebQueries.cliSearch(query)
            var options = asked
            options.deadline = options.deadline.cancelled(by: clientGone)
            return WebResponses.json(200, Documents.searchHits(try await archive.search(parsed, options: options)) + "\n")
        }
    }

    /// A stored artifact of that task, by its exact path; anything else is 404. The bytes come from the
    /// content-addressed blob store, never from a path built from the request.
    func artifact(taskID: String, path: String, context: WebRequestContext) async throws -> Response {
        let archive = self.archive
        let task = try await archive.task(matching: taskID)
        guard let artifact = try await archive.artifacts(of: task.rowID).first(where: { $0.path == path && $0.isStored }),
              let hash = artifact.blobHash else {
            throw WebError.notFound("Task \(task.remoteID.prefix(8)) has no stored artifact \(path).")
        }
        let delivery = ArtifactDelivery.decide(path: artifact.path, mimeType: artifact.mimeType)
        var headers = WebResponses.headers(contentType: delivery.contentType, policy: WebResponses.artifactPolicy)
        headers[.contentDisposition] = delivery.header(fileName: artifact.name.isEmpty ? (path.split(separator: "/").last.map(String.init) ?? "file") : artifact.name)
        if let file = archive.blobFile(hash) {
            return Response(status: .ok, headers: headers, body: try await FileIO().loadFile(path: file.path, context: context))
        }
        // No file of its own (PostgreSQL): its pieces, read one at a time as the client takes them.
        let first = try await archive.blobChunk(hash, index: 0)
        let body = ResponseBody { writer in
            var chunk = first
            var index = 0
            while let data = chunk {
                try await writer.write(ByteBuffer(bytes: data))
                index += 1
                chunk = try await archive.blobChunk(hash, index: index)
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: headers, body: body)
    }
}

/// A request the archive cannot answer, as a page or as `{"error": …}`.
struct WebError: Error {
    let status: Int
    let message: String

    static func notFound(_ message: String) -> WebError { WebError(status: 404, message: message) }
    static func badRequest(_ message: String) -> WebError { WebError(status: 400, message: message) }

    func response(json: Bool) -> Response {
        if json { return WebResponses.jsonError(status, message) }
        let title = status == 404 ? "Not found" : status == 400 ? "Bad request" : "Error"
        return WebResponses.page(status, ErrorPage.render(title: title, detail: message))
    }
}

extension WebRoute {
    var isSearch: Bool { self == .search || self == .searchResults || self == .apiSearch }

    var isAPI: Bool {
        switch self {
        case .apiTasks, .apiTask, .apiTaskEvents, .apiSearch, .apiInsights: true
        default: false
        }
    }
}
