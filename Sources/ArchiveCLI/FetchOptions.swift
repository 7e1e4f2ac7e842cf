import ArchiveSync
import ArgumentParser

/// How much a sync fetches at once, and whether artifact bytes come along: shared by `sync` and `watch`.
struct FetchOptions: ParsableArguments {
    @Option(help: "Tasks fetched at the same time (1…64); each has a few requests in flight, over at most twice as many connections.")
    var jobs = 8
    @Flag(help: "Skip artifact bytes (their listing is still recorded).")
    var noArtifacts = false

    func validate() throws {
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be 1…64") }
    }

    /// Connections to the server at most (the sync's scheduler decides how many its jobs need).
    var connectionsPerHost: Int { SyncEngine.connections(forJobs: jobs) }

    func apply(to options: inout SyncEngine.Options) {
        options.jobs = jobs
        options.downloadArtifacts = !noArtifacts
    }
}
