import ArgumentParser
import Foundation

/// What `run` and `reply` share beside their message: uploads, whether to follow, and the output.
struct MessageOptions: ParsableArguments {
    @Option(name: .customLong("file"), help: ArgumentHelp("A file to upload with the message (repeatable).", valueName: "path"))
    var files: [String] = []
    @Flag(help: "Send and archive, print the task's id, and return without following it.")
    var detach = false
    @Flag(help: "Print one JSON object at the end: id, status, finalResponse, queued.")
    var json = false

    /// The message, checked here rather than in validate(), whose errors come with the usage text:
    /// one line is enough.
    static func check(_ message: String) throws {
        guard !message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw CLIError(description: "MESSAGE is empty: say what the agent should do", exitCode: 64)
        }
    }
}
