import Foundation

// embed-migrations [--import MODULE] OUTPUT.swift MIGRATION.sql...
//
// Writes one Swift file declaring `embeddedMigrations`, the SQL of each file as a raw string
// literal (importing MODULE, where `EmbeddedMigration` lives, for a target other than its own).
// Numbering and checksums are checked at run time by the store's migrator (so tests can feed it
// synthetic lists); here we only refuse names the migrator could never accept.

var arguments = Array(CommandLine.arguments.dropFirst())
var imports = ""
if arguments.first == "--import", arguments.count > 1 {
    imports = "import \(arguments[1])\n\n"
    arguments.removeFirst(2)
}
guard let outputPath = arguments.first else {
    FileHandle.standardError.write(Data("usage: embed-migrations [--import MODULE] OUTPUT.swift FILE.sql...\n".utf8))
    exit(64)
}

let namePattern = try Regex(#"^[0-9]{4}_[a-z0-9_]+\.sql$"#)
var entries: [String] = []
for path in arguments.dropFirst().sorted() {
    let url = URL(fileURLWithPath: path)
    let name = url.lastPathComponent
    guard name.wholeMatch(of: namePattern) != nil else {
        FileHandle.standardError.write(Data("error: \(path): migration names are NNNN_verb_noun.sql\n".utf8))
        exit(1)
    }
    let sql = try String(contentsOf: url, encoding: .utf8)
    entries.append("    EmbeddedMigration(fileName: \(literal(name)), sql: \(literal(sql))),")
}

let source = """
    // Generated at build time by tools/build/embed-migrations from a Migrations folder. Do not edit.

    \(imports)let embeddedMigrations: [EmbeddedMigration] = [
    \(entries.joined(separator: "\n"))
    ]

    """
// Rewritten only when it changed: the build re-runs this tool whenever the tool itself is relinked
// (each `swift build --product` does so), and a new file would recompile the store and every program.
let output = URL(fileURLWithPath: outputPath)
if (try? Data(contentsOf: output)) != Data(source.utf8) {
    try Data(source.utf8).write(to: output, options: .atomic)
}

/// A raw single-line string literal whose `#` delimiter is longer than any run of `#` in the text, with
/// newlines escaped, so that any file content round-trips byte for byte.
func literal(_ text: String) -> String {
    var longestRun = 0
    var run = 0
    for character in text {
        run = character == "#" ? run + 1 : 0
        longestRun = max(longestRun, run)
    }
    let hashes = String(repeating: "#", count: longestRun + 1)
    let escape = "\\" + hashes
    var body = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\n": body += escape + "n"
        case "\r": body += escape + "r"
        case "\t": body += escape + "t"
        case "\"": body += escape + "\""
        case "\\": body += escape + "\\"
        default: body.unicodeScalars.append(scalar)
        }
    }
    return hashes + "\"" + body + "\"" + hashes
}
