import VigieCore

/// The camera's condition at one frame.
public struct TamperCues: Sendable {
    /// Whether the view looks tampered with at this frame (before any duration threshold).
    public var tampered: Bool

    /// Cues with the given state.
    public init(tampered: Bool = false) { self.tampered = tampered }
}

/// Watches the camera itself. (Skeleton: the tamper issue fills it in.)
public struct TamperDetector {
    /// A detector with default settings.
    public init() {}

    /// One frame's condition.
    public mutating func process(_ frame: Frame, foreground: Mask?, globalChange: Bool) throws(FrameError) -> TamperCues {
        TamperCues()
    }
}
