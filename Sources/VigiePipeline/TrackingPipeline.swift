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
/// (light switched, camera covered), its mask means nothing: such a frame's blobs are not
/// tracked. Without a detector the frame is not tracked at all; with one, its detections are.
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
    /// Whether the tracker is given the blobs. Default true; false, with a `detector`, tracks its
    /// detections alone (a person detector's boxes without the motion stage's).
    public var tracksBlobs = true
    /// Whether the blobs are checked for ghosts every `ghostCheckInterval` tracked frames
    /// (`BackgroundModel.dissolveIfGhost`): a ghost — where someone stood while the model was
    /// learning, or a parked car that left — is dissolved into the background and not tracked.
    /// Default true (models that cannot tell ghosts keep every blob).
    public var dissolvesGhosts = true
    /// Tracked frames between two ghost checks. 8 (a third of a second at 25 fps: a ghost stays for seconds).
    public static let ghostCheckInterval = 8
    private var framesToGhostCheck = 0
    /// Ghosts dissolved so far.
    public private(set) var dissolvedGhosts = 0

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
    /// tracked (model not warm, or a global change, and no detector). Let go of the mask before the next frame, or
    /// the cleanup allocates a new buffer.
    /// - Throws: `FrameError` (size change, time not advancing), `TrackerError`, or what the
    ///   detector throws.
    public mutating func process(_ frame: Frame) throws -> (foreground: Mask, tracks: [Track]?) {
        let mask = try motion.process(frame)
        let maskMeansSomething = motion.model.isWarm && !motion.model.sawGlobalChange
        guard maskMeansSomething || detector != nil else { return (mask, nil) }
        blobs.minimumArea = minimumBlobArea.pixels(width: frame.width, height: frame.height)
        let detections = try detector?.detect(frame)
        var found = maskMeansSomething && tracksBlobs ? blobs.process(mask) : []
        if dissolvesGhosts && maskMeansSomething {
            framesToGhostCheck -= 1
            if framesToGhostCheck <= 0 {
                framesToGhostCheck = Self.ghostCheckInterval
                found = dissolveGhosts(found, of: mask, in: frame)
            }
        }
        let tracks = try tracker.process(Tracker.Input(timestamp: frame.timestamp, frameWidth: frame.width,
                                                       frameHeight: frame.height, blobs: found, detections: detections))
        return (mask, tracks)
    }

    /// `blobs` without the ghosts among them, which the model dissolves.
    private mutating func dissolveGhosts(_ blobs: [Blob], of mask: Mask, in frame: Frame) -> [Blob] {
        var ghosts: [Int] = []
        for (i, blob) in blobs.enumerated() where motion.model.dissolveIfGhost(blob.boundingBox, of: mask, in: frame) {
            ghosts.append(i)
        }
        guard !ghosts.isEmpty else { return blobs }
        dissolvedGhosts += ghosts.count
        return blobs.enumerated().filter { !ghosts.contains($0.offset) }.map(\.element)
    }
}
