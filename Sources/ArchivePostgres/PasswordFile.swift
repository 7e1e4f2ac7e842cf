import Foundation

/// libpq's password file (`~/.pgpass`, or the file `PGPASSFILE` names): lines of
/// `hostname:port:database:username:password`, `*` matching anything, `\:` and `\\` escaping, `#`
/// starting a comment; the first matching line wins. As libpq does, a file that its group or others
/// may read is ignored, with a warning. https://www.postgresql.org/docs/current/libpq-pgpass.html
enum PasswordFile {
    /// The password a file's text gives for a connection, if a line matches.
    static func password(in text: String, host: String, port: Int, database: String, user: String) -> String? {
        for line in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            guard !line.hasPrefix("#") else { continue }
            let fields = split(line)
            guard fields.count == 5 else { continue }
            let wanted = [host, String(port), database, user]
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    /// The fields of a line: `:` separates, a backslash makes the next character literal.
    static func split(_ line: Substring) -> [String] {
        var fields = [""]
        var escaped = false
        for character in line {
            if escaped {
                fields[fields.count - 1].append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" && fields.count < 5 {
                fields.append("")
            } else {
                fields[fields.count - 1].append(character)
            }
        }
        return fields
    }
}

/// The password for a PostgreSQL archive, found as libpq finds it: `PGPASSWORD`, else the password
/// file. Never from the URL, never stored, never logged.
public struct PostgresCredentials: Sendable {
    public let password: String?
    /// Why a password file was passed over, for a one-line note.
    public let warning: String?

    public static func find(for location: PostgresLocation, environment: [String: String]) -> PostgresCredentials {
        if let password = environment["PGPASSWORD"], !password.isEmpty {
            return PostgresCredentials(password: password, warning: nil)
        }
        let path = environment["PGPASSFILE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["HOME"].map { $0 + "/.pgpass" }
        guard let path, let attributes = try? FileManager.default.attributesOfItem(atPath: path) else {
            return PostgresCredentials(password: nil, warning: nil)
        }
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            return PostgresCredentials(password: nil, warning: "password file \(path) has group or world access and is ignored; chmod 600 it")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return PostgresCredentials(password: nil, warning: "password file \(path) cannot be read")
        }
        return PostgresCredentials(password: PasswordFile.password(in: text, host: location.host, port: location.port,
                                                                    database: location.database, user: location.user),
                                   warning: nil)
    }
}
