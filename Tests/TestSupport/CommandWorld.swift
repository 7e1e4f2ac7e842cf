public import Foundation
public import SigmicEmulator

/// An emulator of settled tasks and a temp folder, for tests that drive the real binary against it;
/// both torn down after `body`.
public struct CommandWorld: Sendable {
    public let emulator: Emulator
    public let folder: TempFolder

    /// Runs the binary with the emulator's URL and key, against `archive` when given.
    public func run(_ arguments: [String], archive: String?) async throws -> CommandResult {
        try await CommandRunner.runDetached(arguments + (archive.map { ["--archive", $0] } ?? []), environment: [
            "SIGMIC_BASE_URL": emulator.baseURL, "SIGMIC_API_KEY": emulator.keys[0],
        ])
    }

    /// `tasks` completed tasks; runs step every 5 ms.
    public static func with(tasks: Int, label: String, _ body: (CommandWorld) async throws -> Void) async throws {
        var config = EmulatorConfiguration()
        config.tasksPerKey = tasks
        config.statusMix = [("completed", 1)]
        config.stepInterval = 0.005
        let emulator = try await Emulator.start(config)
        do {
            try await body(CommandWorld(emulator: emulator, folder: try TempFolder(label)))
            await emulator.shutdown()
        } catch {
            await emulator.shutdown()
            throw error
        }
    }
}
