import VigieCore
import VigieKernels

/// A background model: a stage that takes frames and says which pixels belong to moving or
/// new things (foreground, 255) and which to the scene (background, 0).
///
/// A model allocates its state at the first frame and nothing per frame afterwards (the
/// returned mask shares the model's buffer until either is mutated). Its background estimate
/// is a raw image of the scene (a person who stands still is absorbed into it), so it is never
/// exposed publicly.
public protocol BackgroundModel: Stage where Input == Frame, Output == Mask {
    /// A short name for command lines and reports (`adaptive`, `sigma-delta`, `dual-rate`).
    static var name: String { get }
    /// Whether the model has seen enough frames for its masks to mean something.
    var isWarm: Bool { get }
    /// Whether the last frame changed so much at once (light switched, camera covered or moved)
    /// that its mask is not reliable; the model relearns quickly afterwards.
    var sawGlobalChange: Bool { get }
    /// Whether the foreground region of `mask` inside `box` (a blob of the model's cleaned mask
    /// for `frame`, the last frame processed) is a *ghost* — where something stood while the model
    /// learnt it and has since gone, so that the scene reappears there — and if so, takes the
    /// frame's pixels there as background at once, so the region is gone from the next mask.
    /// Models that cannot tell return false and keep the region.
    mutating func dissolveIfGhost(_ box: PixelRect, of mask: Mask, in frame: Frame) -> Bool
}

/// The background models `vigie motion --model` and `vigie eval cdnet --model` accept.
public enum BackgroundModelKind: String, CaseIterable, Sendable, Codable {
    /// `AdaptiveBackground`, the default: accurate and fast.
    case adaptive
    /// `SigmaDeltaBackground`: the fast, low-power baseline.
    case sigmaDelta = "sigma-delta"
    /// `DualRateBackground`: long- and short-term models, exposes static foreground.
    case dualRate = "dual-rate"

    /// A fresh model of this kind with default settings.
    public func makeModel() -> any BackgroundModel {
        switch self {
        case .adaptive: AdaptiveBackground()
        case .sigmaDelta: SigmaDeltaBackground()
        case .dualRate: DualRateBackground()
        }
    }
}

/// Frames per second estimated from timestamps, for turning durations into frame counts.
struct FrameClock {
    private(set) var frames = 0
    private var first: Timestamp?
    private(set) var last: Timestamp?

    /// Records a frame's time. - Throws: `FrameError.nonMonotonicTimestamp` if it does not advance.
    mutating func tick(_ t: Timestamp) throws(FrameError) {
        if let last, t <= last { throw .nonMonotonicTimestamp(previous: last, current: t) }
        if first == nil { first = t }
        last = t
        frames += 1
    }

    /// Mean frame interval in seconds (1/25 until two frames are seen).
    var interval: Double {
        guard let first, let last, frames > 1 else { return 1.0 / 25 }
        return max(1e-3, (last.seconds - first.seconds) / Double(frames - 1))
    }

    /// A duration in seconds as a frame count, at least 1.
    func frames(for seconds: Double) -> Int { max(1, Int((seconds / interval).rounded())) }
}

/// Runs `body` with views of the frame's chroma planes, or with nil for a luma-only frame: the
/// models open them once per frame, not once per row.
func withChromaViews<R>(of frame: Frame, _ body: (ImageView?, ImageView?) -> R) -> R {
    guard let cb = frame.cb, let cr = frame.cr else { return body(nil, nil) }
    return cb.withView { cbView in cr.withView { crView in body(cbView, crView) } }
}
