import Foundation

/// A file-system failure as one line a person reads: the path and the cause (`ENOENT`, `EACCES`,
/// `ENOSPC`, `ENOTDIR`…), never Foundation's `Error Domain=NSCocoaErrorDomain Code=4 …` dump.
public enum FileSystemFailure {
    /// `PATH: cause (ERRNO)` for a Foundation or POSIX file error; any other error as it describes itself.
    public static func describe(_ error: any Error, path fallback: String? = nil) -> String {
        let bridged = error as NSError
        if bridged.domain == NSPOSIXErrorDomain {
            let reason = cause(errno: Int32(bridged.code))
            return fallback.map { "\($0): \(reason)" } ?? reason
        }
        guard bridged.domain == NSCocoaErrorDomain else { return String(describing: error) }
        let cocoa = CocoaError(_nsError: bridged)
        let path = cocoa.userInfo[NSFilePathErrorKey] as? String ?? cocoa.url?.path ?? fallback
        let underlying = cocoa.userInfo[NSUnderlyingErrorKey] as? NSError
        let reason = underlying.flatMap { $0.domain == NSPOSIXErrorDomain ? cause(errno: Int32($0.code)) : nil } ?? cause(cocoa.code)
        return path.map { "\($0): \(reason)" } ?? reason
    }

    /// What a Foundation file error code means, for the codes it raises without an errno.
    static func cause(_ code: CocoaError.Code) -> String {
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

    /// strerror's text with the errno's name: "no such file or directory (ENOENT)".
    public static func cause(errno code: Int32) -> String {
        let names: [Int32: String] = [ENOENT: "ENOENT", EACCES: "EACCES", EPERM: "EPERM", ENOSPC: "ENOSPC", ENOTDIR: "ENOTDIR",
                                      EISDIR: "EISDIR", EEXIST: "EEXIST", EROFS: "EROFS", EFBIG: "EFBIG", EDQUOT: "EDQUOT",
                                      ENAMETOOLONG: "ENAMETOOLONG", EIO: "EIO", ELOOP: "ELOOP", EXDEV: "EXDEV"]
        let text = String(cString: strerror(code)).lowercased()
        return names[code].map { "\(text) (\($0))" } ?? text
    }
}
