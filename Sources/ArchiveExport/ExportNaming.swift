/// Names for exported files. Everything here is a pure function of archive data, so exports are
/// reproducible, and nothing a server sent can name a path outside the export folder.
public enum ExportNaming {
    /// `YYYY-MM-DD-<slug>-<id>.<ext>`: the creation date, up to 48 characters of the title in
    /// lower-case ASCII words, and the task id's first 8 characters (the whole id when `fullID`, for
    /// the rare tasks whose first 8 characters are shared).
    public static func fileName(createdAt: String, title: String, id: String, fullID: Bool, ext: String) -> String {
        let date = createdAt.count >= 10 ? String(createdAt.prefix(10)) : "undated"
        return "\(date)-\(slug(title))-\(safeComponent(fullID ? id : String(id.prefix(8)))).\(ext)"
    }

    static func slug(_ title: String) -> String {
        var words: [String] = []
        var current = ""
        for scalar in title.lowercased().unicodeScalars {
            if scalar.isASCII && (scalar.properties.isAlphabetic || scalar.properties.numericType != nil) {
                current.unicodeScalars.append(scalar)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        var slug = ""
        for word in words {
            let next = slug.isEmpty ? word : slug + "-" + word
            if next.count > 48 { break }
            slug = next
        }
        return slug.isEmpty ? "task" : slug
    }

    /// Relative paths for a task's artifacts inside its export folder, by artifact path. A server path
    /// is split on `/` and `\`; empty, `.` and `..` parts are dropped; control characters and
    /// `: * ? " < > |` become `_`; each part is cut to 100 bytes (keeping the extension). Paths that
    /// then collide — also when they differ only by letter case or Unicode normalisation, which some
    /// file systems cannot tell apart — get ` (2)`, ` (3)`… before the extension, in path order.
    /// The result is in the order of `paths` (a dictionary keyed by String would merge names that are
    /// canonically equivalent, such as NFC and NFD spellings, which are different files here).
    public static func artifactPaths(_ paths: [String]) -> [String] {
        var files = Set<String>()     // fold keys of paths placed as files
        var folders = Set<String>()   // fold keys of paths used as folders
        var result = [String](repeating: "", count: paths.count)
        let order = paths.indices.sorted { Array(paths[$0].utf8).lexicographicallyPrecedes(Array(paths[$1].utf8)) }
        for position in order {
            let path = paths[position]
            var parts = path.split(whereSeparator: { $0 == "/" || $0 == "\\" }).map(String.init)
                .filter { !$0.isEmpty && $0 != "." && $0 != ".." }
                .map(safeComponent)
            if parts.isEmpty { parts = ["file"] }
            // Each folder on the way must not be a file already placed; the file itself must be free.
            for index in parts.indices {
                let isLast = index == parts.count - 1
                let original = parts[index]
                var number = 2
                while true {
                    let key = foldKey(parts[...index].joined(separator: "/"))
                    if isLast ? !(files.contains(key) || folders.contains(key)) : !files.contains(key) { break }
                    let (stem, ext) = splitExtension(original)
                    parts[index] = stem + " (\(number))" + ext
                    number += 1
                }
                let key = foldKey(parts[...index].joined(separator: "/"))
                if isLast { files.insert(key) } else { folders.insert(key) }
            }
            result[position] = parts.joined(separator: "/")
        }
        return result
    }

    /// One path component with nothing a file system could read as structure or control.
    static func safeComponent(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                || ":*?\"<>|/\\\u{2400}".unicodeScalars.contains(scalar) {
                out += "_"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        if out == "." || out == ".." || out.isEmpty { out = "_" + out }
        if out.utf8.count > 100 {
            let (stem, ext) = splitExtension(out)
            let keep = ext.utf8.count < 20 ? ext : ""
            var cut = ""
            for character in stem where (cut + String(character)).utf8.count + keep.utf8.count <= 100 {
                cut.append(character)
            }
            out = cut + keep
        }
        return out
    }

    static func splitExtension(_ name: String) -> (String, String) {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return (name, "") }
        return (String(name[..<dot]), String(name[dot...]))
    }

    /// Case- and normalisation-insensitive identity of a path, for collision checks. Swift compares
    /// and hashes strings by canonical equivalence, so NFC and NFD spellings are already one key.
    static func foldKey(_ path: String) -> String {
        path.lowercased()
    }
}
