import Foundation

@testable import VigieRules

/// Builds scene JSON from fragments, with a valid default for each part.
enum SceneJSON {
    static let square = #"[{"x":0.1,"y":0.1},{"x":0.4,"y":0.1},{"x":0.4,"y":0.4},{"x":0.1,"y":0.4}]"#

    static func make(
        camera: String = #""cameraID": "cam-1""#,
        zones: String = #"[{"id": "quai-1", "polygon": \#(square)}]"#,
        lines: String = #"[{"id": "edge", "from": {"x": 0.1, "y": 0.5}, "to": {"x": 0.9, "y": 0.5}}]"#,
        masks: String = "[]",
        calibration: String? = nil,
        rules: String = #"[{"id": "r1", "kind": "intrusion", "zone": "quai-1"}]"#,
        extra: String = ""
    ) -> String {
        var parts = [
            camera, #""zones": \#(zones)"#, #""lines": \#(lines)"#, #""privacyMasks": \#(masks)"#,
            #""rules": \#(rules)"#,
        ]
        if let calibration { parts.append(#""calibration": \#(calibration)"#) }
        if !extra.isEmpty { parts.append(extra) }
        return "{" + parts.joined(separator: ", ") + "}"
    }

    /// Every problem of a scene JSON, as `field: reason` lines (decoding errors first and alone).
    static func problems(_ json: String) -> [String] {
        do {
            let scene = try Scene(unvalidatedJSON: Data(json.utf8))
            return scene.validationErrors().map(\.description)
        } catch {
            return [error.description]
        }
    }

    /// A single rule, with the default zones and lines.
    static func rule(_ body: String) -> [String] {
        problems(make(rules: "[\(body)]"))
    }

    /// A platform-like calibration (6 m wide, 38 m long) whose corners are the points of `platformPolygon`.
    static let platformCalibration = #"""
        {"points": [
          {"image": {"x": 0.08, "y": 1.0}, "ground": {"x": 0, "y": 2}},
          {"image": {"x": 0.95, "y": 1.0}, "ground": {"x": 6, "y": 2}},
          {"image": {"x": 0.75, "y": 0.36}, "ground": {"x": 6, "y": 40}},
          {"image": {"x": 0.31, "y": 0.36}, "ground": {"x": 0, "y": 40}}]}
        """#

    /// A strongly converging 6 m strip: the horizon is the image line y = 1/3.
    static let steepCalibration = #"""
        {"points": [
          {"image": {"x": 0.1, "y": 1.0}, "ground": {"x": 0, "y": 0}},
          {"image": {"x": 0.9, "y": 1.0}, "ground": {"x": 6, "y": 0}},
          {"image": {"x": 0.6, "y": 0.5}, "ground": {"x": 6, "y": 100}},
          {"image": {"x": 0.4, "y": 0.5}, "ground": {"x": 0, "y": 100}}]}
        """#
}

/// The repository root, from this file's path.
let repositoryRoot = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
