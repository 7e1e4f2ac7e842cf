import ArchiveStore
import Foundation
import SigmicEmulator
import Testing
import TestSupport

/// SIGKILL `outbox send` at random instants with several items queued, then let it finish: every item
/// reaches the emulator exactly once (its create and follow-up counts), nothing is lost, and the
/// archive verifies clean.
@Suite struct OutboxCrashTests {
    @Test func aKilledOutboxSendSendsEachItemExactlyOnce() async throws {
        // CI runs a few rounds; tools/soak/outbox-soak runs many (SIGMIC_OUTBOX_CRASH_ROUNDS).
        let rounds = Int(ProcessInfo.processInfo.environment["SIGMIC_OUTBOX_CRASH_ROUNDS"] ?? "") ?? 4
        var random = SystemRandomNumberGenerator()
        var killed = 0
        var reconciled = 0
        for round in 0..<rounds {
            var config = EmulatorConfiguration()
            config.tasksPerKey = 3
            config.statusMix = [("completed", 1)]
            config.startDelay = 60                // sent work stays pending: it does not change under the test
            config.faults.slowFirstByte = 0.03    // a request in flight long enough to be killed inside
            let first = try await Emulator.start(config)
            let port = try #require(URLComponents(string: first.baseURL)?.port)
            let folder = try TempFolder("cli-outbox-crash")
            let env = ["SIGMIC_BASE_URL": first.baseURL, "SIGMIC_API_KEY": first.keys[0], "SIGMIC_ARCHIVE": folder.path("a").path]
            #expect(try await CommandRunner.runDetached(["sync"], environment: env).status == 0)
            let targets = try await Archive.open(at: folder.path("a")).tasks(TaskFilter()).map(\.id)
            await first.shutdown()
            for index in 0..<3 {
                let queued = try await CommandRunner.runDetached(["run", "job \(round)-\(index)", "--system-prompt", "round \(round)"], environment: env)
                #expect(queued.status == 75, "\(queued.stderr)")
            }
            for target in targets.prefix(2) {
                #expect(try await CommandRunner.runDetached(["reply", target, "and then \(target.prefix(4))"], environment: env).status == 75)
            }

            let second = try await Emulator.start(config, port: port)
            // A request whose sender was killed may still be handled 30 ms later (the emulator's slow
            // first byte) — much later on a loaded machine: two suites at once on 2 cores saw a killed
            // create handled more than 0.3 s later, and CI beside release builds and benchmarks more than
            // 1 s later, after its item was looked for, so it was sent twice. So an interrupted item is
            // looked for only after 3 s here (the request timeout, 60 s, by default).
            let send = ["outbox", "send", "--in-flight", "3"]
            for _ in 0..<40 {
                let delay = Double.random(in: 0...0.35, using: &random)
                if try await CommandRunner.killAfter(delay, send, environment: env) { killed += 1 } else { break }
            }
            // Until an interrupted item may be looked for, the send reports it waiting (exit 75).
            var finish = try await CommandRunner.runDetached(send, environment: env)
            let giveUp = Date().addingTimeInterval(60)
            while finish.status == 75 && Date() < giveUp { finish = try await CommandRunner.runDetached(send, environment: env) }
            #expect(finish.status == 0, "round \(round): \(finish.stderr)")
            let accepted = await second.world.acceptedRequests(key: 0)
            #expect(accepted.creates == 3 && accepted.followUps == 2, "round \(round): \(accepted)")
            let archive = try Archive.open(at: folder.path("a"))
            let items = try await archive.outbox()
            #expect(items.count == 5 && items.allSatisfy { $0.state == .sent }, "round \(round): \(items.map(\.state))")
            reconciled += items.filter { $0.note?.contains("found on the server") == true }.count
            let created = items.compactMap(\.remoteID)
            #expect(Set(created).count == 3, "round \(round): each create has its own task")
            let remote = await second.world.snapshot(key: 0)
            for item in items where item.kind == .create {
                #expect(remote.first { $0.id == item.remoteID }?.messages.first?.content.hasSuffix(item.message ?? "?") == true,
                        "round \(round): \(item.message ?? "")")
            }
            let report = try archive.verify()
            #expect(report.isClean, "round \(round): \(report.problems.prefix(3))")
            await second.shutdown()
        }
        #expect(killed > 0, "no send was still running when killed")
        print("outbox crash suite: \(rounds) rounds, \(killed) sends killed mid-run, \(reconciled) items found on the server after a kill, every item sent exactly once")
    }
}
