@testable import ArchiveMCP
import Testing

/// Pages of a transcript, built from parts of known sizes: within their size, in order, whole, and
/// always moving forward.
struct TranscriptPagesTests {
    static func pages(header: Int, messages: [Int], artifacts: Int) -> TranscriptPages {
        TranscriptPages(header: String(repeating: "h", count: header),
                        messages: messages.enumerated().map { index, size in String(repeating: Character(String(index)), count: size) },
                        artifacts: String(repeating: "a", count: artifacts))
    }

    /// Follows `next` from the start, as an agent would.
    static func all(_ pages: TranscriptPages, maxChars: Int) -> [TranscriptPages.Page] {
        var out: [TranscriptPages.Page] = []
        var position = TranscriptPages.Position(message: 0, character: 0)
        while out.count < 1_000 {
            let page = pages.page(from: position, maxChars: maxChars)
            out.append(page)
            guard let next = page.next else { break }
            position = next
        }
        return out
    }

    @Test(arguments: [
        (10, [100, 100, 100], 10, 1000),   // all on one page
        (10, [600, 600], 0, 1000),        // a message that does not fit starts the next page
        (10, [2500, 30], 20, 1000),       // one message over three pages
        (0, [], 0, 1000),                 // an empty task
        (10, [999, 1, 999], 5, 1000),     // exact fits
        (5, [1200, 1200, 1200], 3000, 1000),
    ])
    func pagesAreWithinTheirSizeAndTogetherAreTheWholeTranscript(header: Int, messages: [Int], artifacts: Int, maxChars: Int) {
        let pages = Self.pages(header: header, messages: messages, artifacts: artifacts)
        let all = Self.all(pages, maxChars: maxChars)
        #expect(all.count < 1_000, "paging ends")
        for page in all { #expect(page.text.count <= maxChars, "a page of \(page.text.count)") }
        #expect(all.map(\.text).joined() == pages.header + pages.messages.joined() + pages.artifacts)
        #expect(all.last?.next == nil)
    }

    @Test func aMessageThatFitsOnAPageOfItsOwnIsNotSplit() {
        let pages = Self.pages(header: 10, messages: [600, 600], artifacts: 0)
        let first = pages.page(from: .init(message: 0, character: 0), maxChars: 1000)
        #expect(first.text.count == 610 && first.next == .init(message: 1, character: 0))
    }

    @Test func aPageFromTheMiddleOfAMessageGoesOnFromThere() {
        let pages = Self.pages(header: 0, messages: [2500], artifacts: 0)
        let page = pages.page(from: .init(message: 0, character: 1000), maxChars: 1000)
        #expect(page.text.count == 1000 && page.next == .init(message: 0, character: 2000))
    }
}
