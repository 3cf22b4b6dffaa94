import VigieCore
import VigieKernels

/// Long- and short-term background models side by side, exposing *static foreground*: pixels
/// that differ from the long-term background but have been absorbed by the short-term one —
/// something that arrived and stopped (a bag put down, a parked vehicle, a person standing).
///
/// ```
///  frame ─┬─▶ long-term model  (slow, never absorbs) ──▶ foreground  F_long
///         └─▶ short-term model (absorbs in seconds)  ──▶ foreground  F_short
///  static foreground = F_long ∧ ¬F_short, with the time each pixel has been static
/// ```
///
/// `process` returns the long-term foreground (everything that is not the learned scene);
/// `staticForeground` and `staticSeconds(x:y:)` describe what has stopped. Abandoned-object
/// rules read them.
public struct DualRateBackground: BackgroundModel {
    /// Settings of the two models.
    public struct Configuration: Sendable, Hashable, Codable {
        /// The long-term model: slow learning, absorbs nothing for an hour.
        public var longTerm: AdaptiveBackground.Configuration = {
            var c = AdaptiveBackground.Configuration()
            c.backgroundSpeed = 5
            c.foregroundSpeed = 0.01
            c.absorbAfter = 3600
            return c
        }()
        /// The short-term model: absorbs a still object within a few seconds.
        public var shortTerm: AdaptiveBackground.Configuration = {
            var c = AdaptiveBackground.Configuration()
            c.backgroundSpeed = 60
            c.foregroundSpeed = 30
            c.absorbAfter = 2
            return c
        }()
        /// The defaults.
        public init() {}
    }

    /// `dual-rate`.
    public static let name = "dual-rate"
    /// The settings in use.
    public let configuration: Configuration
    /// True once both models are warm.
    public var isWarm: Bool { long.isWarm && short.isWarm }
    /// True when either model flagged a sudden global change on the last frame.
    public var sawGlobalChange: Bool { long.sawGlobalChange || short.sawGlobalChange }

    private var long: AdaptiveBackground
    private var short: AdaptiveBackground
    private var staticMask = Mask(width: 1, height: 1)
    /// Per pixel: the time (seconds) since which it has been static foreground, or -1.
    private var staticSince: [Float] = []
    private var now: Timestamp = .zero

    /// A model with the given settings.
    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
        long = AdaptiveBackground(configuration.longTerm)
        short = AdaptiveBackground(configuration.shortTerm)
    }

    /// Pixels foreground for the long-term model and background for the short-term one.
    public var staticForeground: Mask { staticMask }

    /// Seconds pixel (x, y) has been static foreground (0 when it is not).
    public func staticSeconds(x: Int, y: Int) -> Double {
        precondition(x >= 0 && y >= 0 && x < staticMask.width && y < staticMask.height, "(\(x), \(y)) outside the frame")
        let since = staticSince[y * staticMask.width + x]
        return since < 0 ? 0 : max(0, now.seconds - Double(since))
    }

    /// The longest static time inside a rectangle, seconds (for a blob of static foreground).
    public func longestStaticSeconds(in rect: PixelRect) -> Double {
        var oldest = Float.infinity
        for y in max(0, rect.y)..<min(staticMask.height, rect.y + rect.height) {
            for x in max(0, rect.x)..<min(staticMask.width, rect.x + rect.width) {
                let s = staticSince[y * staticMask.width + x]
                if s >= 0 && s < oldest { oldest = s }
            }
        }
        return oldest.isFinite ? max(0, now.seconds - Double(oldest)) : 0
    }

    /// Runs both models; returns the long-term foreground.
    /// - Throws: `FrameError.frameSizeChanged` or `.nonMonotonicTimestamp`.
    public mutating func process(_ frame: Frame) throws(FrameError) -> Mask {
        let longMask = try long.process(frame)
        let shortMask = try short.process(frame)
        now = frame.timestamp
        if staticSince.isEmpty {
            staticSince = [Float](repeating: -1, count: frame.width * frame.height)
            staticMask = Mask(width: frame.width, height: frame.height)
        }
        let t = Float(frame.timestamp.seconds)
        let w = frame.width
        staticMask.withMutablePixels { out in
            longMask.plane.withView { l in
                shortMask.plane.withView { s in
                    staticSince.withUnsafeMutableBufferPointer { since in
                        for y in 0..<out.height {
                            staticRow(long: l.row(y), short: s.row(y), out: out.row(y),
                                      since: since.baseAddress! + y * w, now: t, width: w)
                        }
                    }
                }
            }
        }
        return longMask
    }
}

/// static = long ∧ ¬short; `since` keeps when each pixel became static (-1 when not static).
@inline(__always)
func staticRow(long: UnsafePointer<UInt8>, short: UnsafePointer<UInt8>, out: UnsafeMutablePointer<UInt8>,
               since: UnsafeMutablePointer<Float>, now: Float, width: Int) {
    for x in 0..<width {
        let isStatic = long[x] & ~short[x]
        out[x] = isStatic
        let s = since[x]
        since[x] = isStatic == 0 ? -1 : (s < 0 ? now : s)
    }
}
