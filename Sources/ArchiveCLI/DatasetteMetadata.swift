import ArchiveExport
import ArchiveStore
import ArgumentParser

struct DatasetteMetadata: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datasette-metadata",
        abstract: "Print Datasette metadata that makes its search box work on the archive.",
        discussion: """
            Datasette recognises a full-text index only when it is declared in one particular spelling, \
            which ours is not, so ?_search= on search_doc would return every row. This metadata names \
            the index (search_fts, keyed by search_doc.id); nothing in the archive changes. Use it as
              datasette ARCHIVE/archive.sqlite --metadata <(sigmic-archive datasette-metadata)
            Datasette reads the file while a sync writes; do not open it with -i (immutable) then. \
            Substrings and text without spaces (Chinese, Japanese) are in a second index: add \
            &_fts_table=search_trigram to a search. SCHEMA.md describes every table.
            """)

    func run() {
        Terminal.print(Self.document.pretty)
    }

    /// Datasette names a database after its file, without the extension.
    static let databaseName = String(Archive.databaseFileName.prefix { $0 != "." })

    static let document = JSONTree.object([
        ("title", .string("Sigmic archive")),
        ("description", .string("Tasks, messages, thoughts, tool calls and artifacts mirrored by sigmic-archive. "
                                + "Search search_doc for all of them at once.")),
        ("databases", .object([
            (databaseName, .object([
                ("tables", .object([
                    ("search_doc", .object([
                        ("description", .string("One row per searchable thing (kind: message, thought, tool, artifact), "
                                                 + "with its task, message or artifact.")),
                        ("fts_table", .string("search_fts")),
                        ("fts_pk", .string("id")),
                    ])),
                ])),
            ])),
        ])),
    ])
}
