import Foundation
import VigieCore
import VigieEvents
import VigieTracking

/// `crowdMovement`: a sudden rise of movement in a zone — several people running at once, or
/// moving apart from a common point — against the zone's own rolling baseline.
///
/// Speeds are measured in body heights per second (a track's speed divided by its own box
/// height), which needs no calibration and holds near and far from the camera: walking is about
/// 0.8 heights/s, running 2 and more.
///
/// Each frame, over the person-shaped tracks in the zone:
/// - **running**: tracks faster than `runningSpeed` (1.6 heights/s);
/// - **energy**: the sum of their speeds (heights/s);
/// - **dispersion**: the mean speed away from the group's centre (heights/s), positive when
///   people scatter.
///
/// The situation starts when at least `minRunning` (3) people run — and at least twice as many
/// as usually run there — the energy is at least `energyRise` (2) times the zone's baseline, and
/// the runners do not move as one rigid body. Baselines are slow averages (about a minute) of
/// the zone's energy and number of runners on calm frames, so a zone where people always hurry
/// (a platform at departure time, a sports ground) raises its own bar. What is not a crowd movement:
/// - **a train or a bus arriving**: wider than tall, it is not person-shaped; and when its blob
///   breaks into pieces, the pieces move with one velocity (coherent) — discounted;
/// - **people walking**, even many: below the running speed;
/// - **a zone where people always hurry**: the baseline rises with them;
/// - **swaying vegetation, flags, flickering light**: their blobs are person-sized and fast, but
///   go back and forth; a runner's foot point over the speed window goes one way (its net
///   displacement is at least `minStraightness` (0.6) of the path it travelled), so a track
///   whose path folds back on itself is not running; and a runner is a track seen on this
///   frame (confirmed), not one the tracker coasts on its last velocity.
public struct CrowdMovementRule: Rule {
    /// Running: faster than this many own-box heights per second.
    static let runningSpeed = 1.6
    /// People running at once for a crowd movement.
    static let minRunning = 3
    /// How many times the baseline energy (and number of runners) a rise must reach.
    static let energyRise = 2.0
    /// Baseline time constant, seconds.
    static let baselineSeconds = 60.0
    /// A baseline floor, heights/s: so a quiet zone (baseline near 0) needs real running.
    static let baselineFloor = 1.0
    /// Velocities closer than this fraction of their speed are one rigid body.
    static let rigidTolerance = 0.15
    /// Width / height of a person's box (a leg or a fragment is thinner, a vehicle wider).
    static let personAspect = 0.15...1.0
    /// Speed is measured over this many seconds of trajectory (a new track's filtered velocity
    /// is not yet reliable), and not before half of it has elapsed.
    static let speedWindow = 0.6
    /// Net displacement over path length, over the speed window and over the longer
    /// `straightWindow`, for a track to count as running.
    static let minStraightness = 0.6
    /// Seconds of trajectory (or the track's life, if shorter) that must not fold back either: a
    /// branch swinging one way for half a second swings back within the next second, someone
    /// running keeps going.
    static let straightWindow = 1.5

    let common: RuleCommon
    let zone: Zone
    var lifecycle: EventLifecycle
    var ids: EventIDSequence
    /// The zone's slow average energy, heights/s.
    public private(set) var baseline = 0.0
    /// The zone's slow average number of runners.
    public private(set) var baselineRunners = 0.0
    // Scratch, indices into `RuleInput.tracks`: no `Track` is kept past the frame (a kept copy
    // would make the tracker copy its trajectory storage on its next update).
    var people: [Int] = []
    var runners: [Int] = []
    var lastTime: Timestamp?

    init(_ common: RuleCommon, zone: Zone) {
        self.common = common
        self.zone = zone
        lifecycle = EventLifecycle(common.lifecycle)
        ids = EventIDSequence(cameraID: common.cameraID, ruleID: common.id, session: common.session)
    }

    /// The rule's id.
    public var id: String { common.id }

    /// One frame.
    public mutating func evaluate(_ input: RuleInput) throws -> [Event] {
        let now = input.timestamp
        // Scratch arrays kept between frames: a quiet frame allocates nothing.
        people.removeAll(keepingCapacity: true)
        runners.removeAll(keepingCapacity: true)
        var energy = 0.0
        for (index, track) in input.tracks.enumerated() {
            let aspect = Double(track.box.width) / Double(max(track.box.height, 1))
            guard common.isEligible(track, input), Self.personAspect.contains(aspect),
                  zone.contains(input.normalisedFootPoint(of: track)) else { continue }
            people.append(index)
            let speed = Self.bodySpeed(track, now: now)
            energy += speed
            // A runner is measured, not predicted: a track the tracker is coasting (lost) moves on
            // its last velocity, which for a swaying branch or a flicker is a guess.
            if speed >= Self.runningSpeed, track.state == .confirmed, !Self.movesRigidlyWithAny(track, runners.lazy.map { input.tracks[$0] }) {
                runners.append(index)
            }
        }
        let dispersion = Self.dispersion(people.lazy.map { input.tracks[$0] })
        let runners = self.runners
        let reference = max(baseline, Self.baselineFloor)
        let rising = energy >= Self.energyRise * reference
            && Double(runners.count) >= Self.energyRise * baselineRunners
        let holding = lifecycle.isStarted
        let active = runners.count >= Self.minRunning && (rising || holding)
        // The baseline learns from calm frames only, so a long alarm does not teach it.
        if let lastTime, !active {
            let dt = now.seconds - lastTime.seconds
            let a = min(1, dt / Self.baselineSeconds)
            baseline += (energy - baseline) * a
            baselineRunners += (Double(runners.count) - baselineRunners) * a
        }
        lastTime = now
        var measurements = EventMeasurements(count: runners.count)
        measurements.speedNormalisedPerSecond = energy / Double(max(people.count, 1))
        measurements.reason = dispersion > Self.runningSpeed / 2 ? "dispersion" : "running"
        let zoneID = zone.id
        let event = try lifecycle.observe(active: common.isScheduled(at: now) && active, at: now, ids: &ids) { t in
            makeEvent(t, kind: .crowdMovement, zoneID: zoneID, objects: runners.map { input.eventObject(for: input.tracks[$0]) },
                      measurements: measurements)
        }
        return event.map { [$0] } ?? []
    }

    /// A track's speed in own-box heights per second, from its displacement over the last
    /// `speedWindow` seconds of trajectory; 0 for a track younger than half the window, and 0 for
    /// a track whose path over the window, or over the last `straightWindow` seconds, folds back
    /// (net displacement below `minStraightness` of the path length: something swaying, not going
    /// anywhere).
    static func bodySpeed(_ track: Track, now: Timestamp) -> Double {
        let trajectory = track.trajectory
        guard let last = trajectory.last,
              let firstIndex = trajectory.firstIndex(where: { now.seconds - $0.timestamp.seconds <= speedWindow })
        else { return 0 }
        let first = trajectory[firstIndex]
        let span = last.timestamp.seconds - first.timestamp.seconds
        guard span >= speedWindow / 2 else { return 0 }
        let (net, path) = netAndPath(trajectory, from: firstIndex)
        guard net >= minStraightness * path else { return 0 }
        // Over the longer window when the track is that old (people who scatter from a group
        // are often new tracks, judged on the speed window alone).
        if let longIndex = trajectory.firstIndex(where: { now.seconds - $0.timestamp.seconds <= straightWindow }),
           longIndex < firstIndex {
            let (longNet, longPath) = netAndPath(trajectory, from: longIndex)
            guard longNet >= minStraightness * longPath else { return 0 }
        }
        return net / span / Double(max(track.box.height, 1))
    }

    /// Net displacement and path length of the foot point from trajectory index `start` to the end.
    static func netAndPath(_ trajectory: Trajectory, from start: Int) -> (net: Double, path: Double) {
        let first = trajectory[start].footPoint
        guard let last = trajectory.last?.footPoint else { return (0, 0) }
        let net = ((last.x - first.x) * (last.x - first.x) + (last.y - first.y) * (last.y - first.y)).squareRoot()
        var path = 0.0
        var previous = first
        for i in (start + 1)..<trajectory.endIndex {
            let p = trajectory[i].footPoint
            path += ((p.x - previous.x) * (p.x - previous.x) + (p.y - previous.y) * (p.y - previous.y)).squareRoot()
            previous = p
        }
        return (net, path)
    }

    /// Whether `t` moves as one rigid body with a runner already counted (same velocity within
    /// `rigidTolerance`, boxes touching): the pieces of a train's blob are not three runners.
    static func movesRigidlyWithAny(_ t: Track, _ kept: some Collection<Track>) -> Bool {
        kept.contains { k in
            let dv = PixelVelocity(dx: t.velocity.dx - k.velocity.dx, dy: t.velocity.dy - k.velocity.dy).speed
            let gap = max(k.box.x - (t.box.x + t.box.width), t.box.x - (k.box.x + k.box.width), 0)
            return dv <= rigidTolerance * max(t.velocity.speed, k.velocity.speed) && gap <= max(t.box.height, k.box.height) / 4
        }
    }

    /// Mean speed away from the group's centre, in own-box heights per second (0 for fewer
    /// than two tracks).
    static func dispersion(_ tracks: some Collection<Track>) -> Double {
        guard tracks.count >= 2 else { return 0 }
        var cx = 0.0, cy = 0.0
        for t in tracks {
            cx += t.footPoint.x
            cy += t.footPoint.y
        }
        cx /= Double(tracks.count)
        cy /= Double(tracks.count)
        var total = 0.0
        for t in tracks {
            let rx = t.footPoint.x - cx, ry = t.footPoint.y - cy
            let r = (rx * rx + ry * ry).squareRoot()
            guard r > 0 else { continue }
            total += (t.velocity.dx * rx + t.velocity.dy * ry) / r / Double(max(t.box.height, 1))
        }
        return total / Double(tracks.count)
    }

    /// Ends an open crowd-movement event.
    public mutating func finish(at time: Timestamp) throws -> [Event] {
        guard let t = try lifecycle.close(at: time) else { return [] }
        return [makeEvent(t, kind: .crowdMovement, zoneID: zone.id, objects: [])]
    }
}
