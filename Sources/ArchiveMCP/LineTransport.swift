import Foundation
import Logging
import MCP

/// MCP over stdin/stdout, one JSON-RPC message per line, with a reader thread that blocks on `read`.
/// The SDK's `StdioTransport` sets stdin non-blocking and, when nothing is there, sleeps 10 ms before
/// looking again — so each request of a client that waits for the answer before sending the next (as
/// agents do) waited up to 10 ms before it was even read: a `search` call took 10.2 ms round trip
/// where the search itself took 1 (BENCHMARKS.md, mcp).
actor LineTransport: Transport {
    nonisolated let logger = Logger(label: "sigmic-archive.mcp", factory: { _ in SwiftLogNoOpLogHandler() })
    private let messages: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    private var reader: Thread?

    init() {
        (messages, continuation) = AsyncThrowingStream<Data, any Error>.makeStream()
    }

    func connect() async throws {
        guard reader == nil else { return }
        let continuation = self.continuation
        let thread = Thread { [self] in
            var lines = LineReader()
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                if count <= 0 { break }   // end of input: the client is gone
                for item in lines.feed(Data(buffer[..<count])) {
                    let verdict: JSONRPCGate.Verdict
                    switch item {
                    case .tooLong: verdict = .answer(JSONRPCGate.tooLong)
                    case .line(let line): verdict = JSONRPCGate.check(line)
                    }
                    switch verdict {
                    case .forward:
                        if case .line(let line) = item { continuation.yield(line) }
                    case .answer(let reply):
                        Task { try? await self.send(reply) }
                    }
                }
            }
            continuation.finish()
        }
        thread.name = "mcp-stdin"
        thread.start()
        reader = thread
    }

    func disconnect() async {
        continuation.finish()
    }

    /// Writes the message and its newline in full (stdout stays blocking: a slow client slows us, and
    /// nothing is dropped).
    func send(_ data: Data) async throws {
        var message = ErrorEcho.trimmed(data)
        message.append(0x0A)
        try message.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { throw MCPError.transportError(POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)) }
                offset += written
            }
        }
    }

    nonisolated func receive() -> AsyncThrowingStream<Data, any Error> {
        messages
    }
}
