import Foundation
import VigieCore
import VigieEvents
import VigieTracking

/// `projectile`: a small, fast, short-lived object on a straight or ballistic path that crosses
/// into a zone — something thrown over a school fence onto the playground.
///
/// A thrown object moves its own size or more between frames, which a tracker built for walking
/// objects cannot follow (every frame gives it a new tentative track). So the rule links small
/// observations itself: each frame, the boxes of tracks observed in that frame and no larger than
/// `maxSize` (10 %) of the image height are points; a point extends the chain whose predicted
/// position (constant velocity) it falls near, or starts a chain. A chain is a projectile when,
/// over `minPoints` (4) or more points:
/// - it is **fast**: at least `minSpeed` (0.4) image heights per second, and at least 4 of its
///   own sizes per second (a person far away is small but not that fast for its size);
/// - it is **short-lived**: at most `maxAge` (4) seconds — a thrown object lands or leaves;
/// - its path is **straight or ballistic**: x linear and y quadratic in time (gravity) with a
///   residual under 4 % of the distance travelled; a bird's wandering flight is not;
/// - it **enters the zone**: an earlier point outside, the latest inside (points are box centres:
///   an object in flight has no foot point).
///
/// A projectile is an instant: `started` and `ended` come together, once per chain.
/// The rule's `minObjectSize` is not a lower bound here (projectiles are small); `classes`
/// still apply when an external detector labels objects.
public struct ProjectileRule: Rule {
    static let maxSize = 0.10
    static let minSpeed = 0.4
    static let minSizesPerSecond = 4.0
    static let maxAge = 4.0
    static let minPoints = 4
    static let maxResidual = 0.04
    /// The fastest object linked, image heights per second (a hard throw seen close).
    static let maxSpeed = 4.0
    /// A chain not extended for this long is dropped, seconds.
    static let maxGap = 0.3

    struct Chain {
        var points: [TrajectoryPoint]
        var size: Double
        var reported = false
    }

    let common: RuleCommon
    let zone: Zone
    var chains: [Chain] = []
    // Scratch, reused every frame.
    /// This frame's small observations; `track` indexes `RuleInput.tracks` (no `Track` is kept
    /// past the frame: a kept copy would make the tracker copy its trajectory storage).
    var observed: [(point: PixelPoint, size: Double, track: Int)] = []
    var taken: [Bool] = []
    var extended = Set<Int>()
    var pairs: [(distance: Double, chain: Int, point: Int)] = []
    /// Point storage of dropped chains, reused by new ones.
    var sparePoints: [[TrajectoryPoint]] = []
    static let maxSpareChains = 256
    /// Points reserved for a new chain: most chains are short-lived; longer ones grow once and
    /// keep their storage when recycled.
    static let typicalChainLength = 32
    var ids: EventIDSequence

    init(_ common: RuleCommon, zone: Zone) {
        self.common = common
        self.zone = zone
        ids = EventIDSequence(cameraID: common.cameraID, ruleID: common.id, session: common.session)
    }

    /// The rule's id.
    public var id: String { common.id }

    /// Whether a chain is over: not extended for `maxGap` seconds, or older than `maxAge`.
    static func isOver(_ chain: Chain, at now: Timestamp) -> Bool {
        now.seconds - chain.points[chain.points.count - 1].timestamp.seconds > Self.maxGap
            || now.seconds - chain.points[0].timestamp.seconds > Self.maxAge
    }

    /// One frame.
    public mutating func evaluate(_ input: RuleInput) throws -> [Event] {
        let now = input.timestamp
        let h = Double(input.frameHeight), w = Double(input.frameWidth)
        // Chains not extended lately, or older than a flight lasts, are dropped (their point
        // storage kept for new chains: a new chain allocates nothing in steady state).
        for chain in chains where Self.isOver(chain, at: now) && sparePoints.count < Self.maxSpareChains {
            sparePoints.append(chain.points)
        }
        chains.removeAll { Self.isOver($0, at: now) }
        // This frame's small observations.
        observed.removeAll(keepingCapacity: true)
        for (index, track) in input.tracks.enumerated() where track.state != .ended && track.lastSeen == now {
            if let classes = common.configuration.classes {
                guard let c = track.objectClass, classes.contains(c) else { continue }
            }
            let size = Double(max(track.box.width, track.box.height))
            guard size <= Self.maxSize * h else { continue }
            let centre = PixelPoint(x: Double(track.box.x) + Double(track.box.width) / 2,
                                    y: Double(track.box.y) + Double(track.box.height) / 2)
            observed.append((centre, size, index))
        }
        // Greedy nearest linking to predicted chain positions.
        taken.removeAll(keepingCapacity: true)
        taken.append(contentsOf: repeatElement(false, count: observed.count))
        extended.removeAll(keepingCapacity: true)
        pairs.removeAll(keepingCapacity: true)
        for (c, chain) in chains.enumerated() {
            let last = chain.points[chain.points.count - 1]
            let dt = now.seconds - last.timestamp.seconds
            guard dt > 0 else { continue }
            var predicted = last.footPoint
            var tolerance = Self.maxSpeed * h * dt
            if chain.points.count >= 2 {
                let before = chain.points[chain.points.count - 2]
                let step = last.timestamp.seconds - before.timestamp.seconds
                if step > 0 {
                    predicted.x += (last.footPoint.x - before.footPoint.x) / step * dt
                    predicted.y += (last.footPoint.y - before.footPoint.y) / step * dt
                    // Gravity and drag bend the path: allow a third of the step, at least two sizes.
                    let speed = hypot(last.footPoint.x - before.footPoint.x, last.footPoint.y - before.footPoint.y) / step
                    tolerance = max(2 * chain.size, speed * dt / 3)
                }
            }
            for (i, o) in observed.enumerated() {
                let d = hypot(o.point.x - predicted.x, o.point.y - predicted.y)
                if d <= tolerance { pairs.append((d, c, i)) }
            }
        }
        pairs.sort { $0.distance < $1.distance }
        for pair in pairs where !taken[pair.point] && !extended.contains(pair.chain) {
            taken[pair.point] = true
            extended.insert(pair.chain)
            chains[pair.chain].points.append(TrajectoryPoint(footPoint: observed[pair.point].point, timestamp: now))
            chains[pair.chain].size = max(chains[pair.chain].size, observed[pair.point].size)
        }
        for (i, o) in observed.enumerated() where !taken[i] {
            var points = sparePoints.popLast() ?? []
            points.removeAll(keepingCapacity: true)
            points.reserveCapacity(Self.typicalChainLength)
            points.append(TrajectoryPoint(footPoint: o.point, timestamp: now))
            chains.append(Chain(points: points, size: o.size))
        }
        // Decide.
        var events: [Event] = []
        guard common.isScheduled(at: now) else { return events }
        for c in chains.indices where extended.contains(c) && !chains[c].reported {
            let chain = chains[c]
            let age = now.seconds - chain.points[0].timestamp.seconds
            guard chain.points.count >= Self.minPoints, age <= Self.maxAge else { continue }
            // Cheap tests first (no allocation): entering the zone, and fast end to end (the path
            // is at least as long as its chord; half the speed threshold leaves room for arcs).
            func normalised(_ p: TrajectoryPoint) -> NormalisedPoint {
                NormalisedPoint(x: p.footPoint.x / w, y: p.footPoint.y / h)
            }
            let first = chain.points[0], last = chain.points[chain.points.count - 1]
            guard zone.contains(normalised(last)),
                  chain.points.dropLast().contains(where: { !zone.contains(normalised($0)) }) else { continue }
            let chord = hypot(last.footPoint.x - first.footPoint.x, last.footPoint.y - first.footPoint.y)
            guard chord / max(age, 1e-6) >= 0.5 * Self.minSpeed * h, let fit = Self.fitPath(chain.points) else { continue }
            let speed = fit.distance / max(fit.duration, 1e-6)
            guard speed >= Self.minSpeed * h, speed >= Self.minSizesPerSecond * max(chain.size, 1),
                  fit.residual <= Self.maxResidual * fit.distance else { continue }
            chains[c].reported = true
            let before = chain.points[chain.points.count - 2]
            var measurements = EventMeasurements()
            measurements.speedNormalisedPerSecond = speed / h
            measurements.directionDegrees = atan2(last.footPoint.y - before.footPoint.y,
                                                  last.footPoint.x - before.footPoint.x) * 180 / .pi
            let track = observed.first { $0.point == last.footPoint }.map { input.tracks[$0.track] }
            let objects = track.map { [input.eventObject(for: $0)] } ?? []
            let number = ids.next()
            let started = Event(id: Event.makeID(cameraID: common.cameraID, ruleID: common.id,
                                                   session: common.session, sequence: number),
                                kind: .projectile, phase: .started, ruleID: common.id, zoneID: zone.id,
                                cameraID: common.cameraID, startTime: chain.points[0].timestamp, time: now,
                                objects: objects, measurements: measurements)
            var ended = started
            ended.phase = .ended
            ended.endTime = now
            events += [started, ended]
        }
        return events
    }

    /// Fits x = a + b t and y = c + d t + e t² to a path; returns the RMS residual (pixels), the
    /// path length and its duration. Nil when the points span no time or the fit is singular.
    /// Sums of powers of t and the normal equations solved in closed form: no allocation.
    static func fitPath(_ points: [TrajectoryPoint]) -> (residual: Double, distance: Double, duration: Double)? {
        guard points.count >= 3, let t0 = points.first?.timestamp.seconds,
              let t1 = points.last?.timestamp.seconds, t1 > t0 else { return nil }
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0, s4 = 0.0
        var sx = 0.0, stx = 0.0, sy = 0.0, sty = 0.0, stty = 0.0
        for p in points {
            let t = p.timestamp.seconds - t0, t2 = t * t
            s0 += 1; s1 += t; s2 += t2; s3 += t2 * t; s4 += t2 * t2
            sx += p.footPoint.x; stx += t * p.footPoint.x
            sy += p.footPoint.y; sty += t * p.footPoint.y; stty += t2 * p.footPoint.y
        }
        guard let line = solveLinear2(s0, s1, s1, s2, sx, stx),
              let parabola = solveLinear3(SIMD3(s0, s1, s2), SIMD3(s1, s2, s3), SIMD3(s2, s3, s4),
                                          SIMD3(sy, sty, stty)) else { return nil }
        var squared = 0.0, distance = 0.0
        for i in points.indices {
            let t = points[i].timestamp.seconds - t0
            let x = points[i].footPoint.x, y = points[i].footPoint.y
            let ex = x - (line.0 + line.1 * t)
            let ey = y - (parabola.x + parabola.y * t + parabola.z * t * t)
            squared += ex * ex + ey * ey
            if i > 0 {
                let dx = x - points[i - 1].footPoint.x, dy = y - points[i - 1].footPoint.y
                distance += (dx * dx + dy * dy).squareRoot()
            }
        }
        return ((squared / Double(points.count)).squareRoot(), distance, t1 - t0)
    }

    /// Solves [[a, b], [c, d]] x = [e, f] by Cramer's rule; nil when singular.
    static func solveLinear2(_ a: Double, _ b: Double, _ c: Double, _ d: Double,
                             _ e: Double, _ f: Double) -> (Double, Double)? {
        let det = a * d - b * c
        guard abs(det) > 1e-12 * max(abs(a * d), abs(b * c), 1e-300) else { return nil }
        return ((e * d - b * f) / det, (a * f - e * c) / det)
    }

    /// Solves the 3x3 system with rows `r0`, `r1`, `r2` and right-hand side `v` by Cramer's rule
    /// (the matrix of normal equations is symmetric positive semi-definite); nil when singular.
    static func solveLinear3(_ r0: SIMD3<Double>, _ r1: SIMD3<Double>, _ r2: SIMD3<Double>,
                             _ v: SIMD3<Double>) -> SIMD3<Double>? {
        func det(_ a: SIMD3<Double>, _ b: SIMD3<Double>, _ c: SIMD3<Double>) -> Double {
            a.x * (b.y * c.z - b.z * c.y) - a.y * (b.x * c.z - b.z * c.x) + a.z * (b.x * c.y - b.y * c.x)
        }
        let d = det(r0, r1, r2)
        func largestMagnitude(_ r: SIMD3<Double>) -> Double { max(Swift.abs(r.x), Swift.abs(r.y), Swift.abs(r.z)) }
        let largest = max(largestMagnitude(r0), largestMagnitude(r1), largestMagnitude(r2))
        let scale = max(largest * largest * largest, 1e-300)
        guard abs(d) > 1e-12 * scale else { return nil }
        // Replace each column in turn by v.
        let dx = det(SIMD3(v.x, r0.y, r0.z), SIMD3(v.y, r1.y, r1.z), SIMD3(v.z, r2.y, r2.z))
        let dy = det(SIMD3(r0.x, v.x, r0.z), SIMD3(r1.x, v.y, r1.z), SIMD3(r2.x, v.z, r2.z))
        let dz = det(SIMD3(r0.x, r0.y, v.x), SIMD3(r1.x, r1.y, v.y), SIMD3(r2.x, r2.y, v.z))
        return SIMD3(dx, dy, dz) / d
    }

    /// Projectiles are instants: nothing stays open.
    public mutating func finish(at time: Timestamp) throws -> [Event] { [] }
}
