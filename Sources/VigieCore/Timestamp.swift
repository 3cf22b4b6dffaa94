/// A presentation timestamp: the time at which a frame was captured, in nanoseconds from
/// the start of its stream. Rules read time from frames, never from a clock.
public struct Timestamp: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Nanoseconds from the start of the stream.
    public var nanoseconds: Int64

    /// A timestamp in nanoseconds.
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// A timestamp in seconds (rounded to the nanosecond).
    public init(seconds: Double) { self.nanoseconds = Int64((seconds * 1e9).rounded()) }

    /// The timestamp of frame `index` (0-based) of a stream running at `framesPerSecond`.
    public init(frameIndex index: Int, framesPerSecond: Double) {
        precondition(framesPerSecond > 0, "frame rate must be positive, got \(framesPerSecond)")
        self.init(seconds: Double(index) / framesPerSecond)
    }

    /// Seconds from the start of the stream.
    public var seconds: Double { Double(nanoseconds) / 1e9 }

    /// Zero: the start of a stream.
    public static let zero = Timestamp(nanoseconds: 0)

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.nanoseconds < b.nanoseconds }

    /// Seconds, with millisecond precision: `12.345s`.
    public var description: String {
        let ms = nanoseconds / 1_000_000
        let sign = ms < 0 ? "-" : ""
        let a = abs(ms)
        let frac = String(a % 1000)
        return "\(sign)\(a / 1000).\(String(repeating: "0", count: 3 - frac.count))\(frac)s"
    }
}
