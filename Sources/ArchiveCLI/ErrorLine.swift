import ArgumentParser
import Foundation

/// Any failure as the one line a person reads: a file-system error names the path and the cause
/// (`ENOENT`, `EACCES`, `ENOSPC`, `ENOTDIR`…) instead of Foundation's `Error Domain=NSCocoaErrorDomain
/// Code=4 …` dump.
enum ErrorLine {
    static func describe(_ error: any Error) -> String {
        if let error = error as? CocoaError { return describe(error) }
        let bridged = error as NSError
        if bridged.domain == NSCocoaErrorDomain { return describe(CocoaError(_nsError: bridged)) }
        if bridged.domain == NSPOSIXErrorDomain { return cause(errno: Int32(bridged.code)) }
        return String(describing: error)
    }

    private static func describe(_ error: CocoaError) -> String {
        let path = error.userInfo[NSFilePathErrorKey] as? String ?? error.url?.path
        let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError
        let reason: String
        if let underlying, underlying.domain == NSPOSIXErrorDomain {
            reason = cause(errno: Int32(underlying.code))
        } else {
            reason = cause(error.code)
        }
        return path.map { "\($0): \(reason)" } ?? reason
    }

    /// What a Foundation file error code means, for the codes it raises without an errno.
    private static func cause(_ code: CocoaError.Code) -> String {
        switch code {
        case .fileNoSuchFile, .fileReadNoSuchFile: return cause(errno: ENOENT)
        case .fileWriteNoPermission, .fileReadNoPermission: return cause(errno: EACCES)
        case .fileWriteFileExists: return cause(errno: EEXIST)
        case .fileWriteOutOfSpace: return cause(errno: ENOSPC)
        case .fileWriteVolumeReadOnly: return cause(errno: EROFS)
        case .fileReadTooLarge: return cause(errno: EFBIG)
        case .fileReadInvalidFileName, .fileWriteInvalidFileName: return "not a valid file name"
        case .fileReadCorruptFile: return "the file is damaged"
        case .fileLocking: return "the file is locked"
        default: return "a file operation failed (Foundation code \(code.rawValue))"
        }
    }

    /// strerror's text, with the errno's name: "no such file or folder (ENOENT)".
    static func cause(errno code: Int32) -> String {
        let names: [Int32: String] = [ENOENT: "ENOENT", EACCES: "EACCES", EPERM: "EPERM", ENOSPC: "ENOSPC", ENOTDIR: "ENOTDIR",
                                      EISDIR: "EISDIR", EEXIST: "EEXIST", EROFS: "EROFS", EFBIG: "EFBIG", EDQUOT: "EDQUOT",
                                      ENAMETOOLONG: "ENAMETOOLONG", EIO: "EIO", ELOOP: "ELOOP", EXDEV: "EXDEV"]
        let text = String(cString: strerror(code)).lowercased()
        return names[code].map { "\(text) (\($0))" } ?? text
    }

    /// Errors the argument parser reports itself (usage, `--help`, exit codes).
    static func isParserOwned(_ error: any Error) -> Bool {
        // Its help requests and usage errors are of types it keeps to itself.
        error is ValidationError || error is CleanExit || error is ExitCode
            || String(reflecting: type(of: error)).hasPrefix("ArgumentParser.")
    }
}
