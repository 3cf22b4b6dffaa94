import Foundation
import VigieCore
import VigieEvents
import VigieTracking

/// Builds an event of `kind` from a lifecycle transition.
func makeEvent(_ t: EventLifecycle.Transition, kind: EventKind, zoneID: String? = nil, lineID: String? = nil,
               objects: [EventObject], measurements: EventMeasurements = EventMeasurements(), score: Double = 1) -> Event {
    Event(t, kind: kind, zoneID: zoneID, lineID: lineID, objects: objects, measurements: measurements, score: score)
}

// MARK: - Intrusion

/// `intrusion`: someone's foot point inside a zone for at least `minDuration` seconds.
///
/// One situation per zone, not per track: "the zone is occupied" starts once and ends when the
/// zone has been empty for a second, so a track id changing (occlusion, a group splitting) does
/// not raise a second alert. The event lists every track inside.
public struct IntrusionRule: Rule {
    let common: RuleCommon
    let zone: Zone
    var lifecycle: EventLifecycle
    var ids: EventIDSequence

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
        let scheduled = common.isScheduled(at: input.timestamp)
        let (common, zone) = (self.common, self.zone)
        func isInside(_ track: Track) -> Bool {
            common.isEligible(track, input) && zone.contains(input.normalisedFootPoint(of: track))
        }
        let occupied = input.tracks.contains(where: isInside)
        // The objects are listed only when an event is raised: a quiet frame allocates nothing.
        let event = try lifecycle.observe(active: scheduled && occupied, at: input.timestamp, ids: &ids) { t in
            let objects = input.tracks.filter(isInside).map(input.eventObject(for:))
            return makeEvent(t, kind: .intrusion, zoneID: zone.id, objects: objects,
                             measurements: EventMeasurements(count: objects.count))
        }
        return event.map { [$0] } ?? []
    }

    /// Ends an open intrusion.
    public mutating func finish(at time: Timestamp) throws -> [Event] {
        guard let t = try lifecycle.close(at: time) else { return [] }
        return [makeEvent(t, kind: .intrusion, zoneID: zone.id, objects: [])]
    }
}

// MARK: - Per-track state shared by loitering and wrong way

/// Lifecycles kept per track id, dropped when the track ends.
struct PerTrack<Extra> {
    var lifecycle: EventLifecycle
    var extra: Extra
}

// MARK: - Loitering

/// `loitering`: a track's cumulative time inside a zone reaches `maxDwell` seconds. Short
/// excursions out of the zone do not reset the count; the event ends when the track leaves the
/// zone (for a second) or ends.
public struct LoiteringRule: Rule {
    let common: RuleCommon
    let zone: Zone
    let maxDwell: Double
    var tracks: [Int: PerTrack<(dwell: Double, last: Timestamp?)>] = [:]
    var seen = Set<Int>()  // scratch, reused every frame
    var ids: EventIDSequence

    init(_ common: RuleCommon, zone: Zone) {
        self.common = common
        self.zone = zone
        maxDwell = common.configuration.maxDwell ?? RuleConfiguration.defaultMaxDwell
        ids = EventIDSequence(cameraID: common.cameraID, ruleID: common.id, session: common.session)
    }

    /// The rule's id.
    public var id: String { common.id }

    /// One frame.
    public mutating func evaluate(_ input: RuleInput) throws -> [Event] {
        var events: [Event] = []
        let scheduled = common.isScheduled(at: input.timestamp)
        seen.removeAll(keepingCapacity: true)
        var config = common.lifecycle
        config.minDuration = 0  // the dwell threshold is the duration
        for track in input.tracks where track.state != .tentative {
            seen.insert(track.id)
            var state = tracks[track.id] ?? PerTrack(lifecycle: EventLifecycle(config), extra: (0, nil))
            let inside = track.state != .ended && common.isEligible(track, input)
                && zone.contains(input.normalisedFootPoint(of: track))
            if inside, let last = state.extra.last { state.extra.dwell += input.timestamp.seconds - last.seconds }
            state.extra.last = inside ? input.timestamp : nil
            let dwell = state.extra.dwell
            let object = input.eventObject(for: track)
            let zoneID = zone.id
            if track.state == .ended {
                if let t = try state.lifecycle.close(at: input.timestamp) {
                    events.append(makeEvent(t, kind: .loitering, zoneID: zoneID, objects: [object],
                                            measurements: EventMeasurements(dwellSeconds: dwell)))
                }
                tracks[track.id] = nil
                continue
            }
            if let e = try state.lifecycle.observe(active: scheduled && inside && dwell >= maxDwell, at: input.timestamp,
                                                   ids: &ids, makeEvent: { t in
                makeEvent(t, kind: .loitering, zoneID: zoneID, objects: [object],
                          measurements: EventMeasurements(dwellSeconds: dwell))
            }) { events.append(e) }
            tracks[track.id] = state
        }
        // Tracks that vanished without an `ended` report.
        for (trackID, var state) in tracks where !seen.contains(trackID) {
            if let t = try state.lifecycle.close(at: input.timestamp) {
                events.append(makeEvent(t, kind: .loitering, zoneID: zone.id, objects: [],
                                        measurements: EventMeasurements(dwellSeconds: state.extra.dwell)))
            }
            tracks[trackID] = nil
        }
        return events
    }

    /// Ends every open loitering event.
    public mutating func finish(at time: Timestamp) throws -> [Event] {
        var events: [Event] = []
        for (trackID, var state) in tracks.sorted(by: { $0.key < $1.key }) {
            if let t = try state.lifecycle.close(at: time) {
                events.append(makeEvent(t, kind: .loitering, zoneID: zone.id, objects: [],
                                        measurements: EventMeasurements(dwellSeconds: state.extra.dwell)))
            }
            tracks[trackID] = nil
        }
        return events
    }
}

// MARK: - Line crossing

/// `lineCrossed`: a track's foot point moves across a line (segment intersection between two
/// frames), in the direction(s) the rule asks for. A crossing is an instant: `started` and
/// `ended` come together. The same track crossing again within `cooldown` seconds is ignored
/// (jitter on the line).
public struct LineCrossingRule: Rule {
    let common: RuleCommon
    let line: Line
    let direction: CrossingDirection
    var previous: [Int: NormalisedPoint] = [:]
    var current: [Int: NormalisedPoint] = [:]  // scratch, swapped with `previous` every frame
    var lastCrossing: [Int: Timestamp] = [:]
    var goneIDs: [Int] = []  // scratch
    var ids: EventIDSequence

    init(_ common: RuleCommon, line: Line) {
        self.common = common
        self.line = line
        direction = common.configuration.direction ?? .both
        ids = EventIDSequence(cameraID: common.cameraID, ruleID: common.id, session: common.session)
    }

    /// The rule's id.
    public var id: String { common.id }

    /// One frame.
    public mutating func evaluate(_ input: RuleInput) throws -> [Event] {
        var events: [Event] = []
        let scheduled = common.isScheduled(at: input.timestamp)
        current.removeAll(keepingCapacity: true)
        for track in input.tracks where common.isEligible(track, input) {
            let p = input.normalisedFootPoint(of: track)
            current[track.id] = p
            guard let before = previous[track.id], let crossing = line.crossing(from: before, to: p),
                  direction.includes(crossing), scheduled else { continue }
            if let last = lastCrossing[track.id], input.timestamp.seconds - last.seconds < common.configuration.cooldown {
                continue
            }
            lastCrossing[track.id] = input.timestamp
            let number = ids.next()
            let name = crossing == .positive ? line.positiveDirection : line.negativeDirection
            let heading = atan2(track.velocity.dy, track.velocity.dx) * 180 / .pi
            var measurements = EventMeasurements()
            measurements.directionDegrees = heading
            measurements.reason = name
            let base = Event(id: Event.makeID(cameraID: common.cameraID, ruleID: common.id,
                                                   session: common.session, sequence: number),
                             kind: .lineCrossed, phase: .started, ruleID: common.id, zoneID: nil, lineID: line.id,
                             cameraID: common.cameraID, startTime: input.timestamp, time: input.timestamp, endTime: nil,
                             objects: [input.eventObject(for: track)], measurements: measurements, score: 1, snapshot: nil)
            var ended = base
            ended.phase = .ended
            ended.endTime = input.timestamp
            events += [base, ended]
        }
        swap(&previous, &current)
        let previous = self.previous
        lastCrossing.removeValues(collectingKeysIn: &goneIDs) { id, _ in previous[id] == nil }
        return events
    }

    /// Crossings are instants: nothing stays open.
    public mutating func finish(at time: Timestamp) throws -> [Event] { [] }
}

// MARK: - Wrong way

/// `wrongWay`: a track inside a zone with an `allowedDirection` moves against it (its heading
/// within the zone's tolerance of the reverse direction), sustained over at least `minDistance`
/// (image heights, or metres with a calibration) within the last few seconds.
public struct WrongWayRule: Rule {
    let common: RuleCommon
    let zone: Zone
    let minDistance: Double
    let calibration: GroundCalibration?
    let window = 4.0
    var tracks: [Int: EventLifecycle] = [:]
    var seen = Set<Int>()  // scratch, reused every frame
    var ids: EventIDSequence

    init(_ common: RuleCommon, zone: Zone, calibration: GroundCalibration?) {
        self.common = common
        self.zone = zone
        self.calibration = calibration
        minDistance = common.configuration.resolvedMinDistance(calibrated: calibration != nil)
            ?? RuleConfiguration.defaultMinDistanceImageHeights
        ids = EventIDSequence(cameraID: common.cameraID, ruleID: common.id, session: common.session)
    }

    /// The rule's id.
    public var id: String { common.id }

    /// One frame.
    public mutating func evaluate(_ input: RuleInput) throws -> [Event] {
        var events: [Event] = []
        let scheduled = common.isScheduled(at: input.timestamp)
        seen.removeAll(keepingCapacity: true)
        for track in input.tracks where track.state != .tentative {
            seen.insert(track.id)
            var lifecycle = tracks[track.id] ?? EventLifecycle(common.lifecycle)
            var wrong = false
            var heading = 0.0, distance = 0.0
            if track.state != .ended, common.isEligible(track, input), zone.contains(input.normalisedFootPoint(of: track)),
               let start = track.trajectory.first(where: { input.timestamp.seconds - $0.timestamp.seconds <= window }) {
                let dx = track.footPoint.x - start.footPoint.x, dy = track.footPoint.y - start.footPoint.y
                heading = atan2(dy, dx) * 180 / .pi
                distance = measure(from: start.footPoint, to: track.footPoint, input)
                wrong = (zone.isWrongWay(headingDegrees: heading) ?? false) && distance >= minDistance
            }
            let object = input.eventObject(for: track)
            let zoneID = zone.id
            var measurements = EventMeasurements()
            measurements.directionDegrees = heading
            if track.state == .ended {
                if let t = try lifecycle.close(at: input.timestamp) {
                    events.append(makeEvent(t, kind: .wrongWay, zoneID: zoneID, objects: [object], measurements: measurements))
                }
                tracks[track.id] = nil
                continue
            }
            if let e = try lifecycle.observe(active: scheduled && wrong, at: input.timestamp, ids: &ids, makeEvent: { t in
                makeEvent(t, kind: .wrongWay, zoneID: zoneID, objects: [object], measurements: measurements)
            }) { events.append(e) }
            tracks[track.id] = lifecycle
        }
        for (trackID, var lifecycle) in tracks where !seen.contains(trackID) {
            if let t = try lifecycle.close(at: input.timestamp) {
                events.append(makeEvent(t, kind: .wrongWay, zoneID: zone.id, objects: []))
            }
            tracks[trackID] = nil
        }
        return events
    }

    /// Distance between two pixel foot points: metres on the ground with a calibration, image
    /// heights otherwise.
    func measure(from a: PixelPoint, to b: PixelPoint, _ input: RuleInput) -> Double {
        let w = Double(input.frameWidth), h = Double(input.frameHeight)
        if let calibration, let ga = calibration.imageToGround(NormalisedPoint(x: a.x / w, y: a.y / h)),
           let gb = calibration.imageToGround(NormalisedPoint(x: b.x / w, y: b.y / h)) {
            return ((gb.x - ga.x) * (gb.x - ga.x) + (gb.y - ga.y) * (gb.y - ga.y)).squareRoot()
        }
        let dx = (b.x - a.x) / h, dy = (b.y - a.y) / h
        return (dx * dx + dy * dy).squareRoot()
    }

    /// Ends every open wrong-way event.
    public mutating func finish(at time: Timestamp) throws -> [Event] {
        var events: [Event] = []
        for (trackID, var lifecycle) in tracks.sorted(by: { $0.key < $1.key }) {
            if let t = try lifecycle.close(at: time) { events.append(makeEvent(t, kind: .wrongWay, zoneID: zone.id, objects: [])) }
            tracks[trackID] = nil
        }
        return events
    }
}

// MARK: - Density

/// `densityExceeded`: too many people in a zone — more than `maxCount` tracks, more than
/// `maxDensity` people per m² (needs a calibration), or foreground covering more than
/// `maxOccupancy` of the zone — for `minDuration` seconds.
///
/// Hysteresis: once started, the situation holds until the value falls clearly below the
/// threshold (count below `maxCount`, density and occupancy below 90 % of theirs) for a second,
/// so a crowd hovering at the threshold raises one alert, not one per frame.
public struct DensityRule: Rule {
    let common: RuleCommon
    let zone: Zone
    let groundArea: Double?
    var lifecycle: EventLifecycle
    var ids: EventIDSequence
    var occupancy: ZoneOccupancy

    init(_ common: RuleCommon, zone: Zone, calibration: GroundCalibration?) {
        self.common = common
        self.zone = zone
        groundArea = calibration?.groundArea(ofPolygon: zone.polygon)
        occupancy = ZoneOccupancy(zone: zone)
        lifecycle = EventLifecycle(common.lifecycle)
        ids = EventIDSequence(cameraID: common.cameraID, ruleID: common.id, session: common.session)
    }

    /// The rule's id.
    public var id: String { common.id }

    /// One frame.
    public mutating func evaluate(_ input: RuleInput) throws -> [Event] {
        let c = common.configuration
        let (common, zone) = (self.common, self.zone)
        func isInside(_ track: Track) -> Bool {
            common.isEligible(track, input) && zone.contains(input.normalisedFootPoint(of: track))
        }
        var count = 0
        for track in input.tracks where isInside(track) { count += 1 }
        let density = groundArea.map { $0 > 0 ? Double(count) / $0 : 0 }
        let occupancy = c.maxOccupancy != nil ? occupancyFraction(input) : nil
        let holding = lifecycle.isStarted
        var over = false
        if let maxCount = c.maxCount { over = over || (holding ? count >= maxCount : count > maxCount) }
        if let maxDensity = c.maxDensity, let density { over = over || density > (holding ? 0.9 * maxDensity : maxDensity) }
        if let maxOccupancy = c.maxOccupancy, let occupancy {
            over = over || occupancy > (holding ? 0.9 * maxOccupancy : maxOccupancy)
        }
        var measurements = EventMeasurements(count: count)
        measurements.density = density
        measurements.occupancy = occupancy
        let event = try lifecycle.observe(active: common.isScheduled(at: input.timestamp) && over, at: input.timestamp,
                                          ids: &ids) { t in
            makeEvent(t, kind: .densityExceeded, zoneID: zone.id, objects: input.tracks.filter(isInside).map(input.eventObject(for:)),
                      measurements: measurements)
        }
        return event.map { [$0] } ?? []
    }

    /// Foreground pixels inside the zone as a fraction of its pixels.
    mutating func occupancyFraction(_ input: RuleInput) -> Double? {
        guard let mask = input.foreground else { return nil }
        return occupancy.fraction(of: mask) ?? 0
    }

    /// Ends an open density event.
    public mutating func finish(at time: Timestamp) throws -> [Event] {
        guard let t = try lifecycle.close(at: time) else { return [] }
        return [makeEvent(t, kind: .densityExceeded, zoneID: zone.id, objects: [])]
    }
}
