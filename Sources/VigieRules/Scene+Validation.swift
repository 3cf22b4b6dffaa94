import Foundation
import VigieCore
import VigieEvents

/// Collects the semantic problems of a scene, in file order.
struct SceneValidator {
    var errors: [SceneFileError] = []

    private mutating func fail(_ field: String, _ reason: String) {
        errors.append(.invalidValue(field: field, reason: reason))
    }

    mutating func check(_ scene: Scene) {
        if scene.cameraID.trimmingCharacters(in: .whitespaces).isEmpty { fail("cameraID", "must not be empty") }
        if let width = scene.analysisMaxWidth, !(64...16_384).contains(width) {
            fail("analysisMaxWidth", "must be 64…16384 pixels, got \(width)")
        }
        if !(scene.statisticsInterval > 0 && scene.statisticsInterval <= 86_400) {
            fail("statisticsInterval", "must be > 0 and ≤ 86400 seconds, got \(scene.statisticsInterval)")
        }
        if let rate = scene.frameRate, !(rate > 0 && rate <= 1000) {
            fail("frameRate", "must be > 0 and ≤ 1000 frames per second, got \(rate)")
        }
        checkIDs(scene.zones.map(\.id), "zones")
        for (i, zone) in scene.zones.enumerated() {
            checkPolygon(zone.polygon, "zones[\(i)].polygon")
            if let direction = zone.allowedDirection, !(-360...360).contains(direction) {
                fail("zones[\(i)].allowedDirection", "must be in −360…360 degrees, got \(direction)")
            }
            if let tolerance = zone.directionTolerance {
                if zone.allowedDirection == nil {
                    fail("zones[\(i)].directionTolerance", "needs allowedDirection")
                } else if !(tolerance > 0 && tolerance <= 90) {
                    fail("zones[\(i)].directionTolerance", "must be > 0 and ≤ 90 degrees, got \(tolerance)")
                }
            }
        }
        checkIDs(scene.lines.map(\.id), "lines")
        for (i, line) in scene.lines.enumerated() {
            checkPoint(line.from, "lines[\(i)].from")
            checkPoint(line.to, "lines[\(i)].to")
            if line.normalisedLength < 1e-6 {
                fail("lines[\(i)].to", "same point as from; a line needs a non-zero length")
            }
            for (name, value) in [
                ("positiveDirection", line.positiveDirection), ("negativeDirection", line.negativeDirection),
            ]
            where value.trimmingCharacters(in: .whitespaces).isEmpty {
                fail("lines[\(i)].\(name)", "must not be empty")
            }
            if line.positiveDirection == line.negativeDirection {
                fail("lines[\(i)].negativeDirection", "same name as positiveDirection (\"\(line.positiveDirection)\")")
            }
        }
        checkIDs(scene.privacyMasks.map(\.id), "privacyMasks")
        for (i, mask) in scene.privacyMasks.enumerated() { checkPolygon(mask.polygon, "privacyMasks[\(i)].polygon") }
        checkIDs(scene.rules.map(\.id), "rules")
        for (i, rule) in scene.rules.enumerated() { check(rule, "rules[\(i)]", scene) }
    }

    // MARK: Ids

    private mutating func checkIDs(_ ids: [String], _ collection: String) {
        var seen: [String: Int] = [:]
        for (i, id) in ids.enumerated() {
            if id.trimmingCharacters(in: .whitespaces).isEmpty {
                fail("\(collection)[\(i)].id", "must not be empty")
            } else if let first = seen[id] {
                fail("\(collection)[\(i)].id", "duplicate id \"\(id)\" (also \(collection)[\(first)])")
            } else {
                seen[id] = i
            }
        }
    }

    // MARK: Geometry

    private mutating func checkPoint(_ p: NormalisedPoint, _ field: String) {
        if !(0...1).contains(p.x) { fail("\(field).x", "\(p.x) is outside 0…1") }
        if !(0...1).contains(p.y) { fail("\(field).y", "\(p.y) is outside 0…1") }
    }

    private mutating func checkPolygon(_ polygon: [NormalisedPoint], _ field: String) {
        guard polygon.count >= 3 else {
            fail(field, "needs at least 3 points, got \(polygon.count)")
            return
        }
        let before = errors.count
        for (j, p) in polygon.enumerated() { checkPoint(p, "\(field)[\(j)]") }
        guard errors.count == before else { return }
        for j in polygon.indices where polygon[j] == polygon[(j + 1) % polygon.count] {
            fail(field, "point \((j + 1) % polygon.count) repeats point \(j)")
            return
        }
        var spread = 0.0
        for j in polygon.indices {
            for k in polygon.indices {
                spread = max(spread, abs(PolygonGeometry.cross(polygon[0], polygon[j], polygon[k])))
            }
        }
        if spread < 2e-6 {
            fail(field, "zero area (the points are collinear)")
            return
        }
        if let (a, b) = PolygonGeometry.firstSelfIntersection(polygon) {
            let n = polygon.count
            fail(field, "self-intersecting (edges \(a)–\((a + 1) % n) and \(b)–\((b + 1) % n) cross)")
            return
        }
        if abs(PolygonGeometry.signedArea(polygon)) < 1e-6 { fail(field, "zero area") }
    }

    // MARK: Rules

    private mutating func check(_ rule: RuleConfiguration, _ field: String, _ scene: Scene) {
        let kind = rule.kind.rawValue
        switch RulePlacement(rule.kind) {
        case .zoneRequired:
            if rule.zone == nil { fail("\(field).zone", "missing: a \(kind) rule needs a zone") }
            if rule.line != nil { fail("\(field).line", "a \(kind) rule takes a zone, not a line") }
        case .zoneOptional:
            if rule.line != nil {
                fail("\(field).line", "a \(kind) rule takes a zone (or none: whole image), not a line")
            }
        case .lineRequired:
            if rule.line == nil { fail("\(field).line", "missing: a \(kind) rule needs a line") }
            if rule.zone != nil { fail("\(field).zone", "a \(kind) rule takes a line, not a zone") }
        case .wholeImage:
            if rule.zone != nil { fail("\(field).zone", "a \(kind) rule watches the whole image; remove the zone") }
            if rule.line != nil { fail("\(field).line", "a \(kind) rule watches the whole image; remove the line") }
        }
        var zone: Zone? = nil
        if let id = rule.zone {
            zone = scene.zone(id: id)
            if zone == nil { fail("\(field).zone", "no zone named \"\(id)\"") }
        }
        if let id = rule.line, scene.line(id: id) == nil { fail("\(field).line", "no line named \"\(id)\"") }

        checkDuration(rule.minDuration, "\(field).minDuration", allowZero: true)
        checkDuration(rule.cooldown, "\(field).cooldown", allowZero: true)
        checkDuration(rule.updateInterval, "\(field).updateInterval", allowZero: false)
        if !(0...1).contains(rule.minObjectSize) || rule.minObjectSize == 1 {
            fail(
                "\(field).minObjectSize",
                "must be a fraction of the image height in 0…1 (excluded), got \(rule.minObjectSize)")
        }

        // Kind-specific thresholds: only on their kind, and in range.
        func only(_ name: String, _ present: Bool, _ kinds: Set<EventKind>) {
            if present && !kinds.contains(rule.kind) {
                let names = kinds.map(\.rawValue).sorted().joined(separator: ", ")
                fail("\(field).\(name)", "only applies to \(names) rules, not \(kind)")
            }
        }
        only("maxDwell", rule.maxDwell != nil, [.loitering])
        only("maxCount", rule.maxCount != nil, [.densityExceeded])
        only("maxDensity", rule.maxDensity != nil, [.densityExceeded])
        only("maxOccupancy", rule.maxOccupancy != nil, [.densityExceeded])
        only("minDistance", rule.minDistance != nil, [.wrongWay])
        only("direction", rule.direction != nil, [.lineCrossed])
        only("requireOwner", rule.requireOwner != nil, [.abandonedObject])
        if rule.classes != nil && [.fire, .smoke, .crowdMovement, .tamper].contains(rule.kind) {
            fail("\(field).classes", "\(kind) rules do not look at objects, so classes do not apply")
        }

        if let dwell = rule.maxDwell { checkDuration(dwell, "\(field).maxDwell", allowZero: false) }
        if let count = rule.maxCount, count < 1 { fail("\(field).maxCount", "must be ≥ 1, got \(count)") }
        if let density = rule.maxDensity {
            if !(density > 0 && density <= 10) {
                fail("\(field).maxDensity", "must be > 0 and ≤ 10 people per m², got \(density)")
            }
            if let calibration = scene.calibration {
                if let zone, zone.polygon.count >= 3, calibration.groundArea(ofPolygon: zone.polygon) == nil {
                    fail("\(field).zone", "zone \"\(zone.id)\" reaches beyond the horizon of the calibration")
                }
            } else {
                fail(
                    "\(field).maxDensity",
                    "needs a calibration (people per m²); add one or use maxCount or maxOccupancy")
            }
        }
        if let occupancy = rule.maxOccupancy, !(occupancy > 0 && occupancy <= 1) {
            fail("\(field).maxOccupancy", "must be a fraction > 0 and ≤ 1, got \(occupancy)")
        }
        if let distance = rule.minDistance, !(distance > 0 && distance.isFinite) {
            fail("\(field).minDistance", "must be > 0, got \(distance)")
        }
        if rule.kind == .wrongWay, let zone, zone.allowedDirection == nil {
            fail("\(field).zone", "zone \"\(zone.id)\" has no allowedDirection, which a wrongWay rule needs")
        }
        if let classes = rule.classes {
            if classes.isEmpty { fail("\(field).classes", "must not be empty (leave it out for every object)") }
            for (j, name) in classes.enumerated() where name.trimmingCharacters(in: .whitespaces).isEmpty {
                fail("\(field).classes[\(j)]", "must not be empty")
            }
        }
        if let schedule = rule.schedule { check(schedule, "\(field).schedule") }
    }

    private mutating func checkDuration(_ value: Double, _ field: String, allowZero: Bool) {
        if allowZero ? !(value >= 0 && value.isFinite) : !(value > 0 && value.isFinite) {
            fail(field, "must be \(allowZero ? "≥ 0" : "> 0") seconds, got \(value)")
        }
    }

    // MARK: Schedules

    private mutating func check(_ schedule: WeeklySchedule, _ field: String) {
        if schedule.intervals.isEmpty { fail("\(field).intervals", "must not be empty (a rule that never runs)") }
        if !(-720...840).contains(schedule.utcOffsetMinutes) {
            fail("\(field).utcOffsetMinutes", "must be in −720…840 minutes, got \(schedule.utcOffsetMinutes)")
        }
        if let identifier = schedule.timeZone {
            if TimeZone(identifier: identifier) == nil {
                fail("\(field).timeZone", "unknown time zone \"\(identifier)\" (IANA names such as \"Europe/Paris\")")
            }
            if schedule.utcOffsetMinutes != 0 {
                fail("\(field).utcOffsetMinutes", "give either timeZone or utcOffsetMinutes")
            }
        }
        for (i, interval) in schedule.intervals.enumerated() {
            let at = "\(field).intervals[\(i)]"
            if interval.days.isEmpty { fail("\(at).days", "must not be empty") }
            if !interval.start.isValid(allowEndOfDay: false) {
                fail(
                    "\(at).start",
                    WeeklySchedule.TimeOfDay.rangeReason(interval.start.description, allowEndOfDay: false))
            }
            if !interval.end.isValid(allowEndOfDay: true) {
                fail("\(at).end", WeeklySchedule.TimeOfDay.rangeReason(interval.end.description, allowEndOfDay: true))
            }
            if interval.start == interval.end {
                fail("\(at).end", "same as start; use \"00:00\" to \"24:00\" for a whole day")
            }
        }
    }
}
