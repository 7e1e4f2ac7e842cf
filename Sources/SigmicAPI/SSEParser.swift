/// One dispatched server-sent event.
public struct SSEEvent: Sendable, Equatable {
    /// The `event:` field, or "message" when none was given.
    public var type: String
    /// The `data:` lines joined with "\n".
    public var data: String
    /// The last event id seen on this stream so far (it persists across events).
    public var lastEventID: String

    public init(type: String = "message", data: String, lastEventID: String = "") {
        self.type = type
        self.data = data
        self.lastEventID = lastEventID
    }
}

public enum SSEParseError: Error, Sendable, Equatable, CustomStringConvertible {
    case lineTooLong(limit: Int)
    case eventTooLarge(limit: Int)

    public var description: String {
        switch self {
        case .lineTooLong(let limit): return "an event-stream line is longer than \(limit) bytes"
        case .eventTooLarge(let limit): return "an event's data is larger than \(limit) bytes"
        }
    }
}

/// An incremental parser for `text/event-stream`, following the WHATWG HTML "event stream
/// interpretation" rules (https://html.spec.whatwg.org/multipage/server-sent-events.html):
/// bytes in, events out, in any chunking.
///
/// - Lines end with CRLF, LF or CR — including a CR that ends one chunk whose LF starts the next.
/// - One leading U+FEFF (BOM) at the start of the stream is dropped.
/// - `:comment` lines are ignored; a line without a colon is a field with an empty value; one space
///   after the colon is stripped.
/// - `data` lines are joined with LF; `event` sets the type; `id` sets the last event id unless it
///   contains NUL, and persists; `retry` is taken only when all ASCII digits.
/// - A blank line dispatches; an event with no data is not dispatched; an unterminated final event is
///   discarded. Lines are split on bytes, so a UTF-8 character split across chunks decodes whole
///   (invalid UTF-8 becomes U+FFFD, as the spec's decoder does).
/// - Memory is bounded: a line over `maxLineBytes` or an event over `maxEventBytes` is an error.
public struct SSEParser: Sendable {
    public let maxLineBytes: Int
    public let maxEventBytes: Int
    /// The reconnection time the server asked for with `retry:`, in milliseconds.
    public private(set) var retryMilliseconds: Int?
    public private(set) var lastEventID = ""

    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var eventType: [UInt8] = []
    private var afterCR = false
    private var atStreamStart = true

    public init(maxLineBytes: Int = 8 << 20, maxEventBytes: Int = 32 << 20) {
        self.maxLineBytes = maxLineBytes
        self.maxEventBytes = maxEventBytes
    }

    /// Feeds the next bytes of the stream; returns the events they complete.
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws -> [SSEEvent] {
        var events: [SSEEvent] = []
        let handled: Void? = try bytes.withContiguousStorageIfAvailable { buffer in
            try feed(buffer, into: &events)
        }
        if handled == nil {
            let copy = Array(bytes)
            try copy.withUnsafeBufferPointer { try feed($0, into: &events) }
        }
        return events
    }

    private mutating func feed(_ buffer: UnsafeBufferPointer<UInt8>, into events: inout [SSEEvent]) throws {
        var index = 0
        let count = buffer.count
        if afterCR, index < count {
            afterCR = false
            if buffer[0] == 0x0A { index = 1 }  // the LF of a CRLF split across chunks
        }
        while index < count {
            // Scan to the next CR or LF; everything before it belongs to the current line.
            var end = index
            while end < count, buffer[end] != 0x0A, buffer[end] != 0x0D { end += 1 }
            if end > index {
                guard line.count + (end - index) <= maxLineBytes else { throw SSEParseError.lineTooLong(limit: maxLineBytes) }
                line.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[index..<end]))
            }
            guard end < count else { break }
            if buffer[end] == 0x0D {
                if end + 1 < count {
                    if buffer[end + 1] == 0x0A { index = end + 2 } else { index = end + 1 }
                } else {
                    afterCR = true
                    index = end + 1
                }
            } else {
                index = end + 1
            }
            if let event = try processLine() { events.append(event) }
        }
    }

    /// Ends the stream: a final event without its blank line is discarded, as the spec says.
    public mutating func finish() {
        line.removeAll()
        data.removeAll()
        hasData = false
        eventType.removeAll()
        afterCR = false
    }

    private mutating func processLine() throws -> SSEEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        if atStreamStart {
            atStreamStart = false
            if line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
        }
        if line.isEmpty { return dispatch() }
        if line[0] == 0x3A { return nil }  // ':' comment
        let colon = line.firstIndex(of: 0x3A)
        let nameEnd = colon ?? line.count
        var valueStart = colon.map { $0 + 1 } ?? line.count
        if valueStart < line.count, line[valueStart] == 0x20 { valueStart += 1 }
        let name = line[0..<nameEnd]
        let value = line[valueStart...]
        if name.elementsEqual("data".utf8) {
            guard data.count + value.count + 1 <= maxEventBytes else { throw SSEParseError.eventTooLarge(limit: maxEventBytes) }
            data.append(contentsOf: value)
            data.append(0x0A)
            hasData = true
        } else if name.elementsEqual("event".utf8) {
            eventType = Array(value)
        } else if name.elementsEqual("id".utf8) {
            if !value.contains(0) { lastEventID = String(decoding: value, as: UTF8.self) }
        } else if name.elementsEqual("retry".utf8) {
            if !value.isEmpty, value.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let number = Int(String(decoding: value, as: UTF8.self)) {
                retryMilliseconds = number
            }
        }
        return nil
    }

    private mutating func dispatch() -> SSEEvent? {
        defer {
            data.removeAll(keepingCapacity: true)
            hasData = false
            eventType.removeAll(keepingCapacity: true)
        }
        guard hasData else { return nil }
        data.removeLast()  // the LF after the last data line
        return SSEEvent(type: eventType.isEmpty ? "message" : String(decoding: eventType, as: UTF8.self),
                        data: String(decoding: data, as: UTF8.self), lastEventID: lastEventID)
    }
}
