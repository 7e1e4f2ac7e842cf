import ArchiveStore
import ArchiveSync
import AsyncHTTPClient
import Foundation
import SigmicAPI
import SigmicEmulator
import TestSupport

/// A world with nothing running, so that a sync has a fixed target to reach.
let settledMix: [(String, Double)] = [("completed", 0.8), ("failed", 0.1), ("cancelled", 0.1)]

struct SyncRig {
    let emulator: Emulator
    let folder: TempFolder
    let http: HTTPClient

    func archive(_ name: String = "archive") throws -> Archive {
        try Archive.open(at: folder.path(name))
    }

    func client(key: Int = 0) throws -> SigmicClient {
        try SigmicClient(SigmicClient.Configuration(baseURL: emulator.baseURL, apiKey: emulator.keys[key]), httpClient: http,
                         sleep: { _ in await Task.yield() })
    }

    func sync(_ archive: Archive, configure: (inout SyncEngine.Options) -> Void = { _ in }) async throws -> SyncReport {
        var options = SyncEngine.Options()
        options.wait = 2
        configure(&options)
        return try await SyncEngine(archive: archive, client: try client()).run(options)
    }
}

func withSyncRig<T>(_ configure: (inout EmulatorConfiguration) -> Void = { _ in }, _ body: (SyncRig) async throws -> T) async throws -> T {
    var config = EmulatorConfiguration()
    config.tasksPerKey = 40
    config.statusMix = settledMix
    config.stepInterval = 0.01
    config.startDelay = 0.01
    configure(&config)
    let emulator = try await Emulator.start(config)
    let rig = SyncRig(emulator: emulator, folder: try TempFolder("sync"), http: SigmicClient.makeHTTPClient())
    do {
        let result = try await body(rig)
        try await rig.http.shutdown()
        await emulator.shutdown()
        return result
    } catch {
        try? await rig.http.shutdown()
        await emulator.shutdown()
        throw error
    }
}

/// Checks that the archive holds exactly what the emulator has for key 0: every task with its status,
/// every message (id and content, in order), every file's bytes. Returns the differences.
func differences(_ archive: Archive, _ emulator: Emulator) async throws -> [String] {
    var problems: [String] = []
    let remote = await emulator.world.snapshot(key: 0)
    for task in remote {
        guard let stored = try? await archive.task(matching: task.id) else {
            problems.append("missing task \(task.id)")
            continue
        }
        if stored.status.rawValue != task.status { problems.append("\(task.id): status \(stored.status) ≠ \(task.status)") }
        let messages = try await archive.messages(of: stored.rowID)
        if messages.map(\.remoteID) != task.messages.map(\.id) { problems.append("\(task.id): message ids differ") }
        if messages.map(\.content) != task.messages.map(\.content) { problems.append("\(task.id): message content differs") }
        let artifacts = try await archive.artifacts(of: stored.rowID)
        for file in task.files {
            let stored = file.path.replacingOccurrences(of: "\u{0}", with: "\u{2400}")  // how NUL is archived
            guard let artifact = artifacts.first(where: { Array($0.path.utf8) == Array(stored.utf8) }) else {
                problems.append("\(task.id): no artifact \(file.path)")
                continue
            }
            guard let hash = artifact.blobHash, artifact.isStored else {
                problems.append("\(task.id): \(file.path) not stored")
                continue
            }
            let bytes = try Data(contentsOf: archive.blobs.url(for: hash))
            if bytes != Data(file.bytes) { problems.append("\(task.id): \(file.path) bytes differ") }
        }
        if artifacts.count != task.files.count { problems.append("\(task.id): \(artifacts.count) artifacts ≠ \(task.files.count)") }
    }
    let local = try await archive.status().tables["task"] ?? 0
    if local != remote.count { problems.append("\(local) tasks archived, \(remote.count) remote") }
    return problems
}

