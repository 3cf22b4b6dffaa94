import Foundation
import VigieAnalysis
import VigieCore
import VigieEvents
import VigieTracking

// MARK: - What the rules remember of tracks

/// The geometry of the tracks seen recently, which tells a person who stopped from a parcel:
/// a person arrives walking *as* the static region (a track that travelled, about the region's
/// size, overlapping it); a parcel is left behind by a larger track that walks away (its owner).
struct TrackMemory {
    struct Seen {
        var first: PixelPoint
        var travelled = 0.0
        var largestArea = 0
        var lastTime: Timestamp
    }

    struct Sighting {
        var time: Timestamp
        var id: Int
        var box: PixelRect
    }

    /// Seconds of sightings kept for the owner search.
    static let horizon = 15.0
    private(set) var tracks: [Int: Seen] = [:]
    private(set) var sightings: [Sighting] = []
    private var head = 0
    private var staleIDs: [Int] = []  // scratch

    mutating func record(_ input: RuleInput) {
        for track in input.tracks where track.state == .confirmed || track.state == .lost {
            var seen = tracks[track.id] ?? Seen(first: track.footPoint, lastTime: input.timestamp)
            let dx = track.footPoint.x - seen.first.x, dy = track.footPoint.y - seen.first.y
            seen.travelled = max(seen.travelled, (dx * dx + dy * dy).squareRoot())
            seen.largestArea = max(seen.largestArea, track.box.area)
            seen.lastTime = input.timestamp
            tracks[track.id] = seen
            sightings.append(Sighting(time: input.timestamp, id: track.id, box: track.box))
        }
        while head < sightings.count, input.timestamp.seconds - sightings[head].time.seconds > Self.horizon { head += 1 }
        if head > 256 && head * 2 > sightings.count {
            sightings.removeFirst(head)
            head = 0
        }
        tracks.removeValues(collectingKeysIn: &staleIDs) { _, seen in
            input.timestamp.seconds - seen.lastTime.seconds > Self.horizon
        }
    }

    /// Whether `track` is a person (or vehicle) who stopped at `box`: it overlaps the region by at
    /// least 30 % (intersection over union), it arrived travelling at least half its height from a
    /// first foot point away from the region (it was not born there, as a parcel's own track is,
    /// whose foot point moves as the background model absorbs the parcel and its box shrinks), and
    /// it was never much larger than the region (a track three times larger that now sits on the
    /// region is an owner who handed its id over).
    func isStoppedTrack(_ track: Track, at box: PixelRect) -> Bool {
        guard let seen = tracks[track.id] else { return false }
        let around = box.widened(by: max(box.width, box.height) / 4)
        let bornThere = seen.first.x >= Double(around.x) && seen.first.x <= Double(around.x + around.width)
            && seen.first.y >= Double(around.y) && seen.first.y <= Double(around.y + around.height)
        return intersectionOverUnion(track.box, box) >= 0.3 && !bornThere && seen.travelled >= 0.5 * Double(track.box.height)
            && seen.largestArea <= 3 * box.area
    }

    /// The track that most recently carried something to `box` before `time`: a travelling track,
    /// at least twice the region's area, whose box touched the region (widened by its size).
    func owner(of box: PixelRect, before time: Timestamp) -> Int? {
        let near = box.widened(by: max(box.width, box.height))
        for s in sightings[head...].reversed() where s.time <= time {
            guard intersectionArea(s.box, near) > 0, s.box.area >= 2 * box.area, let seen = tracks[s.id],
                  seen.travelled >= 0.5 * Double(s.box.height) else { continue }
            return s.id
        }
        return nil
    }
}

extension PixelRect {
    /// This rectangle grown by `margin` pixels on every side.
    func widened(by margin: Int) -> PixelRect {
        PixelRect(x: x - margin, y: y - margin, width: width + 2 * margin, height: height + 2 * margin)
    }
}

extension RuleInput {
    /// A static object as an event object: its id stands in the `trackID` field.
    func eventObject(for object: StaticObject) -> EventObject {
        let b = object.box
        return EventObject(trackID: object.id, box: NormalisedRect(b, imageWidth: frameWidth, imageHeight: frameHeight),
                           footPoint: NormalisedPoint(x: (Double(b.x) + Double(b.width) / 2) / Double(frameWidth),
                                                      y: Double(b.y + b.height) / Double(frameHeight)),
                           objectClass: "object")
    }

    /// Whether a static object's foot point (bottom centre) is inside `zone`.
    func contains(_ object: StaticObject, in zone: Zone) -> Bool {
        let b = object.box
        return zone.contains(NormalisedPoint(x: (Double(b.x) + Double(b.width) / 2) / Double(frameWidth),
                                             y: Double(b.y + b.height) / Double(frameHeight)))
    }
}

// MARK: - Abandoned object

/// `abandonedObject`: an object that appeared in the zone (absent from the learned background)
/// has stayed still for `minDuration` seconds and is not a person who stopped.
///
/// Reads the static-object cues of the scene analysers (`StaticObjectDetector`) and the tracks:
/// - only regions whose structure says *appeared* count: light pools, reflections and wet
///   patches (*illumination*) and items taken away (*removed*) do not;
/// - a region is a person, not a parcel, when a track that arrived walking coincides with it
///   (sitting, lying or standing still), or when it keeps moving inside (`recentMotion` ≥ 0.5
///   after 3 s of static time, with no larger track over it for the last 2 s, so that its owner's
///   or a passer-by's motion over it does not count): once judged a person, a region stays one.
///   A region moving inside under a larger track (part of that track's person, or a bag its owner
///   bends over) starts no event until it has been alone for those 2 s;
/// - with `requireOwner`, the object must also have been brought by a larger track (its owner)
///   that has since walked away from it.
///
/// One situation per object: `started` once static long enough, `ended` when the object is taken
/// away (the region disappears for a second), which re-arms the rule for the next object.
/// Measurements: `dwellSeconds` = the static time; `reason` names the owner track if known.
public struct AbandonedObjectRule: Rule {
    struct ObjectState {
        var lifecycle: EventLifecycle
        var person = false
        /// The stopped track that made the region a person, while it may still walk away from it.
        var personTrack: Int?
        var owner: Int?
        var last: StaticObject
        /// Since when no larger track has covered the object (nil while one does).
        var uncoveredSince: Timestamp?
    }

    /// Seconds the region must have been uncovered before its motion inside counts: the span of
    /// `StaticObject.recentMotion` (`StaticObject.recentSeconds`).
    static let motionWindow = StaticObject.recentSeconds

    let common: RuleCommon
    let zone: Zone
    let requireOwner: Bool
    var memory = TrackMemory()
    var objects: [Int: ObjectState] = [:]
    // Scratch, reused every frame.
    var seen = Set<Int>()
    var objectIDs: [Int] = []
    var ids: EventIDSequence

    init(_ common: RuleCommon, zone: Zone) {
        self.common = common
        self.zone = zone
        requireOwner = common.configuration.requireOwner ?? false
        ids = EventIDSequence(cameraID: common.cameraID, ruleID: common.id, session: common.session)
    }

    /// The rule's id.
    public var id: String { common.id }

    private var lifecycleConfiguration: EventLifecycle.Configuration {
        var c = common.lifecycle
        c.minDuration = 0  // the static time is the duration
        return c
    }

    /// One frame.
    public mutating func evaluate(_ input: RuleInput) throws -> [Event] {
        memory.record(input)
        let scheduled = common.isScheduled(at: input.timestamp)
        let minimumHeight = common.configuration.minObjectSize * Double(input.frameHeight)
        var events: [Event] = []
        seen.removeAll(keepingCapacity: true)
        for object in input.cues.staticObjects?.objects ?? [] where object.origin == .appeared {
            guard input.contains(object, in: zone), Double(object.box.height) >= minimumHeight else { continue }
            seen.insert(object.id)
            var state = objects[object.id]
                ?? ObjectState(lifecycle: EventLifecycle(lifecycleConfiguration),
                               owner: memory.owner(of: object.box, before: input.timestamp), last: object)
            state.last = object
            // Motion inside tells a person only once no larger track has covered the region for the
            // last analyses that `recentMotion` counts: an owner bending over the bag they set
            // down, a passer-by and their shadow, move inside it too.
            let covered = input.tracks.contains {
                $0.state != .ended && $0.box.area >= 2 * object.box.area && intersectionArea($0.box, object.box) > 0
            }
            if covered { state.uncoveredSince = nil } else if state.uncoveredSince == nil { state.uncoveredSince = input.timestamp }
            let alone = state.uncoveredSince.map { input.timestamp.seconds - $0.seconds >= Self.motionWindow } ?? false
            let movingInside = object.recentMotion >= 0.5 && object.staticSeconds >= 3
            // A track that stopped at the region and then is seen with its foot point away from it
            // (further than the region's size: it walked off, or its box grew over its person and
            // what they set down as they parted), while the region stays, was someone standing over
            // it (an owner over their bag): the region is judged again. One whose track ends, fades
            // or lies down there has not left.
            let away = object.box.widened(by: max(object.box.width, object.box.height))
            func isAway(_ p: PixelPoint) -> Bool {
                !((Double(away.x)...Double(away.x + away.width)).contains(p.x)
                  && (Double(away.y)...Double(away.y + away.height)).contains(p.y))
            }
            if let id = state.personTrack, input.tracks.contains(where: {
                $0.id == id && $0.state == .confirmed && $0.lastSeen == input.timestamp && isAway($0.footPoint)
            }) {
                (state.person, state.personTrack) = (false, nil)
            }
            if !state.person {
                if let stopped = input.tracks.first(where: { memory.isStoppedTrack($0, at: object.box) }) {
                    (state.person, state.personTrack) = (true, stopped.id)
                } else {
                    state.person = alone && movingInside
                }
            }
            // Moving inside under a larger track, the region may be part of that track's person
            // (a torso still while the arms move) or a bag its owner bends over: it does not start
            // an event until it has been alone for the window, when its motion decides.
            let heldBack = !alone && movingInside && !state.lifecycle.isStarted
            let ownerGone = state.owner.map { owner in
                let near = object.box.widened(by: max(object.box.width, object.box.height))
                return !input.tracks.contains { $0.id == owner && $0.state != .ended && intersectionArea($0.box, near) > 0 }
            } ?? false
            let active = scheduled && !state.person && !heldBack && object.staticSeconds >= common.configuration.minDuration
                && (!requireOwner || ownerGone)
            let zoneID = zone.id, owner = state.owner
            if let e = try state.lifecycle.observe(active: active, at: input.timestamp, ids: &ids, makeEvent: { t in
                // Built only when an event is raised: nothing is allocated on a quiet frame.
                let measurements = EventMeasurements(dwellSeconds: object.staticSeconds,
                                                     reason: owner.map { "owner track \($0)\(ownerGone ? " walked away" : "")" })
                return makeEvent(t, kind: .abandonedObject, zoneID: zoneID, objects: [input.eventObject(for: object)],
                                 measurements: measurements)
            }) { events.append(e) }
            objects[object.id] = state
        }
        // Objects no longer there (taken away) or no longer counted: their situations end.
        objectIDs.removeAll(keepingCapacity: true)
        for objectID in objects.keys where !seen.contains(objectID) { objectIDs.append(objectID) }
        objectIDs.sort()
        for objectID in objectIDs {
            guard var state = objects[objectID] else { continue }
            let last = state.last
            let zoneID = zone.id
            if let e = try state.lifecycle.observe(active: false, at: input.timestamp, ids: &ids, makeEvent: { t in
                makeEvent(t, kind: .abandonedObject, zoneID: zoneID, objects: [input.eventObject(for: last)],
                          measurements: EventMeasurements(dwellSeconds: last.staticSeconds, reason: "removed"))
            }) { events.append(e) }
            objects[objectID] = state.lifecycle.isIdle(at: input.timestamp) ? nil : state
        }
        return events
    }

    /// Ends every open abandoned-object event.
    public mutating func finish(at time: Timestamp) throws -> [Event] {
        var events: [Event] = []
        for (objectID, var state) in objects.sorted(by: { $0.key < $1.key }) {
            if let t = try state.lifecycle.close(at: time) {
                events.append(makeEvent(t, kind: .abandonedObject, zoneID: zone.id, objects: [],
                                        measurements: EventMeasurements(dwellSeconds: state.last.staticSeconds)))
            }
            objects[objectID] = nil
        }
        return events
    }
}

// MARK: - Object removed

/// `objectRemoved`: something that was part of the learned scene (a bench, a bin, an
/// extinguisher) has been gone from the zone for `minDuration` seconds. An instant event
/// (`started` and `ended` together), once per removed item: the long-term background keeps the
/// item for an hour, so the absence is reported once, not as a situation that lasts an hour.
public struct ObjectRemovedRule: Rule {
    let common: RuleCommon
    let zone: Zone
    /// Items already reported, with when they were last seen (forgotten 10 s after they vanish).
    var reported: [Int: Timestamp] = [:]
    /// Where each track was first seen (and when), kept `birthMemory` seconds: a "removed" region
    /// where a track was born and that it walked out of is a person who stood there while the
    /// background was learned and left — a departure, not a removal.
    var births: [Int: (time: Timestamp, box: PixelRect)] = [:]
    static let birthMemory = 300.0
    var staleIDs: [Int] = []  // scratch
    var ids: EventIDSequence

    init(_ common: RuleCommon, zone: Zone) {
        self.common = common
        self.zone = zone
        ids = EventIDSequence(cameraID: common.cameraID, ruleID: common.id, session: common.session)
    }

    /// Whether `box` is mostly covered by the birth box of a track that has since moved away.
    func isDeparture(_ box: PixelRect, tracks: [Track]) -> Bool {
        births.contains { id, birth in
            guard Double(intersectionArea(birth.box, box)) >= 0.5 * Double(max(box.area, 1)) else { return false }
            // Moved away: no longer there (ended or gone), or its box no longer overlaps the region.
            guard let now = tracks.first(where: { $0.id == id }), now.state != .ended else { return true }
            return intersectionArea(now.box, box) == 0
        }
    }

    /// The rule's id.
    public var id: String { common.id }

    /// One frame.
    public mutating func evaluate(_ input: RuleInput) throws -> [Event] {
        let objects = input.cues.staticObjects?.objects ?? []
        for object in objects where reported[object.id] != nil { reported[object.id] = input.timestamp }
        reported.removeValues(collectingKeysIn: &staleIDs) { _, seen in input.timestamp.seconds - seen.seconds > 10 }
        if input.tracked {
            for track in input.tracks where births[track.id] == nil && track.state != .ended {
                births[track.id] = (input.timestamp, track.box)
            }
            births.removeValues(collectingKeysIn: &staleIDs) { _, birth in
                input.timestamp.seconds - birth.time.seconds > Self.birthMemory
            }
        }
        guard common.isScheduled(at: input.timestamp) else { return [] }
        let minimumHeight = common.configuration.minObjectSize * Double(input.frameHeight)
        var events: [Event] = []
        for object in objects where object.origin == .removed && reported[object.id] == nil
            && object.staticSeconds >= common.configuration.minDuration && Double(object.box.height) >= minimumHeight
            && input.contains(object, in: zone)
        {
            reported[object.id] = input.timestamp
            if isDeparture(object.box, tracks: input.tracks) { continue }
            let number = ids.next()
            let started = Event(id: Event.makeID(cameraID: common.cameraID, ruleID: common.id,
                                                   session: common.session, sequence: number),
                                kind: .objectRemoved, phase: .started, ruleID: common.id, zoneID: zone.id,
                                cameraID: common.cameraID, startTime: input.timestamp, time: input.timestamp,
                                objects: [input.eventObject(for: object)],
                                measurements: EventMeasurements(dwellSeconds: object.staticSeconds))
            var ended = started
            ended.phase = .ended
            ended.endTime = input.timestamp
            events += [started, ended]
        }
        return events
    }

    /// Removals are instants: nothing stays open.
    public func finish(at time: Timestamp) throws -> [Event] { [] }
}
