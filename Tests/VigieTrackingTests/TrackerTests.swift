import Testing
import VigieBlobs
import VigieCore
import VigieKernels
@testable import VigieTracking

/// A blob whose box is `width` x `height` with its foot point at (`footX`, `footY`).
func blob(footX: Double, footY: Double, width: Int = 20, height: Int = 50) -> Blob {
    let box = PixelRect(x: Int((footX - Double(width) / 2).rounded()), y: Int(footY.rounded()) - height,
                        width: width, height: height)
    return Blob(area: width * height, boundingBox: box,
                centroid: PixelPoint(x: Double(box.x) + Double(width) / 2, y: Double(box.y) + Double(height) / 2),
                footPoint: PixelPoint(x: Double(box.x) + Double(width) / 2, y: Double(box.y + height)))
}

/// The blob covering two blobs (what connected components gives when they touch).
func merged(_ a: Blob, _ b: Blob) -> Blob {
    let x0 = min(a.boundingBox.x, b.boundingBox.x), y0 = min(a.boundingBox.y, b.boundingBox.y)
    let x1 = max(a.boundingBox.x + a.boundingBox.width, b.boundingBox.x + b.boundingBox.width)
    let y1 = max(a.boundingBox.y + a.boundingBox.height, b.boundingBox.y + b.boundingBox.height)
    let box = PixelRect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    return Blob(area: a.area + b.area, boundingBox: box,
                centroid: PixelPoint(x: Double(x0 + x1) / 2, y: Double(y0 + y1) / 2),
                footPoint: PixelPoint(x: Double(x0 + x1) / 2, y: Double(y1)))
}

let fps = 10.0
func input(_ frame: Int, _ blobs: [Blob], detections: [Detection]? = nil) -> Tracker.Input {
    Tracker.Input(timestamp: Timestamp(frameIndex: frame, framesPerSecond: fps), frameWidth: 640, frameHeight: 480,
                  blobs: blobs, detections: detections)
}

extension [Track] {
    var confirmed: [Track] { filter { $0.state == .confirmed } }
    var live: [Track] { filter { $0.state != .ended } }
}

@Suite("Tracker")
struct TrackerTests {
    @Test("One object at constant velocity keeps one id, and its velocity is estimated in px/s")
    func constantVelocity() throws {
        var tracker = Tracker()
        var last: [Track] = []
        for f in 0..<60 {
            last = try tracker.process(input(f, [blob(footX: 50 + 4 * Double(f), footY: 300)]))
            if f >= 3 { #expect(last.confirmed.map(\.id) == [1], "frame \(f)") }
        }
        let track = try #require(last.first)
        #expect(abs(track.velocity.dx - 40) < 2, "vx \(track.velocity.dx)")
        #expect(abs(track.velocity.dy) < 2)
        #expect(abs(track.footPoint.x - (50 + 4 * 59)) < 2)
        #expect(abs(track.age - 5.9) < 1e-9)
        #expect(track.trajectory.count == 60)
        #expect(tracker.nextTrackId == 2)
    }

    @Test("With group splitting, three people cut out of a group's blob are three tracks, not fragments of the group's track")
    func partsOfAGroupAreNotFragments() throws {
        // A group walking as one 70x50 blob for 10 frames, then the same group cut into three
        // person-wide parts (what BlobExtraction.groupSplitting gives).
        func run(_ configuration: Tracker.Configuration) throws -> [Track] {
            var tracker = Tracker(configuration)
            var last: [Track] = []
            for f in 0..<30 {
                let x = 100 + 3 * Double(f)
                let parts = [blob(footX: x - 25, footY: 300), blob(footX: x, footY: 300), blob(footX: x + 25, footY: 300)]
                last = try tracker.process(input(f, f < 10 ? [blob(footX: x, footY: 300, width: 70)] : parts))
            }
            return last
        }
        var c = Tracker.Configuration()
        #expect(try run(c).confirmed.count == 1, "without it, the parts are joined into the group's track")
        c.groupSplitting = GroupSplitting()
        let tracks = try run(c).confirmed
        #expect(tracks.count == 3, "\(tracks.map(\.box))")
        #expect(tracks.allSatisfy { $0.box.width <= 30 }, "\(tracks.map(\.box))")
    }

    @Test("Two objects crossing keep their ids through the merged blob")
    func crossing() throws {
        var tracker = Tracker()
        var idAtLeft: Int?, idAtRight: Int?
        for f in 0..<50 {
            // A walks right from x=100, B walks left from x=340: they meet around frame 24.
            let a = blob(footX: 100 + 5 * Double(f), footY: 300)
            let b = blob(footX: 340 - 5 * Double(f), footY: 305)
            let overlapping = abs((100 + 5 * Double(f)) - (340 - 5 * Double(f))) < 24
            let tracks = try tracker.process(input(f, overlapping ? [merged(a, b)] : [a, b]))
            let confirmed = tracks.confirmed
            if f == 10 {
                #expect(confirmed.count == 2)
                idAtLeft = confirmed.min { $0.footPoint.x < $1.footPoint.x }?.id
                idAtRight = confirmed.max { $0.footPoint.x < $1.footPoint.x }?.id
            }
            if f > 10 { #expect(confirmed.count == 2, "frame \(f): \(tracks.map { "\($0.id) \($0.state) \($0.box)" })") }
        }
        let tracks = try tracker.process(input(50, [blob(footX: 350, footY: 300), blob(footX: 90, footY: 305)]))
        let final = tracks.confirmed
        // A (started left) is now on the right.
        #expect(final.max { $0.footPoint.x < $1.footPoint.x }?.id == idAtLeft)
        #expect(final.min { $0.footPoint.x < $1.footPoint.x }?.id == idAtRight)
    }

    @Test("A track coasting in a merged blob neither shrinks nor outgrows the blob, whatever its size was doing as it met the other")
    func coastingInAMergedBlobKeepsItsSize() throws {
        var tracker = Tracker()
        var smallest = Double.infinity
        for f in 0..<60 {
            // A walks right and its blob grows taller as it comes (frames 10-21: 2 px a frame,
            // the last frames before the meeting); B walks left. They walk as one blob from
            // frame 22 to 41, then part.
            let height = 50 + 2 * min(max(f - 10, 0), 12)
            let a = blob(footX: 100 + 3 * Double(f), footY: 300, height: height)
            let b = blob(footX: 280 - 3 * Double(f), footY: 302, height: 74)
            let together = f >= 22 && f < 42
            let tracks = try tracker.process(input(f, together ? [merged(a, b)] : [a, b]))
            if together, f >= 24, let trackA = tracks.first(where: { $0.id == 1 }) {
                smallest = min(smallest, Double(trackA.box.height))
                #expect(trackA.box.height <= 85, "frame \(f): \(trackA.box)")
            }
        }
        #expect(smallest >= 66, "A's box held about its size in the group, smallest \(smallest)")
    }

    @Test("A track shrinking as it meets another does not shrink away inside the merged blob")
    func coastingInAMergedBlobDoesNotShrinkAway() throws {
        var tracker = Tracker()
        for f in 0..<50 {
            // A walks right and its blob gets shorter as it comes (frames 10-21: 2 px a frame, a
            // low wall hiding its legs); B walks left. One blob from frame 22 to 41.
            let height = 74 - 2 * min(max(f - 10, 0), 12)
            let a = blob(footX: 100 + 3 * Double(f), footY: 300 - Double(74 - height), height: height)
            let b = blob(footX: 280 - 3 * Double(f), footY: 302, height: 74)
            let together = f >= 22 && f < 42
            let tracks = try tracker.process(input(f, together ? [merged(a, b)] : [a, b]))
            if together, let trackA = tracks.first(where: { $0.id == 1 }) {
                #expect(trackA.box.height >= 45 && trackA.box.width >= 15, "frame \(f): \(trackA.box)")
            }
        }
    }

    @Test("A track that was merged with something passing as it stopped takes its own size back, not kept as 'fading'")
    func aStopAfterAMergeIsNotFading() throws {
        var tracker = Tracker()
        var tracks: [Track] = []
        for f in 0..<60 {
            // Walks 20 frames; frames 20-27 its blob reaches 30 px higher (a vehicle passing behind
            // it touches it); it stops at frame 25; from frame 28 its own 50 px blob again.
            let x = 100 + 3 * Double(min(f, 25))
            tracks = try tracker.process(input(f, [blob(footX: x, footY: 300, height: f >= 20 && f < 28 ? 80 : 50)]))
        }
        let track = try #require(tracks.first { $0.id == 1 })
        #expect(track.box.height <= 56 && track.box.y >= 244, "\(track.box)")
    }

    @Test("An object that stops and fades into the background coasts, then ends after stillTimeout")
    func stillObjectCoasts() throws {
        var configuration = Tracker.Configuration()
        configuration.stillTimeout = 5
        var tracker = Tracker(configuration)
        var f = 0
        for _ in 0..<20 { _ = try tracker.process(input(f, [blob(footX: 100 + 3 * Double(f), footY: 300)])); f += 1 }
        let stopX = 100 + 3 * Double(f - 1)
        for _ in 0..<20 { _ = try tracker.process(input(f, [blob(footX: stopX, footY: 300)])); f += 1 }
        // The background model absorbs the person: no blob for 4 s.
        var tracks: [Track] = []
        for _ in 0..<40 { tracks = try tracker.process(input(f, [])); f += 1 }
        let coasting = try #require(tracks.first)
        #expect(coasting.id == 1 && coasting.state == .lost)
        #expect(abs(coasting.footPoint.x - stopX) < 3, "a still track does not drift: \(coasting.footPoint.x)")
        // They move again: same id.
        tracks = try tracker.process(input(f, [blob(footX: stopX + 2, footY: 300)])); f += 1
        #expect(tracks.map(\.id) == [1] && tracks[0].state == .confirmed)
        // Now gone for good: ended once the still timeout has passed, and reported once as ended.
        var endedAt: Int?
        for _ in 0..<70 {
            tracks = try tracker.process(input(f, []))
            if tracks.contains(where: { $0.state == .ended }) { endedAt = f }
            f += 1
        }
        let ended = try #require(endedAt)
        #expect(Double(ended - (f - 70) + 1) / fps > 5 && Double(ended - (f - 70)) / fps < 5.5)
        #expect(tracks.isEmpty)
    }

    @Test("A still person whose blob shrinks as the background absorbs them keeps their track, unmoved")
    func fadingStillPersonIsKept() throws {
        var tracker = Tracker()
        var f = 0
        for _ in 0..<20 { _ = try tracker.process(input(f, [blob(footX: 100 + 3 * Double(f), footY: 300)])); f += 1 }
        let stopX = 100 + 3 * Double(f - 1)
        for _ in 0..<30 { _ = try tracker.process(input(f, [blob(footX: stopX, footY: 300)])); f += 1 }
        // Absorption: the blob shrinks from the feet and the edges over 3 s (its foot point rises),
        // then disappears.
        var tracks: [Track] = []
        for k in 1...30 {
            let h = max(6, 50 - k * 3), w = max(4, 20 - k / 2)
            tracks = try tracker.process(input(f, [blob(footX: stopX, footY: 300 - Double(k), width: w, height: h)]))
            f += 1
        }
        for _ in 0..<100 { tracks = try tracker.process(input(f, [])); f += 1 }  // 10 s unseen
        let kept = try #require(tracks.first { $0.id == 1 })
        #expect(kept.state == .lost || kept.state == .confirmed)
        #expect(abs(kept.footPoint.x - stopX) < 4 && abs(kept.footPoint.y - 300) < 8,
                "the track stays where the person stands: \(kept.footPoint)")
        #expect(kept.box.height >= 40, "and keeps their size: \(kept.box)")
    }

    @Test("A moving object that vanishes ends after lostTimeout, not stillTimeout")
    func movingObjectTimesOut() throws {
        var tracker = Tracker()
        for f in 0..<20 { _ = try tracker.process(input(f, [blob(footX: 100 + 3 * Double(f), footY: 300)])) }
        var endedAt: Int?
        for f in 20..<60 where endedAt == nil {
            let tracks = try tracker.process(input(f, []))
            if tracks.contains(where: { $0.state == .ended }) { endedAt = f }
        }
        let unseen = Double(try #require(endedAt) - 19) / fps
        #expect(unseen > 1.5 && unseen <= 1.6)
    }

    @Test("A split (a bag left behind) keeps the walker's id and starts a new track for the bag")
    func split() throws {
        var tracker = Tracker()
        var tracks: [Track] = []
        // A person carrying a bag: one blob.
        for f in 0..<15 {
            tracks = try tracker.process(input(f, [blob(footX: 100 + 4 * Double(f), footY: 300, width: 30, height: 60)]))
        }
        #expect(tracks.confirmed.map(\.id) == [1])
        let bagX = 100 + 4 * 14.0
        for f in 15..<40 {
            let person = blob(footX: 100 + 4 * Double(f), footY: 300, width: 24, height: 60)
            let bag = blob(footX: bagX, footY: 300, width: 12, height: 12)
            let parted = (100 + 4 * Double(f)) - bagX > 22
            tracks = try tracker.process(input(f, parted ? [person, bag] : [merged(person, bag)]))
        }
        let walker = try #require(tracks.first { $0.id == 1 })
        #expect(walker.velocity.dx > 30)
        let newTrack = try #require(tracks.confirmed.first { $0.id != 1 })
        #expect(newTrack.id == 2)
        #expect(abs(newTrack.footPoint.x - bagX) < 3 && newTrack.velocity.speed < 3)
    }

    @Test("A flicker seen in too few frames stays tentative and ends, never confirmed")
    func tentativeNotConfirmed() throws {
        var tracker = Tracker()
        var everConfirmed = false, sawTentative = false, sawEnded = false
        for f in 0..<20 {
            // A speck in frames 0 and 2 only, then nothing: 2 hits < 3.
            let tracks = try tracker.process(input(f, f == 0 || f == 2 ? [blob(footX: 300, footY: 200)] : []))
            everConfirmed = everConfirmed || tracks.contains { $0.state == .confirmed }
            sawTentative = sawTentative || tracks.contains { $0.state == .tentative }
            sawEnded = sawEnded || tracks.contains { $0.state == .ended }
        }
        #expect(sawTentative && sawEnded && !everConfirmed)
    }

    @Test("External detections are tracked instead of blobs, with their class; a blob inside one adds nothing")
    func detections() throws {
        var tracker = Tracker()
        var tracks: [Track] = []
        for f in 0..<10 {
            let x = 200 + 6 * f
            let detection = Detection(box: PixelRect(x: x, y: 100, width: 40, height: 100), objectClass: "person", confidence: 0.9)
            let inside = blob(footX: Double(x + 20), footY: 190, width: 30, height: 80)
            tracks = try tracker.process(input(f, [inside], detections: [detection]))
        }
        #expect(tracks.count == 1)
        #expect(tracks[0].objectClass == "person" && tracks[0].state == .confirmed && tracks[0].lastSeenByDetector)
        #expect(abs(tracks[0].box.x - (200 + 6 * 9)) <= 2 && abs(tracks[0].box.height - 100) <= 2)
        // Detections only (no blobs).
        var detectionsOnly = Tracker()
        for f in 0..<5 {
            tracks = try detectionsOnly.process(input(f, [], detections: [Detection(box: PixelRect(x: 10, y: 10, width: 30, height: 60))]))
        }
        #expect(tracks.confirmed.count == 1 && tracks[0].lastSeenByDetector && tracks[0].objectClass == nil)
        // Then seen as a blob only: no longer last seen by the detector (its class stays).
        let seenAsBlob = try tracker.process(input(10, [blob(footX: 280, footY: 200, width: 40, height: 100)]))
        #expect(seenAsBlob.map { ($0.lastSeenByDetector, $0.objectClass) }.elementsEqual([(false, "person")], by: ==),
                "\(seenAsBlob)")
    }

    @Test("A group's blob over two detected people adds no track; a blob beside them still does")
    func blobOverSeveralDetections() throws {
        var tracker = Tracker()
        var tracks: [Track] = []
        for f in 0..<10 {
            let x = 200 + 6 * f
            let people = [Detection(box: PixelRect(x: x, y: 100, width: 40, height: 100), objectClass: "person"),
                          Detection(box: PixelRect(x: x + 40, y: 100, width: 40, height: 100), objectClass: "person")]
            // One blob for the pair, a little wider than them (half of it inside each detection),
            // and a bag on the ground away from them that no detector reports.
            let group = blob(footX: Double(x + 40), footY: 199, width: 90, height: 100)
            let bag = blob(footX: 500, footY: 300, width: 20, height: 16)
            tracks = try tracker.process(input(f, [group, bag], detections: people))
        }
        let confirmed = tracks.confirmed
        #expect(confirmed.count == 3, "two people and the bag: \(confirmed.map { ($0.id, $0.box, $0.objectClass ?? "-") })")
        #expect(confirmed.filter { $0.objectClass == "person" }.count == 2)
        #expect(confirmed.contains { $0.objectClass == nil && abs($0.box.x - 490) <= 2 }, "the bag keeps its track")
    }

    @Test("A blob's part under detections is their union: overlapping or duplicate boxes count once")
    func coverageByDetectionsIsTheirUnion() {
        let car = Box(x0: 0, y0: 0, x1: 120, y1: 100)
        let person = Box(x0: -15, y0: 0, x1: 30, y1: 100)  // over the car's left quarter
        #expect(abs(car.fractionCovered(by: [person]) - 0.25) < 1e-12)
        #expect(abs(car.fractionCovered(by: [person, person]) - 0.25) < 1e-12, "a duplicate adds nothing")
        let overlapping = Box(x0: 20, y0: 50, x1: 60, y1: 150)  // 10x50 shared with the person, 30x50 more of the car
        #expect(abs(car.fractionCovered(by: [person, overlapping]) - (3000.0 + 1500) / 12000) < 1e-12)
        #expect(car.fractionCovered(by: [Box(x0: 200, y0: 0, x1: 240, y1: 100)]) == 0)
        #expect(car.fractionCovered(by: []) == 0)
        #expect(car.fractionCovered(by: [Box(x0: -10, y0: -10, x1: 200, y1: 200)]) == 1)
        #expect(Box(x0: 5, y0: 5, x1: 5, y1: 9).fractionCovered(by: [car]) == 0, "an empty box is covered by nothing")
    }

    @Test("Timestamps must advance; frame sizes must be positive")
    func errors() throws {
        var tracker = Tracker()
        _ = try tracker.process(input(5, []))
        #expect(throws: TrackerError.nonMonotonicTimestamp(previous: Timestamp(frameIndex: 5, framesPerSecond: fps),
                                                          current: Timestamp(frameIndex: 5, framesPerSecond: fps))) {
            try tracker.process(input(5, []))
        }
        #expect(throws: TrackerError.self) { try tracker.process(input(3, [])) }
        #expect(throws: TrackerError.invalidFrameSize(width: 0, height: 10)) {
            try tracker.process(Tracker.Input(timestamp: Timestamp(seconds: 9), frameWidth: 0, frameHeight: 10, blobs: []))
        }
    }

    @Test("A varying frame rate gives the same velocity in px/s")
    func varyingFrameRate() throws {
        var tracker = Tracker()
        var t = 0.0, tracks: [Track] = []
        for f in 0..<40 {
            t += f % 3 == 0 ? 0.2 : 0.05
            tracks = try tracker.process(Tracker.Input(timestamp: Timestamp(seconds: t), frameWidth: 640, frameHeight: 480,
                                                       blobs: [blob(footX: 50 + 30 * t, footY: 300)]))
        }
        #expect(abs(tracks[0].velocity.dx - 30) < 1.5, "vx \(tracks[0].velocity.dx)")
    }

    @Test("Trajectories keep the last N points, oldest first")
    func trajectoryRing() {
        var trajectory = Trajectory(capacity: 4)
        for i in 0..<10 {
            trajectory.append(TrajectoryPoint(footPoint: PixelPoint(x: Double(i), y: 0), timestamp: Timestamp(seconds: Double(i))))
        }
        #expect(trajectory.map(\.footPoint.x) == [6, 7, 8, 9])
    }
}

@Suite("Kalman filter")
struct KalmanFilterTests {
    @Test("Prediction moves the state by v·dt and grows the covariance as F P Fᵀ + Q")
    func prediction() {
        var axis = AxisFilter(position: 10, positionVariance: 4, velocityVariance: 9)
        axis.velocity = 3
        axis.p01 = 1
        axis.predict(dt: 0.5, accelerationNoise: 2)
        #expect(axis.position == 11.5)
        #expect(axis.velocity == 3)
        // F P Fᵀ = [[4 + 2·0.5·1 + 0.25·9, 1 + 0.5·9], [·, 9]], Q = 2 [[0.125/3, 0.125], [0.125, 0.5]]
        #expect(abs(axis.p00 - (4 + 1 + 2.25 + 2 * 0.125 / 3)) < 1e-12)
        #expect(abs(axis.p01 - (1 + 4.5 + 0.25)) < 1e-12)
        #expect(abs(axis.p11 - (9 + 1)) < 1e-12)
    }

    @Test("Update moves the estimate toward the measurement by the Kalman gain and shrinks the variance")
    func update() {
        var axis = AxisFilter(position: 0, positionVariance: 3, velocityVariance: 5)
        axis.p01 = 2
        axis.update(measurement: 4, measurementNoise: 1)
        // S = 4, K = [0.75, 0.5]
        #expect(axis.position == 3 && axis.velocity == 2)
        #expect(abs(axis.p00 - 0.75) < 1e-12 && abs(axis.p01 - 0.5) < 1e-12 && abs(axis.p11 - 4) < 1e-12)
    }

    @Test("A filter fed a constant-velocity path converges to the velocity and predicts ahead")
    func convergence() {
        var filter = BoxFilter(footX: 0, footY: 100, width: 20, height: 50, measurementNoise: 0.05)
        for i in 1...50 {
            filter.predict(dt: 0.1, acceleration: 1, sizeChange: 0.2)
            filter.update(footX: 12 * 0.1 * Double(i), footY: 100 - 0.5 * Double(i), width: 20, height: 50, noise: 0.05)
        }
        #expect(abs(filter.x.velocity - 12) < 0.5 && abs(filter.y.velocity + 5) < 0.5)
        filter.predict(dt: 1, acceleration: 1, sizeChange: 0.2)
        #expect(abs(filter.x.position - 72) < 1 && abs(filter.y.position - 70) < 1)
    }
}

@Suite("Hungarian algorithm")
struct HungarianTests {
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    }

    /// Least total cost over every assignment of min(rows, columns) pairs.
    static func bruteForce(_ costs: [Double], rows: Int, columns: Int) -> Double {
        var best = Double.infinity
        var usedColumns = [Bool](repeating: false, count: columns)
        func go(_ r: Int, _ skipped: Int, _ total: Double) {
            if r == rows { best = min(best, total); return }
            if skipped < rows - min(rows, columns) { go(r + 1, skipped + 1, total) }
            for c in 0..<columns where !usedColumns[c] {
                usedColumns[c] = true
                go(r + 1, skipped, total + costs[r * columns + c])
                usedColumns[c] = false
            }
        }
        go(0, 0, 0)
        return best
    }

    @Test("Matches brute force on random rectangular matrices up to 6 x 6")
    func againstBruteForce() {
        var random = Random(state: 42)
        var solver = HungarianSolver()
        for trial in 0..<400 {
            let rows = Int(random.next() % 6) + 1, columns = Int(random.next() % 6) + 1
            let integers = trial % 2 == 0  // ties exercise degenerate cases
            let costs = (0..<(rows * columns)).map { _ in integers ? Double(random.next() % 4) : random.unit() }
            let assignment = solver.solve(costs, rows: rows, columns: columns)
            #expect(assignment.count == rows)
            let assigned = assignment.filter { $0 >= 0 }
            #expect(assigned.count == min(rows, columns))
            #expect(Set(assigned).count == assigned.count, "a column used twice: \(assignment)")
            let total = HungarianSolver.totalCost(costs, columns: columns, assignment: assignment)
            let best = Self.bruteForce(costs, rows: rows, columns: columns)
            #expect(abs(total - best) < 1e-9, "\(rows)x\(columns): \(total) vs \(best)")
        }
    }

    @Test("Empty matrices")
    func empty() {
        var solver = HungarianSolver()
        #expect(solver.solve([], rows: 0, columns: 3).isEmpty)
        #expect(solver.solve([], rows: 2, columns: 0) == [-1, -1])
    }
}
