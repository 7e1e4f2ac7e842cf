/// An asciicast v2 recording (https://docs.asciinema.org/manual/asciicast/v2/): a header line, then one
/// `[time, "o", text]` line per piece of output. Written the same way for the same input: the header's
/// keys in a fixed order, times with six decimals. Pure.
public struct Asciicast: Sendable {
    public let width: Int
    public let height: Int
    /// The recording's start, in seconds since 1970 (the task's first recorded event).
    public let timestamp: Int
    public let idleTimeLimit: Double
    public let title: String

    public init(width: Int, height: Int, timestamp: Int, idleTimeLimit: Double, title: String) {
        (self.width, self.height, self.timestamp, self.idleTimeLimit, self.title) = (width, height, timestamp, idleTimeLimit, title)
    }

    public var header: String {
        #"{"version": 2, "width": \#(width), "height": \#(height), "timestamp": \#(timestamp), "idle_time_limit": \#(Self.seconds(idleTimeLimit)), "title": \#(Self.string(title))}"#
    }

    /// One piece of terminal output at `time` seconds.
    public static func output(at time: Double, _ text: String) -> String {
        "[\(seconds(time)), \"o\", \(string(text))]"
    }

    /// Seconds with six decimals, as every time the project writes in JSON (`Documents.sixDecimals`).
    static func seconds(_ value: Double) -> String {
        Documents.sixDecimals(max(0, value))
    }

    /// A JSON string, escaped as every JSON document of the project is (`JSONTree`): the terminal's
    /// escape sequences become `\u001b`.
    static func string(_ text: String) -> String {
        var out = ""
        JSONTree.writeString(text, to: &out)
        return out
    }
}
