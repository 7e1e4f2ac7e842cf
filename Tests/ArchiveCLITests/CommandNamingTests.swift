import ArchiveCLI
import ArgumentParser
import Testing

/// Every command names itself. Without a name, the argument parser derives one from the type with
/// `String(describing:)`, whose protocol-conformance lookups each scan every conformance in the binary:
/// for our twenty-odd commands that was 4 ms of every start, `--version` included (BENCHMARKS.md, Start-up).
@Suite struct CommandNamingTests {
    @Test func everyCommandNamesItself() {
        var unnamed: [String] = []
        func visit(_ command: any ParsableCommand.Type) {
            if command.configuration.commandName == nil { unnamed.append("\(command)") }
            command.configuration.subcommands.forEach(visit)
        }
        visit(SigmicArchive.self)
        #expect(unnamed.isEmpty, "give these a commandName in their CommandConfiguration: \(unnamed)")
    }
}
