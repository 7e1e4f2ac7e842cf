import ArchiveStore
import ArchiveSync
import ArgumentParser

struct RetentionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Forget tasks inactive for longer than a period, on a schedule: `watch` applies it once a day.",
        discussion: """
            --keep 90d (or 12w, 1y) keeps the policy in the archive: tasks last active more than that long ago \
            are forgotten — as `forget` does, tombstones and purge included — by `watch` once a day, and now \
            by --apply. Pinned tasks (`pin`) are never forgotten. Without --apply it only shows the policy \
            and what it would forget now. --off removes the policy. Each run is recorded in the audit.
            """)

    @OptionGroup var options: ArchiveOptions

    @Option(help: ArgumentHelp("Keep tasks this long after their last activity: 90d, 12w, 1y.", valueName: "period"))
    var keep: String?

    @Flag(help: "Remove the policy.")
    var off = false

    @Flag(help: "Forget what the policy says is due, now.")
    var apply = false

    @Flag(help: "Print the result as JSON.")
    var json = false

    func validate() throws {
        if let keep, RetentionPolicy(parsing: keep) == nil {
            throw ValidationError("--keep \(String(reflecting: keep)) is not a period: give days, weeks or years, such as 90d, 12w or 1y")
        }
        if off && (keep != nil || apply) { throw ValidationError("--off takes nothing else") }
    }

    func run() async throws {
        let archive = try await options.openExistingWritable()
        if off {
            try await archive.write { writer in
                try writer.setSetting(.retentionKeep, to: nil)
                try writer.setSetting(.retentionAppliedAt, to: nil)
            }
            Terminal.note("no retention policy: tasks are kept until forgotten")
            return
        }
        if let keep, let policy = RetentionPolicy(parsing: keep) {
            try await archive.write { try $0.setSetting(.retentionKeep, to: policy.text) }
        }
        guard let policy = try await Retention.policy(of: archive) else {
            throw CLIError(description: "this archive has no retention policy; set one with --keep 90d")
        }
        let retention = Retention()
        guard apply else {
            let due = try await retention.due(policy, in: archive)
            if json {
                try Terminal.printJSON(RetentionPreview(keep: policy.text, due: due.map(ForgetCandidate.init)))
            } else {
                for task in due { Terminal.print(ForgetCandidate(task).line) }
            }
            Terminal.note("keeping tasks for \(policy.text) after their last activity, pinned ones for good: "
                          + "\(counted(due.count, "task")) due (`retention --apply` forgets them now; `watch` does daily)")
            return
        }
        let lock = try archive.claimWriter(purpose: "retention")
        defer { withExtendedLifetime(lock) {} }
        let result = try await retention.apply(policy, to: archive)
        if json {
            try Terminal.printJSON(ForgetSummary(result))
        } else {
            for task in result.forgotten { Terminal.print(task.remoteID) }
        }
        Terminal.note("retention \(policy.text): forgot \(counted(result.forgotten.count, "task"))")
    }
}

/// What `retention --json` prints without --apply.
struct RetentionPreview: Encodable {
    let keep: String
    let due: [ForgetCandidate]
}
