import VigieCore

/// The frame-level analysers a scene's rules need, run once per frame beside the motion chain:
///
/// ```
/// frame ─┬─▶ background ─▶ cleanup ─▶ blobs ─▶ tracker ─┐
///        └─▶ SceneAnalysers (fire, tamper, static objects) ─┴─▶ rules
/// ```
///
/// Only the analysers asked for run, so a scene without fire rules pays nothing for fire.
public struct SceneAnalysers {
    /// The fire analyser, if running.
    public var fire: FireDetector?
    /// The tamper analyser, if running.
    public var tamper: TamperDetector?
    /// The static-object analyser, if running.
    public var staticObjects: StaticObjectDetector?

    /// Analysers with the given members (each off by default).
    public init(fire: FireDetector? = nil, tamper: TamperDetector? = nil, staticObjects: StaticObjectDetector? = nil) {
        self.fire = fire
        self.tamper = tamper
        self.staticObjects = staticObjects
    }

    /// Whether no analyser runs.
    public var isEmpty: Bool { fire == nil && tamper == nil && staticObjects == nil }

    /// Runs every analyser on one frame.
    /// - Parameters:
    ///   - frame: the frame (never kept beyond what each analyser's own state needs).
    ///   - foreground: the frame's cleaned foreground mask from the motion stage, nil while the
    ///     background model is not warm.
    ///   - globalChange: whether the background model flagged a sudden global change on this frame.
    /// - Throws: `FrameError` (size change, time not advancing).
    public mutating func process(_ frame: Frame, foreground: Mask?, globalChange: Bool) throws(FrameError) -> SceneCues {
        var cues = SceneCues()
        if fire != nil { cues.fire = try fire!.process(frame) }
        if tamper != nil { cues.tamper = try tamper!.process(frame, foreground: foreground, globalChange: globalChange) }
        if staticObjects != nil { cues.staticObjects = try staticObjects!.process(frame) }
        return cues
    }
}
