package import Foundation

/// Splits what arrives on stdin into lines, each byte looked at once: a 10 MB line in 64 KiB reads is
/// as quick as ten 1 MB ones (the old reader searched the whole pending text again after every read
/// and copied its rest after every line: 18 s for one 10 MB line). A line longer than `limit` is never
/// kept whole: it is reported once as `tooLong` and the rest of it, up to its newline, is dropped.
package struct LineReader {
    package enum Item: Equatable {
        case line(Data)
        case tooLong
    }

    /// 4 MiB: far above any request a client sends (a tool call's arguments), far below memory trouble.
    package static let standardLimit = 4 << 20

    let limit: Int
    private var pending = Data()
    private var discarding = false

    package init(limit: Int = LineReader.standardLimit) { self.limit = limit }

    package mutating func feed(_ chunk: Data) -> [Item] {
        var items: [Item] = []
        var rest = chunk[...]
        while !rest.isEmpty {
            let newline = rest.firstIndex(of: 0x0A)
            let segment = rest[..<(newline ?? rest.endIndex)]
            if !discarding {
                if pending.count + segment.count > limit {
                    items.append(.tooLong)
                    pending = Data()
                    discarding = true
                } else {
                    pending.append(contentsOf: segment)
                }
            }
            guard let newline else { break }
            if !discarding && !pending.isEmpty { items.append(.line(pending)) }
            pending = Data()
            discarding = false
            rest = rest[rest.index(after: newline)...]
        }
        return items
    }
}
