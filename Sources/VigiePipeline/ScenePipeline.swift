import Foundation
import Logging
import VigieAnalysis
import VigieBackground
import VigieBlobs
import VigieCore
import VigieEvents
import VigieRules
import VigieTracking

/// The standard chain for one camera, built from its scene file:
///
/// ```
/// frame ─┬─▶ background model ─▶ cleanup ─▶ blobs ─▶ tracker ─┬─▶ rules ─▶ [Event]
///        └─▶ scene analysers (fire, tamper, static objects) ───┘
/// ```
///
/// The analysers run only when a rule of the scene needs them.
///
/// `process(_:)` is synchronous, for integrators with their own threads.
public struct ScenePipeline {
    /// The scene.
    public let scene: Scene
    /// Background model, cleanup, blobs and tracker.
    public var tracking: TrackingPipeline
    /// Background model and mask cleanup.
    public var motion: MotionPipeline { tracking.motion }
    /// The scene's analysers and rules (the same stage as in a composed `Pipeline`).
    public var ruleStage: RulesStage
    /// The scene's rules.
    public var rules: RuleEngine {
        get { ruleStage.rules }
        set { ruleStage.rules = newValue }
    }
    /// The frame-level analysers the scene's rules need.
    public var analysers: SceneAnalysers {
        get { ruleStage.analysers }
        set { ruleStage.analysers = newValue }
    }
    /// Live tracks after the last frame (empty after a frame that was not tracked: model not warm,
    /// global change); always empty in statistics mode (`Scene.statisticsOnly`: no per-object
    /// geometry leaves the pipeline).
    public var tracks: [Track] { scene.statisticsOnly ? [] : liveTracks }
    private var liveTracks: [Track] = []
    private var statistics: ZoneStatisticsAccumulator?
    private var lastTime: Timestamp?
    private let logger: Logger

    /// The standard chain for `scene`.
    /// - Parameters:
    ///   - scene: the validated scene (zones, lines, rules, analysers it needs).
    ///   - model: the background model (the adaptive default).
    ///   - detector: an integrator's detector whose classed boxes feed the tracker beside the
    ///     blobs (rules with `classes` then see labelled tracks); nil: blobs only.
    ///   - streamStart: wall-clock time of timestamp zero, for rule schedules.
    ///   - session: the run written in every event id (`<cameraID>/<ruleID>/<session>-<n>`): a
    ///     fresh, time-ordered one by default, so a pipeline created after another (a reopened
    ///     input, a restarted process) never repeats its ids. Pass a fixed one for deterministic
    ///     ids, and the same one to two pipelines whose ids you compare.
    ///   - logger: where skipped frames and rule problems are logged (nothing by default); never
    ///     pixels, nothing per frame above `debug`.
    public init(scene: Scene, model: any BackgroundModel = AdaptiveBackground(), detector: (any Detector)? = nil,
                streamStart: Date = Date(), session: EventSession = EventSession(),
                logger: Logger = Logger(label: "vigie", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.scene = scene
        tracking = TrackingPipeline(model: model, minimumBlobArea: .pixels(15), detector: detector)
        ruleStage = RulesStage(scene: scene, streamStart: streamStart, session: session)
        statistics = scene.statisticsOnly ? ZoneStatisticsAccumulator(scene: scene) : nil
        self.logger = logger
        for (id, reason) in rules.unsupported {
            logger.warning("rule not evaluated", metadata: ["vigie.rule": "\(id)", "vigie.reason": "\(reason)"])
        }
    }

    /// The analysers the enabled rules of `scene` read.
    public static func analysers(for scene: Scene) -> SceneAnalysers {
        let kinds = Set(scene.rules.filter(\.enabled).map(\.kind))
        return SceneAnalysers(
            fire: kinds.contains(.fire) || kinds.contains(.smoke) ? FireDetector() : nil,
            tamper: kinds.contains(.tamper) ? TamperDetector() : nil,
            staticObjects: kinds.contains(.abandonedObject) || kinds.contains(.objectRemoved)
                ? StaticObjectDetector() : nil)
    }

    /// Statistics mode (`Scene.statisticsOnly`): the per-zone records of the intervals completed
    /// since the last call (after `finish()`, the last, partial one too). Always empty otherwise.
    public mutating func takeStatistics() -> [ZoneStatistics] {
        guard statistics != nil else { return [] }
        defer { statistics!.completed.removeAll() }
        return statistics!.completed
    }

    /// Runs one frame through the chain; returns the events it raises, updates or ends (none in
    /// statistics mode: read ``takeStatistics()``).
    ///
    /// Until the background model is warm, and on a frame it flags as a sudden global change
    /// (light switched, camera covered), its mask means nothing: the tracker and the track
    /// rules skip that frame rather than see a screenful of false objects. Frame-level rules
    /// (tamper) still run. While a tamper event is open the rule engine suppresses the other
    /// rules, and the tracker forgets its tracks, so none coasts into the restored view.
    /// - Throws: `FrameError` (size change, time not advancing), `TrackerError`, `RuleError`.
    public mutating func process(_ frame: Frame) throws -> [Event] {
        if statistics != nil {
            let (mask, tracked) = try tracking.process(frame)
            lastTime = frame.timestamp
            statistics!.add(time: frame.timestamp, tracks: tracked, foreground: tracked == nil ? nil : mask,
                            width: frame.width, height: frame.height)
            return []
        }
        return try processKeepingMask(frame).events
    }

    /// `process(_:)`, also returning the frame's cleaned foreground mask (for the anonymiser).
    /// Let go of the mask before the next frame, or the cleanup allocates a new buffer.
    /// - Throws: also `PipelineError.statisticsOnly` in statistics mode, where no mask may leave.
    public mutating func processKeepingMask(_ frame: Frame) throws -> (events: [Event], foreground: Mask) {
        guard statistics == nil else { throw PipelineError.statisticsOnly(cameraID: scene.cameraID) }
        // Let go of the last tracks first: they share the tracker's output and trajectory storage,
        // which would otherwise be copied (allocated) on this frame's update.
        liveTracks = []
        let (mask, tracked) = try tracking.process(frame)
        liveTracks = tracked ?? []
        lastTime = frame.timestamp
        let model = tracking.motion.model
        let events = try ruleStage.evaluate(frame, foreground: mask, tracks: tracked, warm: model.isWarm,
                                            globalChange: model.sawGlobalChange)
        if rules.isSuppressed {  // camera tampered: tracks from before would haunt the restored view
            tracking.tracker.dropAllTracks()
            liveTracks = []
        }
        return (events, mask)
    }

    /// Ends every open event (end of stream): call once after the last frame.
    public mutating func finish() throws -> [Event] {
        guard let lastTime else { return [] }
        if statistics != nil {
            statistics!.finish(at: lastTime)
            return []
        }
        return try rules.finish(at: lastTime)
    }
}

/// Why the pipeline refused a call.
public enum PipelineError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The scene is in statistics mode: no image, mask or per-object geometry may leave.
    case statisticsOnly(cameraID: String)

    public var description: String {
        switch self {
        case let .statisticsOnly(camera):
            "camera \(camera) is in statistics mode (statisticsOnly): no image, mask or object geometry leaves the pipeline"
        }
    }
}
