public import Testing

/// CI's bounded share of the fuzzers (`tools/fuzz/run` runs millions by hand; see RELIABILITY.md): one
/// mode of a fuzz program on a fresh seed, which its output names when a run fails.
public enum FuzzRun {
    public static func expectNoFailures(_ program: String, mode: String, count: Int = 20_000,
                                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try CommandRunner.run([mode, "--count", "\(count)", "--seed", "\(UInt32.random(in: 1...UInt32.max))"],
                                           executable: try CommandRunner.binary(program))
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stdout.contains("\(count) inputs, 0 failures"), "\(result.stdout)", sourceLocation: sourceLocation)
    }
}
