import ArgumentParser
import Foundation
import SigmicAPI

/// What `run` and `reply` share beside their message: uploads, whether to follow, and the output.
struct MessageOptions: ParsableArguments {
    @Option(name: .customLong("file"), help: ArgumentHelp("A file to upload with the message (repeatable).", valueName: "path"))
    var files: [String] = []
    @Flag(help: "Send and archive, print the task's id, and return without following it.")
    var detach = false
    @Flag(help: "Print one JSON object at the end: id, status, finalResponse, queued.")
    var json = false

    /// Checks the message and reads the files, before anything is sent. Checked here rather than in
    /// validate(), whose errors come with the usage text: one line is enough.
    func uploads(for message: String) throws -> [UploadFile] {
        guard !message.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw CLIError(description: "MESSAGE is empty: say what the agent should do", exitCode: 64)
        }
        return try UploadFiles.read(files)
    }
}
