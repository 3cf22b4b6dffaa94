import Foundation
import VigieAnalysis
import VigieCore
import VigieEvents

/// `fire`: fire-coloured, irregularly flickering regions (`FireCues` from the scene's
/// `FireDetector`) present for at least `minDuration` seconds (default 2).
///
/// The zone is optional: without one the whole image is watched; with one, a region counts when
/// the centre of its box is inside the zone. One situation per rule: it starts once, lists the
/// regions as event objects, and ends when no region has been seen for a second.
///
/// Event objects are regions, not tracks: `trackID` is -1 and `objectClass` is `"fire"`; the box
/// is the region's box in normalised image coordinates. Measurements: `count` (regions) and
/// `occupancy` (fraction of the frame the regions' flickering cells cover, 0…1). The score is the
/// highest region score.
///
/// Fire must be reported even while tracking is off (background model warming up, a sudden
/// global change), so the rule does not need tracks.
public struct FireRule: Rule {
    let common: RuleCommon
    let zone: Zone?
    var lifecycle: EventLifecycle
    var ids: EventIDSequence

    init(_ common: RuleCommon, zone: Zone?) {
        self.common = common
        self.zone = zone
        lifecycle = EventLifecycle(common.lifecycle)
        ids = EventIDSequence(cameraID: common.cameraID, ruleID: common.id, session: common.session)
    }

    /// The rule's id.
    public var id: String { common.id }

    /// Frame-level: runs on every frame, tracked or not.
    public var needsTracks: Bool { false }

    /// The regions of `input` that this rule watches (all, or those whose box centre is in the zone).
    func regions(_ input: RuleInput) -> [FireRegion] {
        guard let regions = input.cues.fire?.regions else { return [] }
        guard let zone else { return regions }
        return regions.filter { region in
            let b = region.box
            return zone.contains(NormalisedPoint(x: (Double(b.x) + Double(b.width) / 2) / Double(input.frameWidth),
                                                 y: (Double(b.y) + Double(b.height) / 2) / Double(input.frameHeight)))
        }
    }

    /// One frame.
    public mutating func evaluate(_ input: RuleInput) throws -> [Event] {
        let watched = regions(input)
        let objects = watched.map { region in
            EventObject(trackID: -1, box: NormalisedRect(region.box, imageWidth: input.frameWidth,
                                                         imageHeight: input.frameHeight),
                        objectClass: "fire")
        }
        let measurements = EventMeasurements(count: watched.count,
                                             occupancy: min(1, watched.reduce(0) { $0 + $1.areaFraction }))
        let score = watched.map(\.score).max() ?? 0
        let zoneID = zone?.id
        let active = common.isScheduled(at: input.timestamp) && !watched.isEmpty
        let event = try lifecycle.observe(active: active, at: input.timestamp, ids: &ids) { t in
            makeEvent(t, kind: .fire, zoneID: zoneID, objects: objects, measurements: measurements, score: score)
        }
        return event.map { [$0] } ?? []
    }

    /// Ends an open fire event.
    public mutating func finish(at time: Timestamp) throws -> [Event] {
        guard let t = try lifecycle.close(at: time) else { return [] }
        return [makeEvent(t, kind: .fire, zoneID: zone?.id, objects: [])]
    }
}
