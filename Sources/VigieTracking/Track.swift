import VigieBlobs
import VigieCore

/// Where a track is in its life. Hysteresis keeps a track from flickering between states:
/// it takes several hits to be confirmed and several misses to be lost.
public enum TrackState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Newly seen; not yet `Tracker.Configuration.confirmHits` hits in
    /// `confirmWindow` frames. Rules should ignore it.
    case tentative
    /// Seen consistently: a real object. Also while it shares a merged blob with other tracks.
    case confirmed
    /// Not seen for `missesBeforeLost` frames: coasting on its prediction until it is seen
    /// again or times out (`lostTimeout`, or `stillTimeout` for an object that was still).
    case lost
    /// Gone: reported once in the frame it ends, then dropped.
    case ended
}

/// A velocity in pixels of the analysed frame per second (x to the right, y down).
public struct PixelVelocity: Hashable, Sendable, Codable {
    /// Horizontal speed, pixels per second.
    public var dx: Double
    /// Vertical speed, pixels per second (positive downwards).
    public var dy: Double

    /// A velocity in pixels per second.
    public init(dx: Double, dy: Double) {
        self.dx = dx
        self.dy = dy
    }

    /// Magnitude, pixels per second.
    public var speed: Double { (dx * dx + dy * dy).squareRoot() }
}

/// One point of a trajectory: a foot point (pixels) and the time of its frame.
public struct TrajectoryPoint: Hashable, Sendable, Codable {
    /// The foot point, in pixels of the analysed frame.
    public var footPoint: PixelPoint
    /// The frame's timestamp.
    public var timestamp: Timestamp

    /// A point of a trajectory.
    public init(footPoint: PixelPoint, timestamp: Timestamp) {
        self.footPoint = footPoint
        self.timestamp = timestamp
    }
}

/// The last `capacity` foot points of a track, oldest first: a ring buffer, so a long-lived
/// track keeps bounded memory and appending never allocates once full.
public struct Trajectory: RandomAccessCollection, Hashable, Sendable {
    /// Most points kept.
    public let capacity: Int
    private var storage: [TrajectoryPoint] = []
    private var start = 0

    /// An empty trajectory keeping at most `capacity` points (at least 1).
    public init(capacity: Int) {
        precondition(capacity >= 1, "trajectory capacity must be at least 1, got \(capacity)")
        self.capacity = capacity
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.count }

    /// The `i`-th point from the oldest kept.
    public subscript(i: Int) -> TrajectoryPoint {
        precondition(i >= 0 && i < storage.count, "trajectory index \(i) out of 0..<\(storage.count)")
        let j = start + i
        return storage[j < storage.count ? j : j - storage.count]
    }

    /// Adds a point, dropping the oldest when full.
    public mutating func append(_ point: TrajectoryPoint) {
        if storage.count < capacity {
            if storage.capacity < capacity { storage.reserveCapacity(capacity) }
            storage.append(point)
        } else {
            storage[start] = point
            start = start + 1 == capacity ? 0 : start + 1
        }
    }

    /// Empties the trajectory, keeping its storage for reuse.
    public mutating func removeAll() {
        storage.removeAll(keepingCapacity: true)
        start = 0
    }

    public static func == (a: Trajectory, b: Trajectory) -> Bool {
        a.capacity == b.capacity && a.elementsEqual(b)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(capacity)
        for p in self { hasher.combine(p) }
    }
}

/// A tracked object: geometry and motion only, never appearance. Ids are per camera and per
/// run, ephemeral, increasing from 1; they identify a track, never a person.
///
/// Positions and sizes are pixels of the analysed frame; times come from frame timestamps.
public struct Track: Hashable, Sendable {
    /// The track's id: unique within one `Tracker`, increasing from 1, never reused.
    public var id: Int
    /// Where the track is in its life.
    public var state: TrackState
    /// The filtered bounding box, in pixels (the prediction while the track coasts).
    public var box: PixelRect
    /// The filtered foot point (middle of the bottom edge of the box), in pixels.
    public var footPoint: PixelPoint
    /// The filtered velocity of the foot point, pixels per second.
    public var velocity: PixelVelocity
    /// Seconds from the frame the track was born to the current frame.
    public var age: Double
    /// Timestamp of the last frame in which an observation was assigned to the track (or the
    /// merged blob it shares).
    public var lastSeen: Timestamp
    /// The class of the last external detection assigned to it (`"person"`…), nil for blobs.
    public var objectClass: String?
    /// Whether the last observation assigned to it was an external detection (a detector's box,
    /// with or without a class), not a blob.
    public var lastSeenByDetector: Bool
    /// The recent foot points, oldest first.
    public var trajectory: Trajectory

    /// A track (the tracker makes them; public for tests and replays).
    public init(id: Int, state: TrackState, box: PixelRect, footPoint: PixelPoint, velocity: PixelVelocity,
                age: Double, lastSeen: Timestamp, objectClass: String? = nil, lastSeenByDetector: Bool = false,
                trajectory: Trajectory) {
        self.id = id
        self.state = state
        self.box = box
        self.footPoint = footPoint
        self.velocity = velocity
        self.age = age
        self.lastSeen = lastSeen
        self.objectClass = objectClass
        self.lastSeenByDetector = lastSeenByDetector
        self.trajectory = trajectory
    }
}

/// A box from an external detector (an integrator's own person or vehicle model), fed to the
/// tracker beside or instead of blobs.
public struct Detection: Hashable, Sendable, Codable {
    /// The box, in pixels of the frame the tracker analyses.
    public var box: PixelRect
    /// The detector's class label (`"person"`, `"car"`…), if it has one.
    public var objectClass: String?
    /// The detector's confidence, 0…1.
    public var confidence: Double

    /// A detection: box in pixels, optional class, confidence 0…1.
    public init(box: PixelRect, objectClass: String? = nil, confidence: Double = 1) {
        self.box = box
        self.objectClass = objectClass
        self.confidence = confidence
    }
}

/// The extension point for external detections: an integrator wraps its own detector (a
/// person or vehicle model, a radar…) and passes its detections in `Tracker.Input`.
/// Detections carry boxes and classes only; no appearance crosses into the tracker.
public protocol Detector {
    /// The detections of one frame, boxes in pixels of `frame`.
    mutating func detect(_ frame: Frame) throws -> [Detection]
}

/// Why the tracker refused an input.
public enum TrackerError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A timestamp not later than the previous input's.
    case nonMonotonicTimestamp(previous: Timestamp, current: Timestamp)
    /// A frame size that is zero or negative.
    case invalidFrameSize(width: Int, height: Int)

    public var description: String {
        switch self {
        case let .nonMonotonicTimestamp(p, c): "tracker: timestamp \(c) is not after the previous frame's \(p)"
        case let .invalidFrameSize(w, h): "tracker: invalid frame size \(w)x\(h)"
        }
    }
}
