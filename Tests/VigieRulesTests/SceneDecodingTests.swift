import Foundation
import Testing
import VigieCore
import VigieEvents

@testable import VigieRules

@Suite("Scene decoding")
struct SceneDecodingTests {
    @Test func minimalFileTakesDefaults() throws {
        let scene = try Scene(json: Data(#"{"cameraID": "cam"}"#.utf8))
        #expect(scene == Scene(cameraID: "cam"))
        #expect(scene.zones.isEmpty && scene.lines.isEmpty && scene.privacyMasks.isEmpty && scene.rules.isEmpty)
        #expect(scene.frameRate == nil && scene.calibration == nil && !scene.statisticsOnly)
    }

    @Test func ruleDefaults() throws {
        let scene = try Scene(
            json: Data(
                SceneJSON.make(
                    rules: #"""
                        [{"id": "a", "kind": "intrusion", "zone": "quai-1"},
                         {"id": "b", "kind": "loitering", "zone": "quai-1"},
                         {"id": "c", "kind": "lineCrossed", "line": "edge"},
                         {"id": "d", "kind": "densityExceeded", "zone": "quai-1"},
                         {"id": "e", "kind": "densityExceeded", "zone": "quai-1", "maxCount": 12}]
                        """#
                ).utf8))
        let a = scene.rules[0]
        #expect(a.minDuration == 1 && a.minObjectSize == 0.03 && a.cooldown == 10 && a.updateInterval == 5)
        #expect(a.enabled && a.schedule == nil && a.classes == nil && a.direction == nil && a.maxDwell == nil)
        #expect(scene.rules[1].maxDwell == 60 && scene.rules[1].minDuration == 0)
        #expect(scene.rules[2].direction == .both && scene.rules[2].minDuration == 0)
        #expect(scene.rules[3].maxOccupancy == 0.5 && scene.rules[3].minDuration == 5)
        #expect(scene.rules[4].maxCount == 12 && scene.rules[4].maxOccupancy == nil)
        let line = try #require(scene.line(id: "edge"))
        #expect(line.positiveDirection == "positive" && line.negativeDirection == "negative")
    }

    @Test func wrongWayDistanceDependsOnCalibration() {
        let rule = RuleConfiguration(id: "w", kind: .wrongWay, zone: "z")
        #expect(rule.resolvedMinDistance(calibrated: false) == 0.1)
        #expect(rule.resolvedMinDistance(calibrated: true) == 2)
        #expect(RuleConfiguration(id: "i", kind: .intrusion).resolvedMinDistance(calibrated: true) == nil)
    }

    @Test func encodingRoundTrips() throws {
        let url = repositoryRoot.appending(path: "Examples/scenes/platform.json")
        let scene = try Scene(contentsOf: url)
        let again = try Scene(json: try scene.jsonData())
        #expect(again == scene)
    }

    @Test(arguments: [
        (#"{"cameraID": "c", "zonez": []}"#, #"zonez: unknown key; did you mean "zones"?"#),
        (
            #"{"cameraID": "c", "rules": [{"id": "r", "kind": "intrusion", "zone": "z", "minDuraton": 3}]}"#,
            #"rules[0].minDuraton: unknown key; did you mean "minDuration"?"#
        ),
        (
            #"{"cameraID": "c", "zones": [{"id": "z", "polygon": [], "colour": "red"}]}"#,
            #"zones[0].colour: unknown key; expected one of "id", "name", "description", "polygon", "allowedDirection", "directionTolerance""#
        ),
        (
            #"{"cameraID": "c", "zones": [{"id": "z", "polygon": [{"x": 0, "y": 0, "z": 1}]}]}"#,
            #"zones[0].polygon[0].z: unknown key; did you mean "x"?"#
        ),
        (
            #"{"cameraID": "c", "rules": [{"id": "r", "kind": "intrusion", "schedule": {"intervals": [{"days": ["mon"], "start": "08:00", "end": "09:00", "tz": 1}]}}]}"#,
            #"rules[0].schedule.intervals[0].tz: unknown key; expected one of "days", "start", "end""#
        ),
    ])
    func unknownKeysAreRejected(json: String, message: String) {
        #expect(SceneJSON.problems(json) == [message])
    }

    @Test func schemaKeyIsAcceptedAtTheRootOnly() {
        #expect(SceneJSON.problems(#"{"$schema": "x.json", "cameraID": "c"}"#) == [])
        #expect(
            SceneJSON.problems(#"{"cameraID": "c", "zones": [{"$schema": "x", "id": "z", "polygon": []}]}"#).first?
                .hasPrefix("zones[0].$schema: unknown key") == true)
    }

    @Test(arguments: [
        (#"{"zones": []}"#, "cameraID: missing (required)"),
        (#"{"cameraID": 3}"#, "cameraID: expected a string, found a number"),
        (
            #"{"cameraID": "c", "rules": [{"id": "r", "kind": "intrusion", "minDuration": "3s"}]}"#,
            "rules[0].minDuration: expected a number, found a string"
        ),
        (#"{"cameraID": null}"#, "cameraID: null is not allowed; expected a string"),
        (
            #"{"cameraID": "c", "rules": [{"id": "r", "kind": "intruson"}]}"#,
            #"rules[0].kind: unknown rule kind "intruson"; expected one of "intrusion", "lineCrossed", "wrongWay", "abandonedObject", "objectRemoved", "personDown", "densityExceeded", "crowdMovement", "fire", "smoke", "loitering", "projectile", "tamper""#
        ),
        (
            #"{"cameraID": "c", "rules": [{"id": "r", "kind": "lineCrossed", "direction": "in"}]}"#,
            #"rules[0].direction: unknown direction "in"; expected one of "positive", "negative", "both""#
        ),
        (#"{"cameraID": "c", "zones": [{"id": "z"}]}"#, "zones[0].polygon: missing (required)"),
        (#"{"cameraID": "c", "zones": {"id": "z"}}"#, "zones: expected an array, found an object"),
        (
            #"{"cameraID": "c", "lines": [{"id": "l", "from": {"x": 0.1}, "to": {"x": 0, "y": 0}}]}"#,
            "lines[0].from.y: missing (required)"
        ),
        (
            #"{"cameraID": "c", "rules": [{"id": "r", "kind": "intrusion", "maxCount": 2.5}]}"#,
            "rules[0].maxCount: expected an integer, found 2.5"
        ),
    ])
    func typeErrorsNameTheField(json: String, message: String) {
        let problems = SceneJSON.problems(json)
        #expect(problems.count == 1)
        #expect(problems.first == message)
    }

    @Test func malformedJSONGivesLineAndColumn() {
        let json = "{\n  \"cameraID\": \"c\",\n  \"zones\": [,]\n}"
        let problems = SceneJSON.problems(json)
        #expect(problems.count == 1)
        let message = problems.first ?? ""
        #expect(message.hasPrefix("invalid JSON: "))
        #expect(message == "invalid JSON: line 3, column 13: invalid value", "\(message)")
    }

    @Test func truncatedJSONGivesTheLineAndColumnWhereItStops() {
        let json = "{\n  \"cameraID\": \"c\",\n  \"zones\": ["
        let problems = SceneJSON.problems(json)
        #expect(problems == ["invalid JSON: line 3, column 13: the file ends before the JSON does (truncated?)"], "\(problems)")
    }

    @Test func unreadableFile() {
        let url = URL(filePath: "/nonexistent/scene.json")
        #expect(throws: SceneFileError.unreadable(path: "/nonexistent/scene.json", reason: "no such file")) {
            try Scene(contentsOf: url)
        }
        #expect(
            throws: SceneFileError.unreadable(
                path: repositoryRoot.appending(path: "Examples").path, reason: "is a folder")
        ) {
            try Scene(contentsOf: repositoryRoot.appending(path: "Examples"))
        }
    }

    @Test func initialiserThrowsTheFirstValidationError() {
        let json = SceneJSON.make(rules: #"[{"id": "r1", "kind": "intrusion", "zone": "quai-2"}]"#)
        #expect(throws: SceneFileError.invalidValue(field: "rules[0].zone", reason: #"no zone named "quai-2""#)) {
            try Scene(json: Data(json.utf8))
        }
    }
}

/// `analysisMaxWidth`: decoded, defaulted, range-checked, and a misspelling still named.
@Suite("Scene analysis size")
struct SceneAnalysisSizeTests {
    @Test func decodedAndDefaulted() throws {
        let set = try Scene(json: Data(#"{"cameraID": "c", "analysisMaxWidth": 640}"#.utf8))
        #expect(set.analysisMaxWidth == 640 && set.effectiveAnalysisMaxWidth == 640)
        let unset = try Scene(json: Data(#"{"cameraID": "c"}"#.utf8))
        #expect(unset.analysisMaxWidth == nil && unset.effectiveAnalysisMaxWidth == 960)
        #expect(Scene.defaultAnalysisMaxWidth == 960)
        #expect(try Scene(json: set.jsonData()) == set)
    }

    @Test(arguments: [32, 0, -1, 20_000])
    func outOfRangeIsNamed(width: Int) {
        #expect(throws: SceneFileError.invalidValue(field: "analysisMaxWidth", reason: "must be 64…16384 pixels, got \(width)")) {
            _ = try Scene(json: Data(#"{"cameraID": "c", "analysisMaxWidth": \#(width)}"#.utf8))
        }
    }

    @Test func misspellingIsNamed() {
        #expect(SceneJSON.problems(#"{"cameraID": "c", "analysisMaxWdth": 640}"#)
                == [#"analysisMaxWdth: unknown key; did you mean "analysisMaxWidth"?"#])
        #expect(SceneJSON.problems(#"{"cameraID": "c", "analysisMaxWidth": "960"}"#)
                == ["analysisMaxWidth: expected a number, found a string"])
        #expect(SceneJSON.problems(#"{"cameraID": "c", "analysisMaxWidth": 960.5}"#)
                == ["analysisMaxWidth: expected an integer, found 960.5"])
    }
}
