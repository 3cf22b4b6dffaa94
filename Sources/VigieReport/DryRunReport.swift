import VigieCore
import VigieEvents
import VigieRules

/// What a dry run of a scene on recorded footage found: the would-be alerts with their anonymised
/// snapshots, zone figures over time, where objects walked, and what the run skipped. Made by
/// ``ReportRecorder``; written as one self-contained HTML page by ``html(language:)``.
///
/// Every image it holds is JPEG bytes encoded from an `AnonymisedFrame`: no raw image can be put
/// in it (the encoder takes only anonymised frames).
public struct DryRunReport: Sendable {
    /// One would-be alert: an event id from its start to its end.
    public struct Alert: Sendable, Hashable {
        /// The event id (the same as the events the run emitted).
        public var id: String
        /// What was detected.
        public var kind: EventKind
        /// The rule that raised it.
        public var ruleID: String
        /// The zone, if the rule has one.
        public var zoneID: String?
        /// The line, if the rule has one.
        public var lineID: String?
        /// Stream time the alert started, seconds.
        public var start: Double
        /// Stream time it ended, seconds (the end of the input for an alert still open then).
        public var end: Double
        /// Whether it was still open when the input ended (ended by the end of the run).
        public var openAtEnd: Bool
        /// The measurements of its last `started` or `updated` event (of the `ended` one only if
        /// those had none).
        public var measurements: EventMeasurements
        /// The foot point (normalised image coordinates) of the first object at the start, if any.
        public var place: NormalisedPoint?
        /// The union of the objects' boxes at the start (normalised), if any.
        public var box: NormalisedRect?
        /// The anonymised snapshot of the frame where the alert started: JPEG bytes encoded from an
        /// `AnonymisedFrame` by the recorder (read-only: no other image can be put in a report).
        public internal(set) var snapshotJPEG: [UInt8]?
        /// Stream time of the snapshot's frame, seconds (the frame the alert was raised on, which is
        /// after `start` when the rule needs a minimum duration).
        public var snapshotTime: Double?

        /// Duration in seconds (0 for an instant: a crossing, a projectile).
        public var duration: Double { max(0, end - start) }
    }

    /// Mean figures of one zone over one interval of stream time.
    public struct ZoneSample: Sendable, Hashable {
        /// Start of the interval, seconds of stream time.
        public var start: Double
        /// Mean fraction of the zone's pixels covered by the foreground, 0…1 (tracked frames, measured
        /// every `ReportRecorder.Configuration.occupancyInterval`).
        public var occupancy: Double
        /// Mean number of tracked objects whose foot point was in the zone.
        public var count: Double
        /// Mean people per m² (calibrated scenes), else nil.
        public var density: Double?
    }

    /// Counts of where tracked objects' foot points were: `columns` x `rows` cells over the image,
    /// row-major, one count per object per frame.
    public struct HeatMap: Sendable, Hashable {
        /// Cells across.
        public var columns: Int
        /// Cells down.
        public var rows: Int
        /// Counts, row-major.
        public var counts: [Int]
    }

    /// Figures of the run itself.
    public struct RunFigures: Sendable, Hashable {
        /// Frames analysed.
        public var frames: Int
        /// Frames skipped as corrupt (the stream went on).
        public var corruptFrames: Int
        /// The first few reasons a frame was skipped.
        public var corruptReasons: [String]
        /// Frames the background model flagged as a global change (not tracked).
        public var globalChangeFrames: Int
        /// Stream seconds before the model was warm, plus any later time it was not.
        public var notWarmSeconds: Double
        /// Stream seconds while an open tamper alert suppressed the other rules.
        public var suppressedSeconds: Double
        /// Stream time of the first and last frame, seconds.
        public var firstTime: Double
        /// Stream time of the last frame, seconds.
        public var lastTime: Double
        /// Frame width, pixels.
        public var width: Int
        /// Frame height, pixels.
        public var height: Int
    }

    /// The scene the run used.
    public var scene: Scene
    /// Lowercase hex SHA-256 of the scene file's bytes (as the journal records it).
    public var sceneHash: String
    /// The scene file's name, as given.
    public var sceneName: String
    /// The input's name, as given.
    public var inputName: String
    /// The Vigie library version.
    public var version: String
    /// Every would-be alert, by start time.
    public var alerts: [Alert]
    /// Rules the engine does not evaluate, with the reason.
    public var unsupportedRules: [(id: String, reason: String)]
    /// Zone figures over time, by zone id, in time order.
    public var zoneSamples: [String: [ZoneSample]]
    /// The interval of the zone samples, seconds.
    public var sampleInterval: Double
    /// Where tracked objects' foot points were.
    public var heatMap: HeatMap
    /// An anonymised frame from late in the run (the heat map's background): JPEG bytes encoded
    /// from an `AnonymisedFrame` by the recorder (read-only, as `Alert.snapshotJPEG`).
    public internal(set) var backgroundJPEG: [UInt8]?
    /// Stream time of that frame, seconds.
    public var backgroundTime: Double?
    /// Figures of the run.
    public var run: RunFigures
    /// Wall-clock seconds of the run (analysis and report), measured by the caller; nil if unknown.
    public var elapsedSeconds: Double?
}
