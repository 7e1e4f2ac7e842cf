import ArchiveStore
import ArgumentParser

/// Any failure as the one line a person reads (file-system errors as `PATH: cause`, see
/// `FileSystemFailure`), and which failures the argument parser reports itself.
enum ErrorLine {
    static func describe(_ error: any Error) -> String { FileSystemFailure.describe(error) }

    /// Errors the argument parser reports itself (usage, `--help`, exit codes).
    static func isParserOwned(_ error: any Error) -> Bool {
        // Its help requests and usage errors are of types it keeps to itself.
        error is ValidationError || error is CleanExit || error is ExitCode
            || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }
}
