import Foundation
import Testing
import VigieEvents

@testable import VigieRules

/// The published schema names exactly the keys the decoder accepts.
@Suite("Scene schema")
struct SceneSchemaTests {
    static func schema() throws -> [String: Any] {
        let data = try Data(contentsOf: repositoryRoot.appending(path: "Documentation/scene.schema.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func keys(_ object: Any?) -> Set<String> {
        Set(((object as? [String: Any])?["properties"] as? [String: Any])?.keys.map { $0 } ?? [])
    }

    @Test func propertiesMatchTheDecoder() throws {
        let schema = try Self.schema()
        let defs = try #require(schema["$defs"] as? [String: Any])
        #expect(Self.keys(schema) == Set(Scene.CodingKeys.allCases.map(\.stringValue) + ["$schema"]))
        #expect(Self.keys(defs["zone"]) == Set(Zone.CodingKeys.allCases.map(\.stringValue)))
        #expect(Self.keys(defs["line"]) == Set(Line.CodingKeys.allCases.map(\.stringValue)))
        #expect(Self.keys(defs["privacyMask"]) == Set(PrivacyMask.CodingKeys.allCases.map(\.stringValue)))
        #expect(Self.keys(defs["calibration"]) == Set(GroundCalibration.CodingKeys.allCases.map(\.stringValue)))
        #expect(Self.keys(defs["schedule"]) == Set(WeeklySchedule.CodingKeys.allCases.map(\.stringValue)))
        #expect(Self.keys(defs["rule"]) == Set(RuleConfiguration.CodingKeys.allCases.map(\.stringValue)))
        let kinds = ((defs["rule"] as? [String: Any])?["properties"] as? [String: Any])?["kind"] as? [String: Any]
        #expect(Set(kinds?["enum"] as? [String] ?? []) == Set(EventKind.allCases.map(\.rawValue)))
    }
}
