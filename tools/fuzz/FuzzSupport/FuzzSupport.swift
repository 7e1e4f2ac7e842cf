import Foundation

/// A fuzzer's command line, `NAME [MODE|all] [--count N] [--seed S]`: runs each chosen mode for N
/// inputs, prints one line per mode, and exits 0 only when no mode found a failure.
public func runFuzzModes(_ program: String, _ modes: [(name: String, run: (Int, UInt64) async throws -> Int)]) async throws -> Never {
    var chosen = "all"
    var count = 1_000_000
    var seed: UInt64 = 1
    var arguments = Array(CommandLine.arguments.dropFirst())
    while !arguments.isEmpty {
        let argument = arguments.removeFirst()
        switch argument {
        case "all": chosen = argument
        case _ where modes.contains { $0.name == argument }: chosen = argument
        case "--count": count = Int(arguments.isEmpty ? "" : arguments.removeFirst()) ?? count
        case "--seed": seed = UInt64(arguments.isEmpty ? "" : arguments.removeFirst()) ?? seed
        default:
            let names = (modes.map(\.name) + ["all"]).joined(separator: "|")
            FileHandle.standardError.write(Data("usage: \(program) [\(names)] [--count N] [--seed S]\n".utf8))
            exit(2)
        }
    }
    var total = 0
    for mode in modes where chosen == mode.name || chosen == "all" {
        let started = Date()
        let failures = try await mode.run(count, seed)
        print("\(mode.name): \(count) inputs, \(failures) failures, \(String(format: "%.1f", Date().timeIntervalSince(started))) s (seed \(seed))")
        total += failures
    }
    exit(total == 0 ? 0 : 1)
}
