import Foundation
import Testing
import VigieCore
import VigieEvents
import VigiePipeline
import VigieRules
import VigieSimulator
import VigieTracking

/// Weapons are out of reach of classical vision (no colour, shape or motion cue tells a knife
/// from a phone at surveillance resolution). What Vigie offers instead: an integrator's own
/// detector feeds labelled boxes to the tracker, and any zone rule can be restricted to a class.
@Suite("An external detector feeds the tracker and class-restricted rules")
struct ExternalDetectorTests {
    static let zone = #"{"id": "gate", "polygon": [{"x":0.5,"y":0.2},{"x":0.99,"y":0.2},{"x":0.99,"y":0.99},{"x":0.5,"y":0.99}]}"#

    /// Two people walk into the zone; the "detector" (a file, as if written by another system)
    /// labels only the first one `weapon`.
    static func run(labelled: Bool) throws -> [Event] {
        let actors = [
            Actor(id: 1, kind: .person, path: [Waypoint(3, 0.1, 0.6), Waypoint(8, 0.75, 0.6), Waypoint(12, 0.75, 0.6)]),
            Actor(id: 2, kind: .person, path: [Waypoint(3, 0.1, 0.95), Waypoint(8, 0.7, 0.95), Waypoint(12, 0.7, 0.95)],
                  luma: 40),
        ]
        let simulated = SimulatedScene(width: 160, height: 120, framesPerSecond: 10, duration: 12, seed: 3, actors: actors)
        // Write the detection file from the ground truth of actor 1, as a detector would.
        var lines = ["# frame,x,y,width,height,class,confidence"]
        var truthSource = SceneSimulator(simulated)
        while let (frame, truth) = truthSource.nextWithTruth() {
            for object in truth.objects where object.id == 1 && labelled {
                let b = object.box
                lines.append("\(frame.number),\(b.x),\(b.y),\(b.width),\(b.height),weapon,0.8")
            }
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-detections-\(UUID()).csv")
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }

        let scene = try Scene(json: Data(#"""
            {"cameraID": "school", "zones": [\#(zone)],
             "rules": [{"id": "armed", "kind": "intrusion", "zone": "gate", "classes": ["weapon"], "minDuration": 0.5}]}
            """#.utf8))
        var pipeline = ScenePipeline(scene: scene, detector: try ReplayDetector(contentsOf: file),
                                     streamStart: Date(timeIntervalSince1970: 0))
        var simulator = SceneSimulator(simulated)
        var events: [Event] = []
        while let frame = try simulator.next() { events += try pipeline.process(frame) }
        return events + (try pipeline.finish())
    }

    @Test func aLabelledObjectTriggersTheClassRestrictedRule() throws {
        let events = try Self.run(labelled: true)
        let started = events.filter { $0.phase == .started }
        #expect(started.count == 1, "\(events.map { "\($0.kind) \($0.phase) \($0.time)" })")
        let alert = try #require(started.first)
        #expect(alert.kind == .intrusion)
        #expect(alert.objects.map(\.objectClass) == ["weapon"], "only the labelled person: \(alert.objects.map { "\($0.trackID) \($0.box)" })")
    }

    @Test func withoutDetectionsTheClassRestrictedRuleStaysSilent() throws {
        #expect(try Self.run(labelled: false).isEmpty)
    }

    @Test func aMalformedDetectionFileNamesTheLine() {
        #expect(throws: ReplayDetector.ParseError.invalidLine(line: 3, reason: "width and height must be positive")) {
            try ReplayDetector(text: "# header\n1,2,3,4,5,person\n2,2,3,0,5,person")
        }
        #expect(throws: ReplayDetector.ParseError.invalidLine(line: 1, reason: "expected 6 or 7 comma-separated fields, found 3")) {
            try ReplayDetector(text: "1,2,3")
        }
        #expect(throws: ReplayDetector.ParseError.invalidLine(line: 1, reason: "confidence must be a number in 0…1")) {
            try ReplayDetector(text: "1,2,3,4,5,person,1.5")
        }
    }
}
