import Foundation
import VigieCore
import VigieEvents
import VigieTracking

/// `personDown`: a person-sized track turns from upright to lying — quickly, as in a fall — and
/// then stays still on the ground for `minDuration` seconds.
///
/// ```
///  upright (h ≥ 1.3 w) ──fall: height halves within 2 s──▶ lying (w ≥ 1.2 h) ──still, minDuration──▶ started
/// ```
///
/// What is not a fall:
/// - **sitting down** (on a bench, on the floor): the box gets shorter but stays about as tall as
///   wide, never lying;
/// - **lying down slowly** (someone settling to sleep sits first: more than `fallWindow` from
///   standing to lying): not a fall, and a sleeping person is not an alert. "Standing" is an
///   upright box at least 85 % as tall as the track's tallest in the last 10 s, so a seated
///   person (upright-shaped, but shorter) does not count;
/// - **a wide object** (a vehicle, a bench) that was never upright;
/// - **something that never walked**: "standing" counts only for a track that has moved at least
///   half its own height from where it was first seen (a person who came there), so a swaying
///   branch, a flickering shadow or a blob of a parked object that happens to be upright-shaped
///   for a moment is never the standing person of a fall;
/// - **a fragment**: the lying box must be at least `lyingLengthFraction` (0.5) as long as the
///   standing person was tall — a fallen body is about as long as it was tall (less when seen
///   foreshortened, but then it is not wide either), not a piece of a silhouette left behind.
///
/// With a ground calibration, "lying" also needs the box's top to be less than `lyingHeightMetres`
/// (0.9 m) above the ground, measured at the foot point.
///
/// The tracker may give the fallen person a new track id (the blob changes shape abruptly): an
/// upright box recently seen where the lying track now is counts as its history, when the lying
/// track appeared no earlier than about then.
public struct PersonDownRule: Rule {
    /// A fall: height down to at most this fraction of the upright height.
    static let heightDrop = 0.6
    /// Upright: height at least this many times the width.
    static let uprightAspect = 1.3
    /// Lying: width at least this many times the height.
    static let lyingAspect = 1.2
    /// Seconds from the last upright box to the first lying one for it to count as a fall.
    static let fallWindow = 2.0
    /// Speed below which a lying person is still, in own-box widths per second.
    static let stillSpeed = 0.3
    /// With a calibration: the top of a lying person is below this height, metres.
    static let lyingHeightMetres = 0.9
    /// A lying box is at least this fraction as wide as the standing box it fell from was tall.
    static let lyingLengthFraction = 0.5
    /// A track counts as standing only after its foot point moved this many own box heights from
    /// where the track was first seen.
    static let movedHeights = 0.5
    /// A lying track with another id than the standing one must have appeared at most this many
    /// seconds before the standing box was last seen (blob split as the body goes down).
    static let newIDMargin = 0.5

    let common: RuleCommon
    let zone: Zone?
    let calibration: GroundCalibration?
    var lifecycles: [Int: EventLifecycle] = [:]
    /// Tracks that fell: track id → fall time.
    var fallen: [Int: Timestamp] = [:]
    /// Recent standing person boxes (time, box), kept `fallWindow` seconds.
    var upright: [(time: Timestamp, box: PixelRect, trackID: Int)] = []
    /// Per track: its upright box heights over the last `standingMemory` seconds.
    var heights: [Int: [(time: Timestamp, height: Int)]] = [:]
    /// Per track: where it was first seen, until it has moved (then in `moved`).
    var origins: [Int: PixelPoint] = [:]
    /// Tracks that have moved `movedHeights` from where they were first seen.
    var moved = Set<Int>()
    /// Standing: an upright box at least this fraction of the track's tallest recent one (a
    /// seated person's box is upright-shaped too, but shorter).
    static let standingFraction = 0.85
    /// Seconds of upright heights kept per track.
    static let standingMemory = 10.0
    // Scratch, reused every frame; height histories of tracks gone, reused for new tracks.
    var seen = Set<Int>()
    var goneIDs: [Int] = []
    var spareHeights: [[(time: Timestamp, height: Int)]] = []
    var ids: EventIDSequence

    init(_ common: RuleCommon, zone: Zone?, calibration: GroundCalibration?) {
        self.common = common
        self.zone = zone
        self.calibration = calibration
        ids = EventIDSequence(cameraID: common.cameraID, ruleID: common.id, session: common.session)
    }

    /// The rule's id.
    public var id: String { common.id }

    /// One frame.
    public mutating func evaluate(_ input: RuleInput) throws -> [Event] {
        let now = input.timestamp
        upright.removeAll { now.seconds - $0.time.seconds > Self.fallWindow }
        var events: [Event] = []
        seen.removeAll(keepingCapacity: true)
        let scheduled = common.isScheduled(at: now)
        for track in input.tracks where track.state != .tentative {
            seen.insert(track.id)
            let box = track.box
            let lying = isLying(track, input)
            if !moved.contains(track.id) {
                let origin = origins[track.id] ?? track.footPoint
                origins[track.id] = origin
                let dx = Double(track.footPoint.x - origin.x), dy = Double(track.footPoint.y - origin.y)
                if (dx * dx + dy * dy).squareRoot() >= Self.movedHeights * Double(box.height) {
                    moved.insert(track.id)
                    origins[track.id] = nil
                }
            }
            if track.state == .confirmed, moved.contains(track.id),
               Double(box.height) >= Self.uprightAspect * Double(box.width),
               common.isEligible(track, input) {
                // In place: no per-frame allocation once a track's history has grown.
                if heights[track.id] == nil {
                    heights[track.id] = spareHeights.popLast() ?? Array(unsafeUninitializedCapacity: 64) { _, n in n = 0 }
                }
                heights[track.id, default: []].removeAll { now.seconds - $0.time.seconds > Self.standingMemory }
                heights[track.id, default: []].append((now, box.height))
                var tallest = box.height
                for entry in heights[track.id, default: []] { tallest = max(tallest, entry.height) }
                if Double(box.height) >= Self.standingFraction * Double(tallest) {
                    upright.append((now, box, track.id))
                    fallen[track.id] = nil
                }
            }
            // Lying: was there a standing person here, clearly taller, moments ago?
            if lying, fallen[track.id] == nil, fellFromUpright(track, now: now) {
                fallen[track.id] = now
            }
            if !lying { fallen[track.id] = nil }
            let still = track.velocity.speed <= Self.stillSpeed * Double(max(box.width, 1))
            let inZone = zone.map { $0.contains(input.normalisedFootPoint(of: track)) } ?? true
            let down = track.state != .ended && fallen[track.id] != nil && still && inZone
            var lifecycle = lifecycles[track.id] ?? EventLifecycle(common.lifecycle)
            let object = input.eventObject(for: track)
            let zoneID = zone?.id
            let since = fallen[track.id].map { now.seconds - $0.seconds }
            if track.state == .ended {
                if let t = try lifecycle.close(at: now) {
                    events.append(makeEvent(t, kind: .personDown, zoneID: zoneID, objects: [object]))
                }
                lifecycles[track.id] = nil
                continue
            }
            if let e = try lifecycle.observe(active: scheduled && down, at: now, ids: &ids, makeEvent: { t in
                makeEvent(t, kind: .personDown, zoneID: zoneID, objects: [object],
                          measurements: EventMeasurements(dwellSeconds: since))
            }) { events.append(e) }
            lifecycles[track.id] = lifecycle
        }
        for (trackID, var lifecycle) in lifecycles where !seen.contains(trackID) {
            if let t = try lifecycle.close(at: now) {
                events.append(makeEvent(t, kind: .personDown, zoneID: zone?.id, objects: []))
            }
            lifecycles[trackID] = nil
        }
        let seen = self.seen
        fallen.removeValues(collectingKeysIn: &goneIDs) { id, _ in !seen.contains(id) }
        goneIDs.removeAll(keepingCapacity: true)
        origins.removeValues(collectingKeysIn: &goneIDs) { id, _ in !seen.contains(id) }
        goneIDs.removeAll(keepingCapacity: true)
        if moved.count > seen.count { moved.formIntersection(seen) }
        for id in heights.keys where !seen.contains(id) { goneIDs.append(id) }
        for id in goneIDs {
            guard var history = heights.removeValue(forKey: id) else { continue }
            if spareHeights.count < 64 {
                history.removeAll(keepingCapacity: true)
                spareHeights.append(history)
            }
        }
        return events
    }

    /// Whether a track's box is that of someone lying: wide, big enough, and (calibrated) low.
    func isLying(_ track: Track, _ input: RuleInput) -> Bool {
        let box = track.box
        guard Double(box.width) >= Self.lyingAspect * Double(box.height) else { return false }
        // Size: the person's length (box width) must pass the rule's minimum object size.
        guard Double(box.width) >= common.configuration.minObjectSize * Double(input.frameHeight) else { return false }
        if let classes = common.configuration.classes {
            guard let c = track.objectClass, classes.contains(c) else { return false }
        }
        if let calibration, let height = groundHeight(of: box, calibration, input) {
            return height <= Self.lyingHeightMetres
        }
        return true
    }

    /// An upright box recently seen overlapping the track's, at least `1 / heightDrop` times
    /// taller and at most `1 / lyingLengthFraction` times as tall as the track's box is wide; of
    /// the same track, or of another when this one appeared after it (the tracker gave the
    /// fallen person a new id). A track that was already there beside the standing person, a
    /// separate object, is not that person fallen.
    func fellFromUpright(_ track: Track, now: Timestamp) -> Bool {
        let box = track.box
        let born = now.seconds - track.age
        return upright.contains { entry in
            guard entry.trackID == track.id || born >= entry.time.seconds - Self.newIDMargin else { return false }
            let u = entry.box
            let overlapX = min(u.x + u.width, box.x + box.width) - max(u.x, box.x)
            let nearFoot = abs((u.y + u.height) - (box.y + box.height)) <= max(u.height / 3, 2)
            return overlapX > 0 && nearFoot && Double(box.height) <= Self.heightDrop * Double(u.height)
                && Double(box.width) >= Self.lyingLengthFraction * Double(u.height)
        }
    }

    /// The height above the ground of a box's top edge, metres: the ground distance between the
    /// foot point and the point under the top, scaled as a vertical pole would be. Nil when the
    /// calibration does not cover the points.
    func groundHeight(of box: PixelRect, _ calibration: GroundCalibration, _ input: RuleInput) -> Double? {
        // Metres per pixel at the foot point, measured horizontally; a vertical extent is
        // approximately as long on the ground plane's scale at the same image row.
        let w = Double(input.frameWidth), h = Double(input.frameHeight)
        let footY = Double(box.y + box.height) / h
        let cx = (Double(box.x) + Double(box.width) / 2) / w
        let step = Double(max(box.width, 2)) / w
        guard let a = calibration.imageToGround(NormalisedPoint(x: cx - step / 2, y: footY)),
              let b = calibration.imageToGround(NormalisedPoint(x: cx + step / 2, y: footY)) else { return nil }
        let metresPerPixel = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot() / Double(max(box.width, 2))
        return metresPerPixel * Double(box.height)
    }

    /// Ends every open person-down event.
    public mutating func finish(at time: Timestamp) throws -> [Event] {
        var events: [Event] = []
        for (trackID, var lifecycle) in lifecycles.sorted(by: { $0.key < $1.key }) {
            if let t = try lifecycle.close(at: time) {
                events.append(makeEvent(t, kind: .personDown, zoneID: zone?.id, objects: []))
            }
            lifecycles[trackID] = nil
        }
        return events
    }
}
