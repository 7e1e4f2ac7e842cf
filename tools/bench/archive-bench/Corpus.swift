import Foundation
import SeededRandom

/// A deterministic corpus of task conversations whose term frequencies are known, so search
/// benchmarks can ask for a rare term, a 1 % term, a 50 % term, a phrase and a prefix. Filler text is
/// drawn from a pseudo-word vocabulary (Zipf-like) that can never spell one of the planted terms.
struct Corpus {
    static let messagesPerTask = 10
    /// Planted terms: (text, one message in `every`, offset).
    static let rare = ("quetzalcoatl", 20_000, 7)
    static let onePercent = ("kubernetes", 100, 3)
    static let half = ("status", 2, 0)
    static let phrase = ("error budget", 200, 5)
    static let prefixWords = ["deploy", "deployment", "deployed", "deploying"]   // deplo*: 2 %
    static let prefixEvery = (50, 11)

    let vocabulary: [String]
    private var random: SeededRandom

    init(seed: UInt64 = 20_261_129) {
        random = SeededRandom(seed: seed)
        let syllables = ["ba", "ke", "ti", "mo", "ru", "sa", "ne", "li", "go", "vu", "fe", "da", "zo", "mi", "ha", "wu", "ro", "ki", "na", "te"]
        var words = Set<String>()
        var generator = SeededRandom(seed: seed ^ 0x5EED)
        while words.count < 6_000 {
            let count = 2 + Int(generator.next() % 3)
            words.insert((0..<count).map { _ in syllables[Int(generator.next() % UInt64(syllables.count))] }.joined())
        }
        vocabulary = words.sorted()
    }

    mutating func next() -> UInt64 { random.next() }

    /// The text of message number `index` (0-based over the whole corpus).
    mutating func message(_ index: Int) -> String {
        let length = 20 + Int(next() % 40)
        var words: [String] = []
        words.reserveCapacity(length + 6)
        for _ in 0..<length {
            let u = Double(next() % 1_000_000) / 1_000_000
            words.append(vocabulary[Int(Double(vocabulary.count - 1) * u * u * u)])
        }
        func plant(_ text: String) { words.insert(text, at: Int(next() % UInt64(words.count + 1))) }
        if index % Self.rare.1 == Self.rare.2 { plant(Self.rare.0) }
        if index % Self.onePercent.1 == Self.onePercent.2 { plant(Self.onePercent.0) }
        if index % Self.half.1 == Self.half.2 { plant(Self.half.0) }
        if index % Self.phrase.1 == Self.phrase.2 { plant(Self.phrase.0) }
        if index % Self.prefixEvery.0 == Self.prefixEvery.1 { plant(Self.prefixWords[index / Self.prefixEvery.0 % 4]) }
        return words.joined(separator: " ").prefix(1).uppercased() + words.joined(separator: " ").dropFirst() + "."
    }

    /// A fixed-width timestamp for message `index`: one minute apart from 2025-01-01.
    static func timestamp(_ index: Int) -> String {
        let seconds = 1_735_689_600 + index * 60
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.000Z", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    static func taskID(_ task: Int) -> String {
        let hex = String(format: "%012x", task)
        return "be0c0000-0000-4000-8000-\(hex)"
    }
}
