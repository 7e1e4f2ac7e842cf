import Foundation
import SigmicAPI

/// `--file PATH` arguments read into uploads, before anything is sent: a file that is missing or
/// unreadable is a one-line error and nothing goes out.
enum UploadFiles {
    static func read(_ paths: [String]) throws -> [UploadFile] {
        try paths.map { path in
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw CLIError(description: "--file \(path): no such file")
            }
            guard !isFolder.boolValue else { throw CLIError(description: "--file \(path): is a folder, not a file") }
            guard let bytes = FileManager.default.contents(atPath: path) else {
                throw CLIError(description: "--file \(path): cannot be read")
            }
            let name = URL(fileURLWithPath: path).lastPathComponent
            return UploadFile(filename: name, contentType: contentType(of: name), bytes: Array(bytes))
        }
    }

    /// A type for the common extensions; the server sniffs or ignores it otherwise.
    static func contentType(of name: String) -> String {
        switch URL(fileURLWithPath: name).pathExtension.lowercased() {
        case "txt", "log": "text/plain"
        case "md": "text/markdown"
        case "csv": "text/csv"
        case "json": "application/json"
        case "pdf": "application/pdf"
        case "png": "image/png"
        case "jpg", "jpeg": "image/jpeg"
        case "zip": "application/zip"
        default: "application/octet-stream"
        }
    }
}
