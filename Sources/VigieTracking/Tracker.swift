import VigieBlobs
import VigieCore
import VigieKernels

/// The identity-free multi-object tracker: turns each frame's blobs (and optional external
/// detections) into tracks with stable, ephemeral ids.
///
/// ```
/// observations ─▶ predict (Kalman) ─▶ join fragments ─▶ find merged blobs ─▶ Hungarian on
/// (blobs,           every track       (parts of one       (one blob holding     1 − IoU and
///  detections)                          predicted box)      2+ tracks)            gated distance
///                ─▶ update matched / coast the rest ─▶ new tentative tracks ─▶ states ─▶ [Track]
/// ```
///
/// **Motion model.** Each track has a constant-velocity Kalman filter on its foot point and
/// box size (`[x, y, w, h]` and their rates, pixels and pixels per second). Process and
/// measurement noise scale with the box height, so near and far objects behave alike.
///
/// **Assignment.** Tracks and observations are matched by the Hungarian algorithm on
/// `overlapWeight · (1 − IoU) + (1 − overlapWeight) · min(1, d / √gate)` where `d²` is the squared
/// centre distance normalised by the filter's innovation variance. A pair is forbidden when
/// `d² > gate` and the boxes barely overlap (IoU < 0.1). Tentative and lost tracks pay a small
/// extra cost, so confirmed tracks get the clearest observations.
///
/// **States** (with hysteresis): `tentative` → `confirmed` after `confirmHits` hits in
/// `confirmWindow` frames (else ended); `confirmed` → `lost` after `missesBeforeLost`
/// consecutive misses; `lost` → `confirmed` when seen again; `lost` → `ended` after
/// `lostTimeout` seconds unseen, or `stillTimeout` seconds if the track was still (slower than
/// `stillSpeed`) when it was last seen, or as soon as its predicted box has left the frame.
///
/// **Merges.** When one observation covers the predicted boxes of two or more confirmed
/// tracks (each at least `mergeCoverage` inside it), it is a merged blob (two people meeting, a group): the blob is assigned to none of them; every track in it
/// coasts on its prediction, kept inside the blob's box, and counts as seen. When the blob
/// splits again, the ordinary assignment gives each part back to the nearest prediction.
///
/// **Fragments and splits.** Several observations that each lie mostly (`fragmentCoverage`)
/// inside one confirmed track's predicted box are joined into one (a person cut in two by a
/// low-contrast coat). An observation that leaves a track's box (a person walking away from a
/// bag, two people parting) is a split: the track continues with the part its prediction
/// matches, the other part starts a new tentative track, which a still part (the bag) confirms
/// like any other.
///
/// **Still objects.** A person standing still is slowly absorbed by the background model and
/// their blob fades. A track that was still when last seen stops moving and coasts for
/// `stillTimeout` seconds (default 30 s) instead of `lostTimeout`: someone who stands longer
/// than that after the model has absorbed them is ended, and gets a new id when they move again.
///
/// **External detections.** `Input.detections` (from a `Detector`) are observations like blobs
/// and carry a class. Blobs lying mostly (`detectionOverlap`) inside the detections are dropped
/// (inside their union: a group's blob over two detected people goes too), so a detection and the
/// blob of the same person do not make two tracks.
///
/// **Time** comes from the inputs' timestamps only (the frame rate may vary); a timestamp not
/// after the previous one is a `TrackerError`.
///
/// **Output.** Every live track (tentative, confirmed, lost), then the tracks that ended in
/// this frame with state `ended`, once. The returned array shares the tracker's buffer:
/// a caller that lets go of it before the next call causes no allocation in steady state.
public struct Tracker: Stage, Sendable {
    /// Settings; defaults suit people and vehicles seen by a fixed camera at 5–30 frames per second.
    public struct Configuration: Sendable, Hashable, Codable {
        /// Hits needed to confirm a tentative track… Default 3.
        public var confirmHits = 3
        /// …within this many frames from its birth (at most 64). Default 5.
        public var confirmWindow = 5
        /// Consecutive missed frames before a confirmed track is lost. Default 2.
        public var missesBeforeLost = 2
        /// Seconds a lost track that was moving coasts before it ends. Default 1.5 s.
        public var lostTimeout = 1.5
        /// Seconds a lost track that was still coasts before it ends. Default 30 s.
        public var stillTimeout = 30.0
        /// Speed under which a track counts as still, in box heights per second. Default 0.15.
        public var stillSpeed = 0.15
        /// Weight of `1 − IoU` in the cost (the rest goes to the normalised distance). Default 0.5.
        public var overlapWeight = 0.5
        /// Gate on the squared normalised centre distance (χ² with 2 degrees of freedom;
        /// 9.21 keeps 99 % of true matches). Default 9.21.
        public var gate = 9.21
        /// Position measurement noise, standard deviation as a fraction of the box height. Default 0.08.
        public var measurementNoise = 0.08
        /// Acceleration noise, standard deviation in box heights per second squared. Default 1.5.
        public var acceleration = 1.5
        /// Size-change noise, standard deviation in box heights per second squared. Default 0.3.
        public var sizeChange = 0.3
        /// Fraction of a track's predicted box inside an observation for the track to be in it
        /// (merged blobs). Default 0.6.
        public var mergeCoverage = 0.6
        /// Fraction of an observation inside a track's predicted box for it to be a fragment of
        /// that track. Default 0.7.
        public var fragmentCoverage = 0.7
        /// Fraction of a blob inside external detections (their union) for the blob to be
        /// dropped. Default 0.5.
        public var detectionOverlap = 0.5
        /// Boxes of two confirmed tracks overlapping more than this (IoU) while they move together
        /// (velocities within `2 · stillSpeed`) are one object tracked twice: the younger track
        /// ends. Default 0.7.
        public var duplicateOverlap = 0.7
        /// Foot points kept per track. Default 64.
        public var trajectoryLength = 64
        /// How blobs come cut into people (`BlobExtraction.groupSplitting`): a box that holds
        /// several people by its measure (`GroupSplitting.people(width:height:)`) is a group, so
        /// observations inside it are not fragments of one object to be joined, and may start
        /// tracks of their own. Nil (the default): every track is one object.
        public var groupSplitting: GroupSplitting?

        /// The defaults.
        public init() {}
    }

    /// What the tracker consumes for one frame.
    public struct Input: Sendable {
        /// The frame's timestamp: all durations and velocities come from these.
        public var timestamp: Timestamp
        /// Width of the analysed frame, pixels.
        public var frameWidth: Int
        /// Height of the analysed frame, pixels.
        public var frameHeight: Int
        /// Blobs of the frame's foreground mask (pixels of the analysed frame).
        public var blobs: [Blob]
        /// External detections, if a `Detector` runs (pixels of the analysed frame).
        public var detections: [Detection]?

        /// One frame's observations. Pass `blobs: []` to track detections only.
        public init(timestamp: Timestamp, frameWidth: Int, frameHeight: Int, blobs: [Blob],
                    detections: [Detection]? = nil) {
            self.timestamp = timestamp
            self.frameWidth = frameWidth
            self.frameHeight = frameHeight
            self.blobs = blobs
            self.detections = detections
        }
    }

    /// The settings in use.
    public let configuration: Configuration

    private struct Record: Sendable {
        var id: Int
        var state: TrackState
        var filter: BoxFilter
        var born: Timestamp
        var lastSeen: Timestamp
        var hits: UInt64 = 1  // bit 0: the latest frame
        var frames = 1
        var misses = 0
        var wasStill = false
        /// Height of the object while it was fully seen (pixels); a blob much smaller than this
        /// at the same place is the object fading into the background, not the object moving.
        var fullHeight = 0.0
        /// Since when the track has been slow (nil while it moves): only an object that has stood
        /// for a second can be fading into the background.
        var slowSince: Timestamp?
        /// Whether the object was ever seen upright (a blob at least 1.3 times taller than wide):
        /// only such an object can lie down.
        var wasUpright = false
        /// The blob's width the last time it was seen upright, pixels.
        var uprightWidth = 0.0
        var objectClass: String?
        /// Whether the last observation assigned to it was an external detection (not a blob).
        var lastSeenByDetector = false
        var trajectory: Trajectory
        var predicted = Box(x0: 0, y0: 0, x1: 0, y1: 0)
        var grouped = -1  // observation index of the merged blob this frame, or -1
        var matched = -1  // observation index assigned this frame, or -1
    }

    private struct Observation: Sendable {
        var box: Box
        var objectClass: String?
        var alive = true     // false once joined into another observation
        var group = false    // a merged blob holding 2+ tracks
        var claimed = false  // assigned to a track
        var detected = false // from an external detector, not a blob
    }

    private var records: [Record] = []
    private var observations: [Observation] = []
    private var rows: [Int] = [], columns: [Int] = []
    private var costs: [Double] = []
    private var solver = HungarianSolver()
    private var output: [Track] = []
    /// Trajectory storage of ended tracks, emptied and given to new tracks: a track born in
    /// steady state allocates nothing.
    private var spareTrajectories: [Trajectory] = []
    private var lastTimestamp: Timestamp?
    private var nextId = 1

    /// A tracker with the given settings.
    public init(_ configuration: Configuration = Configuration()) {
        precondition(configuration.confirmWindow >= 1 && configuration.confirmWindow <= 64,
                     "confirmWindow must be 1…64, got \(configuration.confirmWindow)")
        precondition(configuration.confirmHits >= 1 && configuration.confirmHits <= configuration.confirmWindow,
                     "confirmHits must be 1…confirmWindow, got \(configuration.confirmHits)")
        self.configuration = configuration
    }

    /// The id the next new track will get.
    public var nextTrackId: Int { nextId }

    /// Forgets every track at once, without reporting them as ended, keeping the id sequence
    /// (new tracks get new ids) and the time of the last frame. For a view that stopped meaning
    /// anything (the camera was covered or moved): tracks from before it would coast into
    /// the restored view as ghosts.
    public mutating func dropAllTracks() {
        output.removeAll(keepingCapacity: true)
        for i in records.indices { recycleTrajectory(of: i) }
        records.removeAll(keepingCapacity: true)
    }

    /// Keeps the trajectory storage of record `i`, which is about to be removed.
    private mutating func recycleTrajectory(of i: Int) {
        guard spareTrajectories.count < Self.maxSpareTrajectories else { return }
        spareTrajectories.append(records[i].trajectory)
    }

    private static let maxSpareTrajectories = 256

    /// An empty trajectory for a new track, reusing an ended track's storage when there is one.
    private mutating func newTrajectory() -> Trajectory {
        if var spare = spareTrajectories.popLast(), spare.capacity == configuration.trajectoryLength {
            spare.removeAll()
            return spare
        }
        return Trajectory(capacity: configuration.trajectoryLength)
    }

    private static let forbidden = 1e6

    /// Tracks one frame.
    /// - Returns: live tracks (tentative, confirmed, lost) in id order, then the tracks that
    ///   ended in this frame, with state `ended`.
    /// - Throws: `TrackerError.nonMonotonicTimestamp` for a timestamp not after the previous one,
    ///   `invalidFrameSize` for a size that is not positive.
    public mutating func process(_ input: Input) throws(TrackerError) -> [Track] {
        guard input.frameWidth > 0, input.frameHeight > 0 else {
            throw .invalidFrameSize(width: input.frameWidth, height: input.frameHeight)
        }
        if let lastTimestamp, input.timestamp <= lastTimestamp {
            throw .nonMonotonicTimestamp(previous: lastTimestamp, current: input.timestamp)
        }
        let t = input.timestamp
        let dt = lastTimestamp.map { Double(t.nanoseconds - $0.nanoseconds) / 1e9 } ?? 0
        lastTimestamp = t

        // Let go of the last output first: its tracks share the records' trajectory storage, which
        // would otherwise be copied on the next append.
        output.removeAll(keepingCapacity: true)
        predict(dt: dt)
        collectObservations(input)
        joinFragments()
        findMergedBlobs()
        assign()
        updateTracks(t: t, frameWidth: Double(input.frameWidth), frameHeight: Double(input.frameHeight))
        suppressDuplicates()
        startTracks(t: t)

        for r in records where r.state != .ended { output.append(track(r, t: t)) }
        for r in records where r.state == .ended { output.append(track(r, t: t)) }
        for i in records.indices where records[i].state == .ended { recycleTrajectory(of: i) }
        records.removeAll { $0.state == .ended }
        return output
    }

    // MARK: - Steps

    private mutating func predict(dt: Double) {
        let c = configuration
        for i in records.indices {
            if dt > 0 { records[i].filter.predict(dt: dt, acceleration: c.acceleration, sizeChange: c.sizeChange) }
            records[i].predicted = records[i].filter.box
            records[i].grouped = -1
            records[i].matched = -1
        }
    }

    private mutating func collectObservations(_ input: Input) {
        observations.removeAll(keepingCapacity: true)
        let detections = input.detections ?? []
        for d in detections where d.box.width > 0 && d.box.height > 0 {
            observations.append(Observation(box: Box(d.box), objectClass: d.objectClass, detected: true))
        }
        let detectionCount = observations.count
        let detectionBoxes = observations.map(\.box)
        for b in input.blobs {
            let box = Box(b.boundingBox)
            // Covered by the detections together (a group's blob over two detected people).
            if detectionCount == 0 || box.fractionCovered(by: detectionBoxes) < configuration.detectionOverlap {
                observations.append(Observation(box: box, objectClass: nil))
            }
        }
    }

    /// Whether `box` holds several people (`Configuration.groupSplitting`): a group.
    private func holdsGroup(_ box: Box) -> Bool {
        guard let splitting = configuration.groupSplitting else { return false }
        return splitting.people(width: box.width, height: box.y1 - box.y0) >= 2
    }

    /// Joins observations lying mostly inside one confirmed track's predicted box (and in no
    /// other's) into one.
    private mutating func joinFragments() {
        let c = configuration
        for i in records.indices where records[i].state != .tentative && !holdsGroup(records[i].predicted) {
            let region = records[i].predicted
            var first = -1
            for k in observations.indices where observations[k].alive {
                let box = observations[k].box
                guard box.fractionInside(region) >= c.fragmentCoverage else { continue }
                // A fragment is smaller than the track, and belongs to no other track.
                guard box.area < 0.8 * region.area else { continue }
                var shared = false
                for j in records.indices where j != i && records[j].state != .tentative
                    && box.fractionInside(records[j].predicted) >= c.fragmentCoverage {
                    shared = true
                    break
                }
                if shared { continue }
                if first < 0 {
                    first = k
                } else {
                    // Parts that together are several people wide are people side by side.
                    guard !holdsGroup(observations[first].box.union(box)) else { continue }
                    observations[first].box = observations[first].box.union(box)
                    observations[k].alive = false
                }
            }
        }
    }

    /// Marks observations covering two or more confirmed or lost tracks as merged blobs. A track
    /// that an external detection also covers is not grouped: the detection is the better
    /// observation of it, and the assignment gives it that one.
    private mutating func findMergedBlobs() {
        let c = configuration
        for k in observations.indices where observations[k].alive && !observations[k].detected {
            let box = observations[k].box
            var count = 0
            for i in records.indices where records[i].state == .confirmed
                && records[i].predicted.fractionInside(box) >= c.mergeCoverage {
                count += 1
            }
            guard count >= 2 else { continue }
            observations[k].group = true
            for i in records.indices where records[i].state == .confirmed
                && records[i].predicted.fractionInside(box) >= c.mergeCoverage {
                if hasDetection(records[i].predicted) { continue }
                // A track in two merged blobs keeps the one holding more of it.
                if records[i].grouped >= 0 {
                    let old = observations[records[i].grouped].box
                    if records[i].predicted.fractionInside(old) >= records[i].predicted.fractionInside(box) { continue }
                }
                records[i].grouped = k
            }
        }
    }

    /// Whether a detection overlaps `box` (IoU ≥ 0.3).
    private func hasDetection(_ box: Box) -> Bool {
        observations.contains { $0.detected && $0.alive && $0.box.iou(box) >= 0.3 }
    }

    private mutating func assign() {
        let c = configuration
        rows.removeAll(keepingCapacity: true)
        columns.removeAll(keepingCapacity: true)
        for i in records.indices where records[i].grouped < 0 { rows.append(i) }
        for k in observations.indices where observations[k].alive && !observations[k].group { columns.append(k) }
        guard !rows.isEmpty, !columns.isEmpty else { return }
        costs.removeAll(keepingCapacity: true)
        for i in rows {
            let r = records[i]
            let p = r.predicted
            let f = r.filter
            let noise = c.measurementNoise * max(p.height, 4)
            let rNoise = noise * noise
            let floor = (0.1 * p.height) * (0.1 * p.height)
            let sx = max(f.x.innovationVariance(measurementNoise: rNoise) + f.w.p00 / 4, floor)
            let sy = max(f.y.innovationVariance(measurementNoise: rNoise) + f.h.p00 / 4, floor)
            let penalty = r.state == .confirmed ? 0 : 0.05
            for k in columns {
                let o = observations[k].box
                let dx = o.centreX - p.centreX, dy = o.centreY - p.centreY
                let d2 = dx * dx / sx + dy * dy / sy
                let iou = p.iou(o)
                if d2 > c.gate && iou < 0.1 {
                    costs.append(Self.forbidden)
                } else {
                    let distance = min(1, (d2 / c.gate).squareRoot())
                    costs.append(c.overlapWeight * (1 - iou) + (1 - c.overlapWeight) * distance + penalty)
                }
            }
        }
        let result = solver.solve(costs, rows: rows.count, columns: columns.count)
        for (row, column) in result.enumerated() where column >= 0 {
            guard costs[row * columns.count + column] < Self.forbidden else { continue }
            records[rows[row]].matched = columns[column]
            observations[columns[column]].claimed = true
        }
    }

    private mutating func updateTracks(t: Timestamp, frameWidth: Double, frameHeight: Double) {
        for i in records.indices {
            // In place: a copy of the record would share, and then copy, its trajectory storage.
            Self.update(&records[i], observations: observations, configuration: configuration, t: t,
                        frame: Box(x0: 0, y0: 0, x1: frameWidth, y1: frameHeight))
        }
    }

    private static func update(_ r: inout Record, observations: [Observation], configuration c: Configuration,
                               t: Timestamp, frame: Box) {
        let window: UInt64 = c.confirmWindow == 64 ? .max : (1 << UInt64(c.confirmWindow)) - 1
        r.frames += 1
        r.hits <<= 1
        if r.matched >= 0 || r.grouped >= 0 {
            if r.matched >= 0 {
                let o = observations[r.matched]
                // A slow track whose blob shrinks inside its box is being absorbed by the background
                // model (someone standing still fades from the foreground): the shrinking blob is
                // proof of presence, not of motion, so it keeps the track alive without moving it.
                let speed = (r.filter.x.velocity * r.filter.x.velocity + r.filter.y.velocity * r.filter.y.velocity).squareRoot()
                let slow = speed < 2 * c.stillSpeed * max(r.fullHeight, r.filter.h.position, 1)
                // …unless the blob is a body lying down — an object once seen upright, now clearly
                // wider than tall, about as long as it was tall and at least twice as wide as it
                // stood (a fall, not feet and a shadow left by absorption) — which the track must
                // follow.
                let lying = r.wasUpright && o.box.width >= 1.5 * o.box.height && o.box.width >= 0.6 * r.fullHeight
                    && o.box.width >= 2 * r.uprightWidth
                // A blob much smaller than the track just after it stopped is not absorption (the
                // models take seconds) but something that touched it leaving (a vehicle passing in
                // front): only a track slow for a second is settled enough to fade.
                if !slow { r.slowSince = nil } else if r.slowSince == nil { r.slowSince = t }
                let settled = slow && r.slowSince.map { t.seconds - $0.seconds >= 1 } == true
                let fading = settled && !lying && o.box.height < 0.8 * r.fullHeight
                    && o.box.fractionInside(r.filter.box) >= c.fragmentCoverage
                if fading {
                    r.filter.stop()
                } else {
                    // A moving object's size may change for real (walking away); a settled one's only grows back.
                    r.fullHeight = settled ? max(r.fullHeight, o.box.height) : o.box.height
                    r.filter.update(footX: o.box.centreX, footY: o.box.y1, width: o.box.width, height: o.box.height,
                                    noise: c.measurementNoise)
                }
                if o.box.height >= 1.3 * o.box.width {
                    r.wasUpright = true
                    r.uprightWidth = o.box.width
                }
                if let cls = o.objectClass { r.objectClass = cls }
                r.lastSeenByDetector = o.detected
            } else {
                // In a merged blob: coast, kept inside the blob's box. Its size is not observed
                // there: it does not shrink (being hidden is not getting smaller; a box shrinking as
                // the object met another would shrink to nothing) and grows at most to the blob's
                // (a vehicle coming closer grows, but never past what holds it).
                let g = observations[r.grouped].box
                r.filter.w.velocity = max(0, r.filter.w.velocity)
                r.filter.h.velocity = max(0, r.filter.h.velocity)
                r.filter.w.position = min(r.filter.w.position, g.width)
                r.filter.h.position = min(r.filter.h.position, g.y1 - g.y0)
                let half = r.filter.w.position / 2
                let x = min(max(r.filter.x.position, g.x0 + half), max(g.x1 - half, g.x0 + half))
                r.filter.x.position = x
                r.filter.y.position = min(max(r.filter.y.position, g.y0 + r.filter.h.position), g.y1)
            }
            r.hits |= 1
            r.misses = 0
            r.lastSeen = t
            let speed = (r.filter.x.velocity * r.filter.x.velocity + r.filter.y.velocity * r.filter.y.velocity).squareRoot()
            r.wasStill = speed < c.stillSpeed * max(r.filter.h.position, 1)
            switch r.state {
            case .tentative:
                if (r.hits & window).nonzeroBitCount >= c.confirmHits { r.state = .confirmed }
            case .lost: r.state = .confirmed
            case .confirmed, .ended: break
            }
        } else {
            r.misses += 1
            switch r.state {
            case .tentative:
                let possible = (r.hits & window).nonzeroBitCount + max(c.confirmWindow - r.frames, 0)
                if possible < c.confirmHits || r.frames >= c.confirmWindow { r.state = .ended }
            case .confirmed:
                if r.misses >= c.missesBeforeLost {
                    r.state = .lost
                    if r.wasStill { r.filter.stop() }
                }
            case .lost, .ended: break
            }
            if r.state == .lost {
                let unseen = Double(t.nanoseconds - r.lastSeen.nanoseconds) / 1e9
                if unseen > (r.wasStill ? c.stillTimeout : c.lostTimeout) { r.state = .ended }
            }
            if r.state == .lost || r.state == .confirmed {
                // Left the frame: less than a third of the predicted box inside.
                if r.filter.box.fractionInside(frame) < 0.3 { r.state = .ended }
            }
        }
        if r.state != .ended, r.state != .tentative || r.hits & 1 == 1 {
            let box = r.filter.box
            r.trajectory.append(TrajectoryPoint(footPoint: PixelPoint(x: box.centreX, y: box.y1), timestamp: t))
        }
    }

    /// Ends the younger of two confirmed tracks whose boxes nearly coincide and that move
    /// together (one object tracked twice); crossing tracks move apart and are kept.
    private mutating func suppressDuplicates() {
        let c = configuration
        for i in records.indices where records[i].state == .confirmed {
            for j in records.indices where j > i && records[j].state == .confirmed {
                let a = records[i].filter, b = records[j].filter
                let dvx = a.x.velocity - b.x.velocity, dvy = a.y.velocity - b.y.velocity
                let together = (dvx * dvx + dvy * dvy).squareRoot() < 2 * c.stillSpeed * max(a.h.position, 1)
                if together && a.box.iou(b.box) > c.duplicateOverlap {
                    // ids increase with age: the larger id is the younger track.
                    if records[i].id > records[j].id { records[i].state = .ended } else { records[j].state = .ended }
                }
            }
        }
    }

    private mutating func startTracks(t: Timestamp) {
        let c = configuration
        for k in observations.indices where observations[k].alive && !observations[k].group && !observations[k].claimed {
            let box = observations[k].box
            // A leftover part of a tracked object (or of a merged blob) is not a new object.
            var part = false
            for r in records where r.state != .ended && r.state != .tentative && (r.matched >= 0 || r.grouped >= 0)
                && !holdsGroup(r.filter.box) {
                if box.fractionInside(r.filter.box) >= c.fragmentCoverage { part = true; break }
            }
            if part { continue }
            var record = Record(
                id: nextId, state: c.confirmHits <= 1 ? .confirmed : .tentative,
                filter: BoxFilter(footX: box.centreX, footY: box.y1, width: box.width, height: box.height,
                                  measurementNoise: c.measurementNoise),
                born: t, lastSeen: t, objectClass: observations[k].objectClass,
                lastSeenByDetector: observations[k].detected, trajectory: newTrajectory())
            record.trajectory.append(TrajectoryPoint(footPoint: PixelPoint(x: box.centreX, y: box.y1), timestamp: t))
            records.append(record)
            nextId += 1
        }
    }

    private func track(_ r: Record, t: Timestamp) -> Track {
        let f = r.filter
        return Track(
            id: r.id, state: r.state, box: f.box.rounded,
            footPoint: PixelPoint(x: f.x.position, y: f.y.position),
            velocity: PixelVelocity(dx: f.x.velocity, dy: f.y.velocity),
            age: Double(t.nanoseconds - r.born.nanoseconds) / 1e9, lastSeen: r.lastSeen,
            objectClass: r.objectClass, lastSeenByDetector: r.lastSeenByDetector, trajectory: r.trajectory)
    }
}
