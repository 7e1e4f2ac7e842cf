public import Foundation

/// A stand-in for a server that is not the Sigmic API: a Python `http.server` on 127.0.0.1:0 that
/// answers every request with a fixed status, content type and body. The port is read from its first
/// line of output (never a sleep).
public final class FakeServer: @unchecked Sendable {
    public let url: String
    private let process: Process

    public init(status: Int = 200, contentType: String, body: String) throws {
        let script = """
            import http.server, sys
            body = sys.argv[3].encode()
            class H(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    self.send_response(int(sys.argv[1])); self.send_header("Content-Type", sys.argv[2])
                    self.send_header("Content-Length", str(len(body))); self.end_headers(); self.wfile.write(body)
                do_POST = do_GET
                def log_message(self, *args): pass
            server = http.server.HTTPServer(("127.0.0.1", 0), H)
            print(server.server_address[1], flush=True)
            server.serve_forever()
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, String(status), contentType, body]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line.append(byte)
        }
        self.process = process
        url = "http://127.0.0.1:" + String(decoding: line, as: UTF8.self)
    }

    /// Kills and reaps the server with plain system calls: Foundation's `waitUntilExit` spins a run loop,
    /// which on a concurrency thread can wait forever.
    deinit {
        let pid = process.processIdentifier
        kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
    }
}
