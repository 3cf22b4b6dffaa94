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
    var observed: [(point: PixelPoint, size: Double, track: Track)] = []
    var taken: [Bool] = []
    var extended = Set<Int>()
    var pairs: [(distance: Double, chain: Int, point: Int)] = []
    var ids: EventIDSequence

    init(_ common: RuleCommon, zone: Zone) {
        self.common = common
        self.zone = zone
        ids = EventIDSequence(cameraID: common.cameraID, ruleID: common.id)
    }

    /// The rule's id.
    public var id: String { common.id }

    /// One frame.
    public mutating func evaluate(_ input: RuleInput) throws -> [Event] {
        let now = input.timestamp
        let h = Double(input.frameHeight), w = Double(input.frameWidth)
        // Chains not extended lately, or older than a flight lasts, are dropped.
        chains.removeAll {
            now.seconds - $0.points.last!.timestamp.seconds > Self.maxGap
                || now.seconds - $0.points[0].timestamp.seconds > Self.maxAge
        }
        // This frame's small observations.
        observed.removeAll(keepingCapacity: true)
        for track in input.tracks where track.state != .ended && track.lastSeen == now {
            if let classes = common.configuration.classes {
                guard let c = track.objectClass, classes.contains(c) else { continue }
            }
            let size = Double(max(track.box.width, track.box.height))
            guard size <= Self.maxSize * h else { continue }
            let centre = PixelPoint(x: Double(track.box.x) + Double(track.box.width) / 2,
                                    y: Double(track.box.y) + Double(track.box.height) / 2)
            observed.append((centre, size, track))
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
            chains.append(Chain(points: [TrajectoryPoint(footPoint: o.point, timestamp: now)], size: o.size))
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
            let track = observed.first { $0.point == last.footPoint }?.track
            let objects = track.map { [input.eventObject(for: $0)] } ?? []
            let number = ids.next()
            let started = Event(id: Event.makeID(cameraID: common.cameraID, ruleID: common.id, sequence: number),
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
    /// path length and its duration. Nil when the points span no time.
    static func fitPath(_ points: [TrajectoryPoint]) -> (residual: Double, distance: Double, duration: Double)? {
        guard let t0 = points.first?.timestamp.seconds, let t1 = points.last?.timestamp.seconds, t1 > t0 else { return nil }
        let ts = points.map { $0.timestamp.seconds - t0 }
        let xs = points.map(\.footPoint.x), ys = points.map(\.footPoint.y)
        guard let lineX = leastSquares(ts, xs, degree: 1), let parabolaY = leastSquares(ts, ys, degree: 2) else { return nil }
        var squared = 0.0, distance = 0.0
        for i in points.indices {
            let t = ts[i]
            let ex = xs[i] - (lineX[0] + lineX[1] * t)
            let ey = ys[i] - (parabolaY[0] + parabolaY[1] * t + parabolaY[2] * t * t)
            squared += ex * ex + ey * ey
            if i > 0 {
                let dx = xs[i] - xs[i - 1], dy = ys[i] - ys[i - 1]
                distance += (dx * dx + dy * dy).squareRoot()
            }
        }
        return ((squared / Double(points.count)).squareRoot(), distance, t1 - t0)
    }

    /// Polynomial least squares of `degree` 1 or 2 (normal equations, Gaussian elimination);
    /// coefficients from the constant term up. Nil when singular.
    static func leastSquares(_ t: [Double], _ v: [Double], degree: Int) -> [Double]? {
        let n = degree + 1
        guard t.count >= n else { return nil }
        var a = [[Double]](repeating: [Double](repeating: 0, count: n + 1), count: n)
        for (ti, vi) in zip(t, v) {
            var powers = [Double](repeating: 1, count: 2 * n)
            for k in 1..<(2 * n) { powers[k] = powers[k - 1] * ti }
            for r in 0..<n {
                for c in 0..<n { a[r][c] += powers[r + c] }
                a[r][n] += vi * powers[r]
            }
        }
        for col in 0..<n {
            guard let pivot = (col..<n).max(by: { abs(a[$0][col]) < abs(a[$1][col]) }), abs(a[pivot][col]) > 1e-12 else {
                return nil
            }
            a.swapAt(col, pivot)
            for r in 0..<n where r != col {
                let f = a[r][col] / a[col][col]
                for c in col...n { a[r][c] -= f * a[col][c] }
            }
        }
        return (0..<n).map { a[$0][n] / a[$0][$0] }
    }

    /// Projectiles are instants: nothing stays open.
    public mutating func finish(at time: Timestamp) throws -> [Event] { [] }
}
