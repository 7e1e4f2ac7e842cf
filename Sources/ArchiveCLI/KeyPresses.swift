import Foundation

/// Single key presses from the terminal, for `replay`: the terminal is put in a mode where a key
/// reaches the program without Enter and is not echoed (Ctrl-C still interrupts), and put back as it
/// was by `restore()` — also when the replay is stopped.
final class KeyPresses: @unchecked Sendable {
    private var saved = termios()
    private let lock = NSLock()
    private var active = false

    /// Starts reading keys when standard input is a terminal; nil otherwise.
    static func start(_ onKey: @escaping @Sendable (UInt8) -> Void) -> KeyPresses? {
        guard isatty(STDIN_FILENO) == 1 else { return nil }
        let keys = KeyPresses()
        guard tcgetattr(STDIN_FILENO, &keys.saved) == 0 else { return nil }
        var raw = keys.saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutablePointer(to: &raw.c_cc) { cc in
            cc.withMemoryRebound(to: cc_t.self, capacity: Int(NCCS)) { $0[Int(VMIN)] = 1; $0[Int(VTIME)] = 0 }
        }
        guard tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0 else { return nil }
        keys.active = true
        // Reading blocks, so it has a thread of its own (the concurrency pool's few threads must not).
        Thread {
            var byte: UInt8 = 0
            while read(STDIN_FILENO, &byte, 1) == 1 { onKey(byte) }
        }.start()
        return keys
    }

    /// Puts the terminal back as it was.
    func restore() {
        lock.withLock {
            guard active else { return }
            active = false
            _ = tcsetattr(STDIN_FILENO, TCSANOW, &saved)
        }
    }

    deinit { restore() }
}
