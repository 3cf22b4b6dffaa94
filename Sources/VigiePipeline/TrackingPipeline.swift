import VigieBackground
import VigieBlobs
import VigieCore
import VigieTracking

/// The part of the chain every user of tracks shares (rules, `vigie track`, `vigie anonymise`):
///
/// ```
/// frame ─▶ background model ─▶ cleanup ─▶ blobs ─▶ tracker ─▶ tracks
/// ```
///
/// Until the background model is warm, and on a frame it flags as a sudden global change
/// (light switched, camera covered), its mask means nothing: such a frame is not tracked.
public struct TrackingPipeline {
    /// The smallest blob the tracker is given.
    public enum MinimumBlobArea: Sendable {
        /// A fixed number of pixels.
        case pixels(Int)
        /// The frame's pixel count divided by `divisor`, but at least `atLeast` pixels.
        case frameDividedBy(Int, atLeast: Int)

        func pixels(width: Int, height: Int) -> Int {
            switch self {
            case let .pixels(n): n
            case let .frameDividedBy(d, atLeast): max(width * height / d, atLeast)
            }
        }
    }

    /// Background model and mask cleanup.
    public var motion: MotionPipeline
    /// Connected components of the cleaned mask.
    public var blobs: BlobExtraction
    /// The identity-free tracker.
    public var tracker: Tracker
    /// How small a blob may be.
    public let minimumBlobArea: MinimumBlobArea
    /// An integrator's detector (a person, vehicle or object model) whose boxes and classes the
    /// tracker takes beside the blobs; nil: blobs only. See `Detector`.
    public var detector: (any Detector)?

    /// A chain around `model`, with an optional external `detector`; with `groupSplitting`, blobs
    /// too wide for one person are cut into people and the tracker takes the parts as such.
    public init(model: any BackgroundModel, minimumBlobArea: MinimumBlobArea, detector: (any Detector)? = nil,
                groupSplitting: GroupSplitting? = nil) {
        motion = MotionPipeline(model: model)
        blobs = BlobExtraction()
        blobs.groupSplitting = groupSplitting
        var trackerConfiguration = Tracker.Configuration()
        trackerConfiguration.groupSplitting = groupSplitting
        tracker = Tracker(trackerConfiguration)
        self.minimumBlobArea = minimumBlobArea
        self.detector = detector
    }

    /// One frame: its cleaned foreground mask, and the live tracks — nil when the frame was not
    /// tracked (model not warm, or a global change). Let go of the mask before the next frame, or
    /// the cleanup allocates a new buffer.
    /// - Throws: `FrameError` (size change, time not advancing), `TrackerError`, or what the
    ///   detector throws.
    public mutating func process(_ frame: Frame) throws -> (foreground: Mask, tracks: [Track]?) {
        let mask = try motion.process(frame)
        guard motion.model.isWarm, !motion.model.sawGlobalChange else { return (mask, nil) }
        blobs.minimumArea = minimumBlobArea.pixels(width: frame.width, height: frame.height)
        let detections = try detector?.detect(frame)
        let tracks = try tracker.process(Tracker.Input(timestamp: frame.timestamp, frameWidth: frame.width,
                                                       frameHeight: frame.height, blobs: blobs.process(mask),
                                                       detections: detections))
        return (mask, tracks)
    }
}
