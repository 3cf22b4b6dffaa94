import VigieCore

/// Fire candidates of one frame.
public struct FireCues: Sendable {
    /// Candidate regions, largest first.
    public var regions: [FireRegion]

    /// Cues with the given regions.
    public init(regions: [FireRegion] = []) { self.regions = regions }
}

/// One region with fire colours and fire behaviour.
public struct FireRegion: Sendable, Hashable {
    /// Extent in frame pixels.
    public var box: PixelRect
    /// Confidence, 0…1.
    public var score: Double

    /// A region from its box and score.
    public init(box: PixelRect, score: Double) {
        self.box = box
        self.score = score
    }
}

/// Finds fire in frames. (Skeleton: the fire issue fills it in.)
public struct FireDetector {
    /// A detector with default settings.
    public init() {}

    /// One frame's fire candidates.
    public mutating func process(_ frame: Frame) throws(FrameError) -> FireCues { FireCues() }
}
