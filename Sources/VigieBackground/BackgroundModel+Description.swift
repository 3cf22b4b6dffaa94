// Background models hold raw images of the scene (a person standing still is absorbed into
// them), so they describe and reflect their name and state flags only, never their buffers.

extension AdaptiveBackground: CustomStringConvertible, CustomReflectable {
    /// Name and state only: `AdaptiveBackground(warm: true)`.
    public var description: String { "AdaptiveBackground(warm: \(isWarm))" }
    /// Name and state only.
    public var customMirror: Mirror { Mirror(self, children: ["warm": isWarm, "globalChange": sawGlobalChange]) }
}

extension SigmaDeltaBackground: CustomStringConvertible, CustomReflectable {
    /// Name and state only.
    public var description: String { "SigmaDeltaBackground(warm: \(isWarm))" }
    /// Name and state only.
    public var customMirror: Mirror { Mirror(self, children: ["warm": isWarm, "globalChange": sawGlobalChange]) }
}

extension DualRateBackground: CustomStringConvertible, CustomReflectable {
    /// Name and state only.
    public var description: String { "DualRateBackground(warm: \(isWarm))" }
    /// Name and state only.
    public var customMirror: Mirror { Mirror(self, children: ["warm": isWarm, "globalChange": sawGlobalChange]) }
}

extension MotionPipeline: CustomStringConvertible, CustomReflectable {
    /// The model's description.
    public var description: String { "MotionPipeline(\(model))" }
    /// The model's description only.
    public var customMirror: Mirror { Mirror(self, children: ["model": String(describing: model)]) }
}
