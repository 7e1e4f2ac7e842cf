import ArchiveStore
import ArgumentParser
import Foundation

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that every byte of the archive is intact; exit 1 if anything is wrong.",
        discussion: """
            Runs SQLite's integrity and foreign-key checks, checks both search indexes against the text \
            they index, re-hashes every artifact blob, and lists blobs that are missing, damaged or \
            unreferenced. --repair rebuilds damaged search indexes, forgets missing or damaged blobs \
            (the next sync downloads them again) and deletes unreferenced blob files; damage inside the \
            database itself is reported, never patched over.
            """)

    @OptionGroup var options: ArchiveOptions

    @Flag(help: "Fix what can be fixed (see above).")
    var repair = false
    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() async throws {
        let progress = ProgressDisplay(enabled: !json && Terminal.stderrIsTerminal)
        let archive = try await options.openExistingWritable()
        let lock = repair ? try archive.claimWriter(purpose: "verify --repair") : nil
        defer { withExtendedLifetime(lock) {} }
        let report = try await archive.verify(repair: repair) { bytes in
            progress.update("verifying blobs: \(Status.bytes(bytes)) hashed")
        }
        progress.finish()
        if json {
            try Terminal.printJSON(report)
        } else {
            for problem in report.problems {
                var line = "\(problem.kind.rawValue): \(problem.detail)"
                if let fix = problem.repair { line += report.repaired ? " — repaired: \(fix)" : " (--repair: \(fix))" }
                Terminal.print(line)
            }
            if let writer = report.writer {
                Terminal.print("note: \(writer) is writing to the archive; search entries it has not indexed yet and blob files it has not committed yet are not counted as problems")
            }
            if report.awaitingPurge > 0 {
                Terminal.print("note: \(report.awaitingPurge) unlinked stored file\(report.awaitingPurge == 1 ? "" : "s") wait\(report.awaitingPurge == 1 ? "s" : "") "
                               + "for the purge of a redact or forget that did not finish; the next one deletes \(report.awaitingPurge == 1 ? "it" : "them")")
            }
            if report.awaitingSync > 0 {
                Terminal.print("note: \(report.awaitingSync) stored file\(report.awaitingSync == 1 ? "" : "s") from the last sync, which did not finish, wait\(report.awaitingSync == 1 ? "s" : "") for the next sync to name \(report.awaitingSync == 1 ? "it" : "them")")
            }
            let summary = "\(report.blobsChecked) blobs (\(Status.bytes(report.bytesHashed))) re-hashed; database and search indexes checked"
            if report.isClean {
                Terminal.print("OK: " + summary + "; no problems.")
            } else {
                Terminal.print("\(report.problems.count) problem\(report.problems.count == 1 ? "" : "s") found" + (report.repaired ? " (repairs applied; run verify again)" : "") + "; " + summary + ".")
            }
        }
        let unrepaired = report.problems.contains { !report.repaired || $0.repair == nil }
        if unrepaired { throw ExitCode(1) }
    }
}
