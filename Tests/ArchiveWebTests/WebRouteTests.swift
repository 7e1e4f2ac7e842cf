@testable import ArchiveWeb
import Testing

struct WebRouteTests {
    @Test(arguments: [
        ("/", WebRoute.taskList),
        ("/search", .search),
        ("/search/results", .searchResults),
        ("/static/app.js", .asset(.js)),
        ("/api/tasks", .apiTasks),
        ("/api/tasks/aaaa1111", .apiTask(id: "aaaa1111")),
        ("/api/tasks/aaaa1111/events", .apiTaskEvents(id: "aaaa1111")),
        ("/api/search", .apiSearch),
        ("/tasks/aaaa1111", .task(id: "aaaa1111")),
        ("/tasks/aaaa/artifacts/downloads/a%20b.csv", .artifact(taskID: "aaaa", path: "downloads/a b.csv")),
        // Dots are only text: the path is looked up among the task's stored artifacts, never opened.
        ("/tasks/aaaa/artifacts/%2e%2e/archive.sqlite", .artifact(taskID: "aaaa", path: "../archive.sqlite")),
    ] as [(String, WebRoute)])
    func knownPathsAreRouted(path: String, route: WebRoute) {
        #expect(WebRoute.parse(path) == route)
    }

    @Test(arguments: ["", "/nothing", "/static/../archive.sqlite", "/static/other.js", "/tasks/a%2Fb", "/tasks/a b", "/tasks/",
                      "/tasks/aaaa/artifacts/", "/tasks/aaaa/other/x", "/api/tasks/a/b", "/api/tasks/a%2Fb/events", "/api/tasks/a/events/x", "/tasks/..", "/search/other"])
    func anythingElseIsNotFound(path: String) {
        #expect(WebRoute.parse(path) == nil)
    }

    @Test func aFormQueryDecodesPlusAndPercentAndKeepsRepeats() {
        let query = FormQuery("q=error+budget%21&status=failed&status=completed&empty=&page=x")
        #expect(query["q"] == "error budget!")
        #expect(query.all("status") == ["failed", "completed"])
        #expect(query["empty"] == "")
        #expect(query["missing"] == nil)
        #expect(query.count("page") == nil, "present but not a number")
        #expect(query.count("missing") == .some(nil))
    }
}
