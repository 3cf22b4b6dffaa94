import VigieCore

/// Static objects at one frame.
public struct StaticObjectCues: Sendable {
    /// Objects that appeared and have stayed still.
    public var objects: [StaticObject]

    /// Cues with the given objects.
    public init(objects: [StaticObject] = []) { self.objects = objects }
}

/// One object that appeared and stopped.
public struct StaticObject: Sendable, Hashable {
    /// Extent in frame pixels.
    public var box: PixelRect
    /// Seconds it has been still.
    public var staticSeconds: Double

    /// An object from its box and static time.
    public init(box: PixelRect, staticSeconds: Double) {
        self.box = box
        self.staticSeconds = staticSeconds
    }
}

/// Finds objects that appeared and stopped. (Skeleton: the abandoned-object issue fills it in.)
public struct StaticObjectDetector {
    /// A detector with default settings.
    public init() {}

    /// One frame's static objects.
    public mutating func process(_ frame: Frame) throws(FrameError) -> StaticObjectCues { StaticObjectCues() }
}
