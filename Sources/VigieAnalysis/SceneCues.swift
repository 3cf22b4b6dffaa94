import VigieCore

/// Frame-level cues the hard-event rules read (fire, tamper, static objects), computed once per
/// frame by ``SceneAnalysers`` and handed to every rule through `RuleInput.cues`.
///
/// Cues are geometry and measurements only: a box, a score, a time. No pixels leave an analyser.
/// A member is nil when its analyser does not run (no rule of the scene needs it).
public struct SceneCues: Sendable {
    /// Fire candidates of this frame; nil when no fire analyser runs.
    public var fire: FireCues?
    /// The camera's condition (covered, moved, defocused, blinded, frozen); nil when no tamper
    /// analyser runs.
    public var tamper: TamperCues?
    /// Objects that appeared and stopped (or were taken away); nil when no static-object
    /// analyser runs.
    public var staticObjects: StaticObjectCues?

    /// Cues with the given members (each nil by default).
    public init(fire: FireCues? = nil, tamper: TamperCues? = nil, staticObjects: StaticObjectCues? = nil) {
        self.fire = fire
        self.tamper = tamper
        self.staticObjects = staticObjects
    }
}
