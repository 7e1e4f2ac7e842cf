import ArgumentParser

/// Which failures the argument parser reports itself; every other one is one line of ours
/// (`FileSystemFailure`).
enum ErrorLine {
    /// Errors the argument parser reports itself (usage, `--help`, exit codes).
    static func isParserOwned(_ error: any Error) -> Bool {
        // Its help requests and usage errors are of types it keeps to itself.
        error is ValidationError || error is CleanExit || error is ExitCode
            || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }
}
