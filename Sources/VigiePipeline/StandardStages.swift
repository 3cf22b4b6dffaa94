import Foundation
import VigieAnalysis
import VigieBackground
import VigieBlobs
import VigieCore
import VigieEvents
import VigieRules
import VigieTracking

// The standard chain as typed stages, for integrators who compose their own (`Pipeline { … }`):
//
//   Frame ─MotionStage─▶ MotionResult ─BlobStage─▶ BlobResult ─TrackingStage─▶ TrackingResult ─RulesStage─▶ [Event]
//
// Each result carries the frame along (it never leaves the library: only events do), so later
// stages see its time and size and the analysers its pixels. `ScenePipeline` is the same chain
// behind one type.

/// A frame's cleaned foreground mask and whether it means anything yet.
public struct MotionResult {
    /// The frame.
    public var frame: Frame
    /// Its cleaned foreground mask.
    public var foreground: Mask
    /// False while the background model warms up and on a frame it flags as a sudden global
    /// change: the mask is not to be tracked.
    public var usable: Bool
    /// Whether the model flagged a sudden global change on this frame.
    public var globalChange: Bool
    /// Whether the background model is warm (its mask is meaningful for the analysers).
    public var warm: Bool
}

/// Background model and cleanup: `Frame` → `MotionResult`.
public struct MotionStage: Stage {
    /// Model and cleanup.
    public var motion: MotionPipeline

    /// The stage around `model` with the standard cleanup.
    public init(model: any BackgroundModel = AdaptiveBackground()) { motion = MotionPipeline(model: model) }

    /// One frame.
    public mutating func process(_ frame: Frame) throws -> MotionResult {
        let mask = try motion.process(frame)
        return MotionResult(frame: frame, foreground: mask, usable: motion.model.isWarm && !motion.model.sawGlobalChange,
                            globalChange: motion.model.sawGlobalChange, warm: motion.model.isWarm)
    }
}

/// A frame's blobs (nil when its mask is not usable).
public struct BlobResult {
    /// The frame and its mask.
    public var motion: MotionResult
    /// Connected components of the mask, or nil when it is not usable.
    public var blobs: [Blob]?
}

/// Connected components: `MotionResult` → `BlobResult`.
public struct BlobStage: Stage {
    /// The extraction.
    public var extraction = BlobExtraction()
    /// Smallest blob kept.
    public var minimumArea: Int

    /// Blobs of at least `minimumArea` pixels (15 by default, as `ScenePipeline`).
    public init(minimumArea: Int = 15) { self.minimumArea = minimumArea }

    /// One mask.
    public mutating func process(_ input: MotionResult) throws -> BlobResult {
        guard input.usable else { return BlobResult(motion: input, blobs: nil) }
        extraction.minimumArea = minimumArea
        return BlobResult(motion: input, blobs: extraction.process(input.foreground))
    }
}

/// A frame's live tracks (nil when it was not tracked).
public struct TrackingResult {
    /// The frame and its mask.
    public var motion: MotionResult
    /// Live tracks, or nil when the frame was not tracked.
    public var tracks: [Track]?
}

/// The identity-free tracker, with an optional external detector: `BlobResult` → `TrackingResult`.
public struct TrackingStage: Stage {
    /// The tracker.
    public var tracker: Tracker
    /// An integrator's detector, if any.
    public var detector: (any Detector)?

    /// A tracker with default settings.
    public init(_ tracker: Tracker = Tracker(), detector: (any Detector)? = nil) {
        self.tracker = tracker
        self.detector = detector
    }

    /// One frame's blobs.
    public mutating func process(_ input: BlobResult) throws -> TrackingResult {
        guard let blobs = input.blobs else { return TrackingResult(motion: input.motion, tracks: nil) }
        let frame = input.motion.frame
        let tracks = try tracker.process(Tracker.Input(timestamp: frame.timestamp, frameWidth: frame.width,
                                                       frameHeight: frame.height, blobs: blobs,
                                                       detections: try detector?.detect(frame)))
        return TrackingResult(motion: input.motion, tracks: tracks)
    }
}

/// A scene's analysers and rules: `TrackingResult` → `[Event]`. `ScenePipeline` runs the same stage.
public struct RulesStage: Stage {
    /// The rules.
    public var rules: RuleEngine
    /// The analysers the rules need.
    public var analysers: SceneAnalysers

    /// The rules and analysers of `scene`; `session` is the run written in every event id (a
    /// fresh one by default, see `EventSession`).
    public init(scene: Scene, streamStart: Date = Date(), session: EventSession = EventSession()) {
        rules = RuleEngine(scene: scene, streamStart: streamStart, session: session)
        analysers = ScenePipeline.analysers(for: scene)
    }

    /// One tracked frame.
    public mutating func process(_ input: TrackingResult) throws -> [Event] {
        let motion = input.motion
        return try evaluate(motion.frame, foreground: motion.foreground, tracks: input.tracks, warm: motion.warm,
                            globalChange: motion.globalChange)
    }

    /// One frame: the analysers' cues, then the rules.
    /// - Parameters:
    ///   - frame: the frame (its timestamp is the rules' time).
    ///   - foreground: the frame's cleaned mask (the analysers see it once the model is `warm`,
    ///     the rules only on a tracked frame).
    ///   - tracks: the live tracks, or nil when the frame was not tracked (then only the rules
    ///     that need no tracks run).
    ///   - warm: whether the background model has learnt the scene (before that the analysers
    ///     get no mask).
    ///   - globalChange: whether the whole view changed at this frame (light, a covered camera).
    public mutating func evaluate(_ frame: Frame, foreground: Mask, tracks: [Track]?, warm: Bool,
                                  globalChange: Bool) throws -> [Event] {
        let cues = analysers.isEmpty ? SceneCues() : try analysers.process(
            frame, foreground: warm ? foreground : nil, globalChange: globalChange)
        return try rules.process(RuleInput(timestamp: frame.timestamp, frameWidth: frame.width, frameHeight: frame.height,
                                           tracks: tracks ?? [], foreground: tracks == nil ? nil : foreground,
                                           tracked: tracks != nil, cues: cues))
    }

    /// Ends every open event at `time`.
    public mutating func finish(at time: Timestamp) throws -> [Event] { try rules.finish(at: time) }
}

extension Pipeline {
    /// Ends every open situation of a chain whose last stage is a ``RulesStage``, at `time` (the
    /// last frame's timestamp): call it at the end of the input, or when the input fails, as
    /// ``ScenePipeline/finish()`` is called; without it the chain's events lack the final `ended`
    /// of every situation still going on.
    public mutating func finish<Rest: Stage>(at time: Timestamp) throws -> [Event]
    where Rest.Output == TrackingResult, Body == StagePair<Rest, RulesStage> {
        try body.second.finish(at: time)
    }
}
