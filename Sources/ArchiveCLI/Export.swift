import ArchiveExport
import ArchiveStore
import ArgumentParser
import Foundation

struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write tasks as Markdown (or JSON) transcripts, one file per task (offline).",
        discussion: """
            Choose tasks by id (unique prefixes work), or with --all, --query and the task filters --status, \
            --since, --until and --account (which narrow each other). Files are named \
            YYYY-MM-DD-<title>-<id8>.md; exporting again rewrites only the \
            files whose content changed, so an export folder under git shows real changes only. \
            --with-artifacts copies each task's downloaded artifacts into <name>.files/ beside its file \
            (under safe names) and links them. `-o -` prints one task to standard output, and `-o FILE` \
            with the format's extension (.md, .json, .cast) writes one task to that file. --format asciicast \
            writes the task's recorded live events as an asciicast v2 recording (`asciinema play FILE`), \
            paced as `replay` paces them.
            """)

    @OptionGroup var options: ArchiveOptions

    @Argument(help: "Task ids or unique id prefixes.")
    var ids: [String] = []
    @Flag(help: "Every task in the archive.")
    var all = false
    @Option(help: ArgumentHelp("Tasks with an entry matching this search query.", valueName: "query"))
    var query: String?
    @OptionGroup var filters: TaskFilterOptions
    @Option(help: ArgumentHelp("markdown, json, or asciicast (the recorded live events as a terminal recording).", valueName: "format"))
    var format: FormatOption = .markdown
    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Folder to write into, or - for standard output.", valueName: "dir"))
    var output = "."
    @Flag(help: "Copy each task's artifacts beside its transcript and link them.")
    var withArtifacts = false
    @Flag(help: "Print the summary as JSON.")
    var json = false

    enum FormatOption: String, ExpressibleByArgument, CaseIterable {
        case markdown, json, asciicast
        var exporter: Exporter.Format {
            switch self {
            case .markdown: .markdown
            case .json: .json
            case .asciicast: .asciicast
            }
        }
    }

    func validate() throws {
        guard !ids.isEmpty || all || query != nil || !filters.isEmpty else {
            throw ValidationError("choose tasks: give ids, or --all, --query or a filter (--status, --since, --until, --account)")
        }
        guard !output.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("-o needs a folder (or - for standard output); an empty one would mean the current folder by accident")
        }
        if (output == "-" || namesOneFile) && withArtifacts {
            throw ValidationError("--with-artifacts needs a folder (-o DIR), not \(output == "-" ? "standard output" : "one file")")
        }
        if format == .asciicast && withArtifacts {
            throw ValidationError("--with-artifacts goes with Markdown transcripts; an asciicast recording has no links")
        }
    }

    func run() async throws {
        let archive = try await options.openReader()
        let tasks = try await selectedTasks(archive)
        let exporter = try await Exporter(archive: archive, format: format.exporter, withArtifacts: withArtifacts)
        if output == "-" || namesOneFile {
            guard tasks.count == 1 else {
                let what = output == "-" ? "-o - prints one task" : "-o \(output) writes one task"
                throw CLIError(description: "\(what), and \(tasks.count) were chosen; give one id or an output folder")
            }
            if output == "-" {
                await FileHandle.standardOutput.write(Data(try exporter.render(tasks[0]).text.utf8))
            } else {
                try await writeOneFile(tasks[0], exporter: exporter)
            }
            return
        }
        if tasks.isEmpty {
            Terminal.note("no tasks match; nothing exported")
            return
        }
        let folder = URL(fileURLWithPath: output)
        let progress = ProgressDisplay(enabled: !json && Terminal.stderrIsTerminal && tasks.count > 20)
        let summary: Exporter.Summary
        do {
            summary = try await exporter.export(tasks, to: folder) { done, total in
                progress.update("exporting \(done)/\(total) tasks")
            }
        } catch let failure as Exporter.Failure {
            progress.finish()
            throw CLIError(description: failure.description)
        }
        progress.finish()
        if json {
            try Terminal.printJSON(summary)
            return
        }
        var line = "Exported \(summary.tasks) task\(summary.tasks == 1 ? "" : "s") to \(folder.path): "
            + "\(summary.written) written (\(Status.bytes(summary.bytes))), \(summary.unchanged) unchanged"
        if withArtifacts {
            line += "; artifacts: \(summary.artifactsCopied) copied, \(summary.artifactsUnchanged) unchanged"
            if summary.artifactsMissing > 0 { line += ", \(summary.artifactsMissing) not downloaded yet (run sync)" }
        }
        Terminal.print(line)
    }

    /// `-o NAME.cast` (the format's own extension) names a file rather than a folder.
    var namesOneFile: Bool {
        output.hasSuffix("." + format.exporter.fileExtension) && !FileManager.default.fileExists(atPath: output + "/")
    }

    func writeOneFile(_ task: StoredTask, exporter: Exporter) async throws {
        let file = URL(fileURLWithPath: output)
        let written: Bool
        do {
            written = try await exporter.write(task, toFile: file)
        } catch let failure as Exporter.Failure {
            throw CLIError(description: failure.description)
        }
        if json {
            var summary = Exporter.Summary()
            (summary.tasks, summary.written, summary.unchanged, summary.files) = (1, written ? 1 : 0, written ? 0 : 1, [file.lastPathComponent])
            try Terminal.printJSON(summary)
        } else {
            Terminal.print("Exported task \(task.remoteID) to \(file.path)" + (written ? "" : " (unchanged)"))
        }
    }

    /// Ids (resolved like git prefixes), then the filtered set; each task once, in that order.
    func selectedTasks(_ archive: any ArchiveReader) async throws -> [StoredTask] {
        var chosen: [StoredTask] = []
        var seen = Set<Int64>()
        func add(_ task: StoredTask) {
            if seen.insert(task.rowID.rawValue).inserted { chosen.append(task) }
        }
        for id in ids { add(try await archive.task(matching: id)) }
        if all || query != nil || !filters.isEmpty {
            var tasks = try await archive.storedTasks(filters.filter)
            if let query {
                let matching = Set(try await archive.storedTasks(matching: SearchQuery.parse(query)).map(\.rowID.rawValue))
                tasks = tasks.filter { matching.contains($0.rowID.rawValue) }
            }
            tasks.forEach(add)
        }
        return chosen
    }
}
