public import Foundation
public import SigmicEmulator

/// An emulator with `tasks` settled (completed) tasks per key and a temp folder, both torn down after
/// `body`, whatever it throws. With a `ManualClock`, new runs move only when the test drives time.
public func withEmulatorWorld<T>(tasks: Int, label: String, clock: (any EmulatorClock)? = nil,
                                 _ body: (Emulator, TempFolder) async throws -> T) async throws -> T {
    var config = EmulatorConfiguration()
    config.tasksPerKey = tasks
    config.statusMix = [("completed", 1)]
    if let clock { config.clock = clock }
    let emulator = try await Emulator.start(config)
    let folder = try TempFolder(label)
    do {
        let result = try await body(emulator, folder)
        await emulator.shutdown()
        return result
    } catch {
        await emulator.shutdown()
        throw error
    }
}
