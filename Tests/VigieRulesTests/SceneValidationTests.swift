import Foundation
import Testing

@testable import VigieRules

@Suite("Scene validation")
struct SceneValidationTests {
    @Test func defaultTemplateIsValid() {
        #expect(SceneJSON.problems(SceneJSON.make()) == [])
    }

    @Test func scene() {
        #expect(SceneJSON.problems(SceneJSON.make(camera: #""cameraID": " ""#)) == ["cameraID: must not be empty"])
        #expect(
            SceneJSON.problems(SceneJSON.make(extra: #""frameRate": 0"#))
                == ["frameRate: must be > 0 and ≤ 1000 frames per second, got 0.0"])
    }

    @Test func ids() {
        let zones =
            #"[{"id": "a", "polygon": \#(SceneJSON.square)}, {"id": "a", "polygon": \#(SceneJSON.square)}, {"id": "", "polygon": \#(SceneJSON.square)}]"#
        #expect(
            SceneJSON.problems(SceneJSON.make(zones: zones, rules: "[]")) == [
                #"zones[1].id: duplicate id "a" (also zones[0])"#, "zones[2].id: must not be empty",
            ])
        let rules = #"[{"id": "r", "kind": "tamper"}, {"id": "r", "kind": "tamper"}]"#
        #expect(SceneJSON.problems(SceneJSON.make(rules: rules)) == [#"rules[1].id: duplicate id "r" (also rules[0])"#])
    }

    @Test(arguments: [
        (#"[{"x":0.1,"y":0.1},{"x":0.4,"y":0.1}]"#, "zones[0].polygon: needs at least 3 points, got 2"),
        (
            #"[{"x":0.1,"y":0.1},{"x":1.2,"y":0.1},{"x":0.4,"y":-0.1}]"#,
            "zones[0].polygon[1].x: 1.2 is outside 0…1|zones[0].polygon[2].y: -0.1 is outside 0…1"
        ),
        // A bow tie: edges 0–1 and 2–3 cross.
        (
            #"[{"x":0.1,"y":0.1},{"x":0.4,"y":0.4},{"x":0.4,"y":0.1},{"x":0.1,"y":0.4}]"#,
            "zones[0].polygon: self-intersecting (edges 0–1 and 2–3 cross)"
        ),
        // A vertex touching a non-adjacent edge.
        (
            #"[{"x":0.1,"y":0.1},{"x":0.5,"y":0.1},{"x":0.3,"y":0.5},{"x":0.3,"y":0.1},{"x":0.2,"y":0.5}]"#,
            "zones[0].polygon: self-intersecting (edges 0–1 and 2–3 cross)"
        ),
        // Folding back along itself.
        (
            #"[{"x":0.1,"y":0.1},{"x":0.5,"y":0.1},{"x":0.3,"y":0.1},{"x":0.3,"y":0.5}]"#,
            "zones[0].polygon: self-intersecting (edges 0–1 and 1–2 cross)"
        ),
        (
            #"[{"x":0.1,"y":0.1},{"x":0.2,"y":0.2},{"x":0.3,"y":0.3}]"#,
            "zones[0].polygon: zero area (the points are collinear)"
        ),
        (#"[{"x":0.1,"y":0.1},{"x":0.1,"y":0.1},{"x":0.3,"y":0.3}]"#, "zones[0].polygon: point 1 repeats point 0"),
    ])
    func polygons(polygon: String, messages: String) {
        let zones = #"[{"id": "quai-1", "polygon": \#(polygon)}]"#
        #expect(SceneJSON.problems(SceneJSON.make(zones: zones)) == messages.split(separator: "|").map(String.init))
        let masks = #"[{"id": "m", "polygon": \#(polygon)}]"#
        let maskMessages = messages.replacingOccurrences(of: "zones[0]", with: "privacyMasks[0]")
        #expect(SceneJSON.problems(SceneJSON.make(masks: masks)) == maskMessages.split(separator: "|").map(String.init))
    }

    @Test func concavePolygonIsValid() {
        let polygon = #"[{"x":0.1,"y":0.1},{"x":0.5,"y":0.1},{"x":0.3,"y":0.3},{"x":0.5,"y":0.5},{"x":0.1,"y":0.5}]"#
        #expect(SceneJSON.problems(SceneJSON.make(zones: #"[{"id": "quai-1", "polygon": \#(polygon)}]"#)) == [])
    }

    @Test func zoneDirection() {
        func zone(_ fields: String) -> [String] {
            SceneJSON.problems(
                SceneJSON.make(zones: #"[{"id": "quai-1", "polygon": \#(SceneJSON.square), \#(fields)}]"#))
        }
        #expect(
            zone(#""allowedDirection": 400"#) == ["zones[0].allowedDirection: must be in −360…360 degrees, got 400.0"])
        #expect(zone(#""directionTolerance": 30"#) == ["zones[0].directionTolerance: needs allowedDirection"])
        #expect(
            zone(#""allowedDirection": 90, "directionTolerance": 120"#)
                == ["zones[0].directionTolerance: must be > 0 and ≤ 90 degrees, got 120.0"])
        #expect(zone(#""allowedDirection": -90, "directionTolerance": 45"#) == [])
    }

    @Test func lines() {
        func line(_ body: String) -> [String] {
            SceneJSON.problems(SceneJSON.make(lines: "[{\"id\": \"edge\", \(body)}]", rules: "[]"))
        }
        #expect(
            line(#""from": {"x": 0.5, "y": 0.5}, "to": {"x": 0.5, "y": 0.5}"#)
                == ["lines[0].to: same point as from; a line needs a non-zero length"])
        #expect(
            line(#""from": {"x": 0.5, "y": 1.5}, "to": {"x": 0.5, "y": 0.5}"#) == [
                "lines[0].from.y: 1.5 is outside 0…1"
            ])
        #expect(
            line(
                #""from": {"x": 0, "y": 0}, "to": {"x": 1, "y": 1}, "positiveDirection": "in", "negativeDirection": "in""#
            )
                == [#"lines[0].negativeDirection: same name as positiveDirection ("in")"#])
        #expect(
            line(#""from": {"x": 0, "y": 0}, "to": {"x": 1, "y": 1}, "positiveDirection": """#)
                == ["lines[0].positiveDirection: must not be empty"])
    }

    @Test func references() {
        #expect(
            SceneJSON.rule(#"{"id": "r", "kind": "intrusion", "zone": "quai-2"}"#) == [
                #"rules[0].zone: no zone named "quai-2""#
            ])
        #expect(
            SceneJSON.rule(#"{"id": "r", "kind": "lineCrossed", "line": "fence"}"#) == [
                #"rules[0].line: no line named "fence""#
            ])
        // The index in the path is the rule's position in the file.
        let rules =
            #"[{"id": "a", "kind": "tamper"}, {"id": "b", "kind": "tamper"}, {"id": "c", "kind": "tamper"}, {"id": "d", "kind": "intrusion", "zone": "quai-2"}]"#
        #expect(SceneJSON.problems(SceneJSON.make(rules: rules)) == [#"rules[3].zone: no zone named "quai-2""#])
    }

    @Test func placement() {
        for kind in [
            "intrusion", "loitering", "densityExceeded", "crowdMovement", "abandonedObject", "objectRemoved",
            "projectile",
        ] {
            #expect(
                SceneJSON.rule(#"{"id": "r", "kind": "\#(kind)"}"#) == [
                    "rules[0].zone: missing: a \(kind) rule needs a zone"
                ])
            #expect(
                SceneJSON.rule(#"{"id": "r", "kind": "\#(kind)", "zone": "quai-1", "line": "edge"}"#)
                    == ["rules[0].line: a \(kind) rule takes a zone, not a line"])
        }
        #expect(
            SceneJSON.rule(#"{"id": "r", "kind": "wrongWay"}"#) == [
                "rules[0].zone: missing: a wrongWay rule needs a zone"
            ])
        #expect(
            SceneJSON.rule(#"{"id": "r", "kind": "lineCrossed"}"#) == [
                "rules[0].line: missing: a lineCrossed rule needs a line"
            ])
        #expect(
            SceneJSON.rule(#"{"id": "r", "kind": "lineCrossed", "line": "edge", "zone": "quai-1"}"#)
                == ["rules[0].zone: a lineCrossed rule takes a line, not a zone"])
        #expect(
            SceneJSON.rule(#"{"id": "r", "kind": "tamper", "zone": "quai-1"}"#)
                == ["rules[0].zone: a tamper rule watches the whole image; remove the zone"])
        #expect(
            SceneJSON.rule(#"{"id": "r", "kind": "fire", "line": "edge"}"#)
                == ["rules[0].line: a fire rule takes a zone (or none: whole image), not a line"])
        for kind in ["personDown", "fire", "smoke"] {
            #expect(SceneJSON.rule(#"{"id": "r", "kind": "\#(kind)"}"#) == [])
            #expect(SceneJSON.rule(#"{"id": "r", "kind": "\#(kind)", "zone": "quai-1"}"#) == [])
        }
    }

    @Test func durationsAndSizes() {
        #expect(
            SceneJSON.rule(#"{"id": "r", "kind": "intrusion", "zone": "quai-1", "minDuration": -1}"#)
                == ["rules[0].minDuration: must be ≥ 0 seconds, got -1.0"])
        #expect(
            SceneJSON.rule(#"{"id": "r", "kind": "intrusion", "zone": "quai-1", "cooldown": -0.5}"#)
                == ["rules[0].cooldown: must be ≥ 0 seconds, got -0.5"])
        #expect(
            SceneJSON.rule(#"{"id": "r", "kind": "intrusion", "zone": "quai-1", "updateInterval": 0}"#)
                == ["rules[0].updateInterval: must be > 0 seconds, got 0.0"])
        #expect(
            SceneJSON.rule(#"{"id": "r", "kind": "intrusion", "zone": "quai-1", "minObjectSize": 1.5}"#)
                == ["rules[0].minObjectSize: must be a fraction of the image height in 0…1 (excluded), got 1.5"])
        #expect(
            SceneJSON.rule(
                #"{"id": "r", "kind": "intrusion", "zone": "quai-1", "minDuration": 0, "minObjectSize": 0, "cooldown": 0}"#
            ) == [])
    }

    @Test func kindSpecificThresholds() {
        #expect(
            SceneJSON.rule(#"{"id": "r", "kind": "intrusion", "zone": "quai-1", "maxDwell": 30}"#)
                == ["rules[0].maxDwell: only applies to loitering rules, not intrusion"])
        #expect(
            SceneJSON.rule(#"{"id": "r", "kind": "lineCrossed", "line": "edge", "maxCount": 3}"#)
                == ["rules[0].maxCount: only applies to densityExceeded rules, not lineCrossed"])
        #expect(
            SceneJSON.rule(#"{"id": "r", "kind": "intrusion", "zone": "quai-1", "direction": "positive"}"#)
                == ["rules[0].direction: only applies to lineCrossed rules, not intrusion"])
        #expect(
            SceneJSON.rule(#"{"id": "r", "kind": "intrusion", "zone": "quai-1", "requireOwner": true}"#)
                == ["rules[0].requireOwner: only applies to abandonedObject rules, not intrusion"])
        #expect(SceneJSON.rule(#"{"id": "r", "kind": "abandonedObject", "zone": "quai-1", "requireOwner": true}"#) == [])
        #expect(
            SceneJSON.rule(#"{"id": "r", "kind": "loitering", "zone": "quai-1", "maxDwell": 0}"#)
                == ["rules[0].maxDwell: must be > 0 seconds, got 0.0"])
        #expect(
            SceneJSON.rule(#"{"id": "r", "kind": "densityExceeded", "zone": "quai-1", "maxCount": 0}"#)
                == ["rules[0].maxCount: must be ≥ 1, got 0"])
        #expect(
            SceneJSON.rule(#"{"id": "r", "kind": "densityExceeded", "zone": "quai-1", "maxOccupancy": 1.5}"#)
                == ["rules[0].maxOccupancy: must be a fraction > 0 and ≤ 1, got 1.5"])
        #expect(
            SceneJSON.rule(#"{"id": "r", "kind": "fire", "classes": ["person"]}"#)
                == ["rules[0].classes: fire rules do not look at objects, so classes do not apply"])
        #expect(
            SceneJSON.rule(#"{"id": "r", "kind": "intrusion", "zone": "quai-1", "classes": []}"#)
                == ["rules[0].classes: must not be empty (leave it out for every object)"])
        #expect(
            SceneJSON.rule(#"{"id": "r", "kind": "intrusion", "zone": "quai-1", "classes": ["person", ""]}"#)
                == ["rules[0].classes[1]: must not be empty"])
    }

    @Test func wrongWayNeedsADirectedZone() {
        #expect(
            SceneJSON.rule(#"{"id": "r", "kind": "wrongWay", "zone": "quai-1"}"#)
                == [#"rules[0].zone: zone "quai-1" has no allowedDirection, which a wrongWay rule needs"#])
        let zones = #"[{"id": "quai-1", "polygon": \#(SceneJSON.square), "allowedDirection": 0}]"#
        #expect(
            SceneJSON.problems(
                SceneJSON.make(
                    zones: zones, rules: #"[{"id": "r", "kind": "wrongWay", "zone": "quai-1", "minDistance": 0}]"#))
                == ["rules[0].minDistance: must be > 0, got 0.0"])
    }

    @Test func maxDensityNeedsACalibration() {
        let rule = #"[{"id": "r", "kind": "densityExceeded", "zone": "quai-1", "maxDensity": 2}]"#
        #expect(
            SceneJSON.problems(SceneJSON.make(rules: rule))
                == ["rules[0].maxDensity: needs a calibration (people per m²); add one or use maxCount or maxOccupancy"]
        )
        #expect(SceneJSON.problems(SceneJSON.make(calibration: SceneJSON.platformCalibration, rules: rule)) == [])
        let tooDense = #"[{"id": "r", "kind": "densityExceeded", "zone": "quai-1", "maxDensity": 20}]"#
        #expect(
            SceneJSON.problems(SceneJSON.make(calibration: SceneJSON.platformCalibration, rules: tooDense))
                == ["rules[0].maxDensity: must be > 0 and ≤ 10 people per m², got 20.0"])
    }

    @Test func densityZoneMustBeBelowTheHorizon() {
        // The steep calibration's horizon is y = 1/3: a zone reaching the top of the image crosses it.
        let zones =
            #"[{"id": "quai-1", "polygon": [{"x":0.3,"y":0.0},{"x":0.7,"y":0.0},{"x":0.7,"y":0.9},{"x":0.3,"y":0.9}]}]"#
        let rule = #"[{"id": "r", "kind": "densityExceeded", "zone": "quai-1", "maxDensity": 2}]"#
        #expect(
            SceneJSON.problems(SceneJSON.make(zones: zones, calibration: SceneJSON.steepCalibration, rules: rule))
                == [#"rules[0].zone: zone "quai-1" reaches beyond the horizon of the calibration"#])
    }

    @Test func calibrationErrors() {
        func calibration(_ points: String) -> [String] {
            SceneJSON.problems(SceneJSON.make(calibration: #"{"points": \#(points)}"#))
        }
        let three =
            #"[{"image": {"x": 0.1, "y": 0.1}, "ground": {"x": 0, "y": 0}}, {"image": {"x": 0.9, "y": 0.1}, "ground": {"x": 1, "y": 0}}, {"image": {"x": 0.9, "y": 0.9}, "ground": {"x": 1, "y": 1}}]"#
        #expect(calibration(three) == ["calibration.points: needs exactly 4 points, got 3"])
        let collinearImage =
            #"[{"image": {"x": 0.1, "y": 0.1}, "ground": {"x": 0, "y": 0}}, {"image": {"x": 0.5, "y": 0.5}, "ground": {"x": 1, "y": 0}}, {"image": {"x": 0.9, "y": 0.9}, "ground": {"x": 1, "y": 1}}, {"image": {"x": 0.1, "y": 0.9}, "ground": {"x": 0, "y": 1}}]"#
        #expect(calibration(collinearImage) == ["calibration.points: image points 0, 1 and 2 are collinear"])
        let collinearGround =
            #"[{"image": {"x": 0.1, "y": 0.1}, "ground": {"x": 0, "y": 0}}, {"image": {"x": 0.9, "y": 0.1}, "ground": {"x": 1, "y": 0}}, {"image": {"x": 0.9, "y": 0.9}, "ground": {"x": 1, "y": 1}}, {"image": {"x": 0.1, "y": 0.9}, "ground": {"x": 2, "y": 2}}]"#
        #expect(calibration(collinearGround) == ["calibration.points: ground points 0, 2 and 3 are collinear"])
        let outside =
            #"[{"image": {"x": 1.1, "y": 0.1}, "ground": {"x": 0, "y": 0}}, {"image": {"x": 0.9, "y": 0.1}, "ground": {"x": 1, "y": 0}}, {"image": {"x": 0.9, "y": 0.9}, "ground": {"x": 1, "y": 1}}, {"image": {"x": 0.1, "y": 0.9}, "ground": {"x": 0, "y": 1}}]"#
        #expect(calibration(outside) == ["calibration.points[0].image.x: 1.1 is outside 0…1"])
        // Ground points 2 and 3 swapped: the quadrilaterals are in different orders.
        let swapped =
            #"[{"image": {"x": 0.1, "y": 0.1}, "ground": {"x": 0, "y": 0}}, {"image": {"x": 0.9, "y": 0.1}, "ground": {"x": 1, "y": 0}}, {"image": {"x": 0.9, "y": 0.9}, "ground": {"x": 0, "y": 1}}, {"image": {"x": 0.1, "y": 0.9}, "ground": {"x": 1, "y": 1}}]"#
        #expect(
            calibration(swapped)
                == [
                    "calibration.points: image and ground points are not in the same order (the mapping would fold the ground plane)"
                ])
    }

    @Test func schedules() {
        func schedule(_ body: String) -> [String] {
            SceneJSON.rules(#"{"id": "a", "kind": "tamper"}, {"id": "b", "kind": "tamper", "schedule": \#(body)}"#)
        }
        #expect(
            schedule(#"{"intervals": [{"days": ["mon"], "start": "25:00", "end": "06:00"}]}"#)
                == [#"rules[1].schedule.intervals[0].start: "25:00" is not a time of day (HH:MM, 00:00…23:59)"#])
        #expect(
            schedule(#"{"intervals": [{"days": ["mon"], "start": "24:00", "end": "06:00"}]}"#)
                == [#"rules[1].schedule.intervals[0].start: "24:00" is not a time of day (HH:MM, 00:00…23:59)"#])
        #expect(
            schedule(#"{"intervals": [{"days": ["mon"], "start": "08:00", "end": "8h30"}]}"#)
                == [#"rules[1].schedule.intervals[0].end: "8h30" is not a time of day (HH:MM)"#])
        #expect(
            schedule(#"{"intervals": [{"days": ["mon"], "start": "08:00", "end": "12:60"}]}"#)
                == [
                    #"rules[1].schedule.intervals[0].end: "12:60" is not a time of day (HH:MM, 00:00…23:59, or 24:00 for an end)"#
                ])
        #expect(
            schedule(#"{"intervals": [{"days": ["mon", "sunday"], "start": "08:00", "end": "09:00"}]}"#)
                == [
                    #"rules[1].schedule.intervals[0].days[1]: unknown day "sunday"; expected one of "mon", "tue", "wed", "thu", "fri", "sat", "sun", "weekdays", "weekend", "all""#
                ])
        #expect(
            schedule(#"{"intervals": [{"days": [], "start": "08:00", "end": "09:00"}]}"#)
                == ["rules[1].schedule.intervals[0].days: must not be empty"])
        #expect(
            schedule(#"{"intervals": [{"days": ["all"], "start": "08:00", "end": "08:00"}]}"#)
                == [#"rules[1].schedule.intervals[0].end: same as start; use "00:00" to "24:00" for a whole day"#])
        #expect(
            schedule(#"{"intervals": []}"#) == [
                "rules[1].schedule.intervals: must not be empty (a rule that never runs)"
            ])
        #expect(
            schedule(#"{"utcOffsetMinutes": 900, "intervals": [{"days": ["all"], "start": "08:00", "end": "09:00"}]}"#)
                == ["rules[1].schedule.utcOffsetMinutes: must be in −720…840 minutes, got 900"])
        #expect(
            schedule(
                #"{"timeZone": "Europe/Pari", "intervals": [{"days": ["all"], "start": "08:00", "end": "09:00"}]}"#)
                == [#"rules[1].schedule.timeZone: unknown time zone "Europe/Pari" (IANA names such as "Europe/Paris")"#]
        )
        #expect(
            schedule(
                #"{"timeZone": "Europe/Paris", "utcOffsetMinutes": 60, "intervals": [{"days": ["all"], "start": "08:00", "end": "09:00"}]}"#
            )
                == ["rules[1].schedule.utcOffsetMinutes: give either timeZone or utcOffsetMinutes"])
        #expect(schedule(#"{"intervals": [{"days": ["weekend"], "start": "0:00", "end": "24:00"}]}"#) == [])
    }

    @Test func programmaticTimesAreValidatedToo() {
        var scene = Scene(cameraID: "c", rules: [RuleConfiguration(id: "r", kind: .tamper)])
        scene.rules[0].schedule = WeeklySchedule(intervals: [
            .init(days: [.mon], start: .init(hour: 7, minute: 75), end: .init(hour: 24, minute: 30))
        ])
        #expect(
            scene.validationErrors().map(\.description) == [
                #"rules[0].schedule.intervals[0].start: "07:75" is not a time of day (HH:MM, 00:00…23:59)"#,
                #"rules[0].schedule.intervals[0].end: "24:30" is not a time of day (HH:MM, 00:00…23:59, or 24:00 for an end)"#,
            ])
    }

    @Test func allErrorsAreReportedInFileOrder() {
        let json = SceneJSON.make(
            camera: #""cameraID": """#,
            zones:
                #"[{"id": "quai-1", "polygon": [{"x":0.1,"y":0.1},{"x":0.4,"y":0.4},{"x":0.4,"y":0.1},{"x":0.1,"y":0.4}]}]"#,
            rules:
                #"[{"id": "r1", "kind": "intrusion", "zone": "quai-1"}, {"id": "r2", "kind": "intrusion", "zone": "quai-2"}]"#
        )
        #expect(
            SceneJSON.problems(json) == [
                "cameraID: must not be empty", "zones[0].polygon: self-intersecting (edges 0–1 and 2–3 cross)",
                #"rules[1].zone: no zone named "quai-2""#,
            ])
    }
}

extension SceneJSON {
    /// Several rules, with the default zones and lines.
    static func rules(_ bodies: String) -> [String] { problems(make(rules: "[\(bodies)]")) }
}
