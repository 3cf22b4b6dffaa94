import Foundation
import Testing
import VigieCore
import VigieEvents
import VigiePipeline
import VigieRules
import VigieSimulator

/// Each rule kind of issue 4 through the whole chain (simulator → background → cleanup → blobs →
/// tracker → rules): positives must fire once with the right timing, negatives must stay silent.
@Suite("Zone rules on simulated scenes")
struct ZoneRuleScenarioTests {
    static let size = (width: 160, height: 120)

    static func run(_ actors: [Actor], duration: Double, scene json: String) throws -> [Event] {
        let scene = try Scene(json: Data(json.utf8))
        let simulated = SimulatedScene(width: size.width, height: size.height, framesPerSecond: 8, duration: duration,
                                       seed: 11, actors: actors)
        var simulator = SceneSimulator(simulated)
        var pipeline = ScenePipeline(scene: scene, streamStart: Date(timeIntervalSince1970: 0))
        var events: [Event] = []
        while let frame = try simulator.next() { events += try pipeline.process(frame) }
        events += try pipeline.finish()
        return events
    }

    static func person(_ id: Int, _ path: [Waypoint]) -> Actor { Actor(id: id, kind: .person, path: path) }

    static func scene(_ body: String) -> String {
        #"{"cameraID": "sim", "# + body + "}"
    }

    static let rightHalf = #"{"id": "zone", "polygon": [{"x":0.55,"y":0.3},{"x":0.98,"y":0.3},{"x":0.98,"y":0.98},{"x":0.55,"y":0.98}]}"#

    // MARK: intrusion

    @Test func intrusionFiresOnceWithTheEntryTime() throws {
        // Enters the zone (x = 0.55) at t = 3 + 0.45 / 0.6 * 4 = 6 s, stays until 12 s, leaves.
        let events = try Self.run([Self.person(1, [Waypoint(3, 0.1, 0.8), Waypoint(7, 0.7, 0.8), Waypoint(12, 0.75, 0.8),
                                                  Waypoint(16, 0.1, 0.8)])], duration: 17,
                                  scene: Self.scene(#""zones": [\#(Self.rightHalf)], "rules": [{"id": "r", "kind": "intrusion", "zone": "zone", "minDuration": 1}]"#))
        let started = events.filter { $0.kind == .intrusion && $0.phase == .started }
        #expect(started.count == 1, "\(events.map { "\($0.phase) \($0.time)" })")
        let start = try #require(started.first)
        #expect(abs(start.startTime.seconds - 6.0) <= 1.0, "start \(start.startTime)")
        #expect(events.filter { $0.phase == .ended }.count == 1)
        #expect(start.topic == "tns1:RuleEngine/FieldDetector/ObjectsInside")
    }

    @Test func intrusionStaysSilentNearTheZone() throws {
        let events = try Self.run([Self.person(1, [Waypoint(3, 0.05, 0.8), Waypoint(10, 0.45, 0.8), Waypoint(16, 0.05, 0.8)])],
                                  duration: 17,
                                  scene: Self.scene(#""zones": [\#(Self.rightHalf)], "rules": [{"id": "r", "kind": "intrusion", "zone": "zone", "minDuration": 1}]"#))
        #expect(events.isEmpty, "\(events.map { "\($0.kind) \($0.phase) \($0.time)" })")
    }

    // MARK: line crossing

    static let verticalLine = #""lines": [{"id": "fence", "from": {"x": 0.5, "y": 0.1}, "to": {"x": 0.5, "y": 0.99}, "positiveDirection": "out", "negativeDirection": "in"}]"#

    @Test func lineCrossingFiresOnceWithItsDirection() throws {
        // Crosses x = 0.5 walking right at t = 3 + 0.4 / 0.8 * 6 = 6 s.
        let events = try Self.run([Self.person(1, [Waypoint(3, 0.1, 0.8), Waypoint(9, 0.9, 0.8)])], duration: 11,
                                  scene: Self.scene(Self.verticalLine + #", "rules": [{"id": "r", "kind": "lineCrossed", "line": "fence", "direction": "both"}]"#))
        let started = events.filter { $0.kind == .lineCrossed && $0.phase == .started }
        #expect(started.count == 1, "\(events.map { "\($0.phase) \($0.time) \($0.measurements.reason ?? "")" })")
        let crossing = try #require(started.first)
        #expect(abs(crossing.time.seconds - 6.0) <= 1.0)
        // from (0.5, 0.1) down to (0.5, 0.99): walking right goes from its left (s > 0)… the scene file says which.
        #expect(crossing.measurements.reason == "in" || crossing.measurements.reason == "out")
    }

    @Test func lineCrossingIgnoresTheOtherDirectionWhenAsked() throws {
        let both = try Self.run([Self.person(1, [Waypoint(3, 0.1, 0.8), Waypoint(9, 0.9, 0.8)])], duration: 11,
                                scene: Self.scene(Self.verticalLine + #", "rules": [{"id": "r", "kind": "lineCrossed", "line": "fence", "direction": "both"}]"#))
        let seen = try #require(both.first { $0.phase == .started }?.measurements.reason)
        let other = seen == "in" ? "positive" : "negative"  // the direction the walker did not take
        let filtered = try Self.run([Self.person(1, [Waypoint(3, 0.1, 0.8), Waypoint(9, 0.9, 0.8)])], duration: 11,
                                    scene: Self.scene(Self.verticalLine + #", "rules": [{"id": "r", "kind": "lineCrossed", "line": "fence", "direction": "\#(other)"}]"#))
        #expect(filtered.isEmpty)
    }

    @Test func lineCrossingStaysSilentAlongTheLine() throws {
        let events = try Self.run([Self.person(1, [Waypoint(3, 0.2, 0.5), Waypoint(6, 0.2, 0.95)])], duration: 8,
                                  scene: Self.scene(Self.verticalLine + #", "rules": [{"id": "r", "kind": "lineCrossed", "line": "fence"}]"#))
        #expect(events.isEmpty)
    }

    // MARK: wrong way

    static let corridor = #""zones": [{"id": "corridor", "polygon": [{"x":0.02,"y":0.4},{"x":0.98,"y":0.4},{"x":0.98,"y":0.98},{"x":0.02,"y":0.98}], "allowedDirection": 0}]"#

    @Test func wrongWayFiresAgainstTheFlow() throws {
        let events = try Self.run([Self.person(1, [Waypoint(3, 0.9, 0.85), Waypoint(10, 0.1, 0.85)])], duration: 11,
                                  scene: Self.scene(Self.corridor + #", "rules": [{"id": "r", "kind": "wrongWay", "zone": "corridor", "minDuration": 1}]"#))
        #expect(events.filter { $0.kind == .wrongWay && $0.phase == .started }.count == 1,
                "\(events.map { "\($0.kind) \($0.phase) \($0.time)" })")
    }

    @Test func wrongWayStaysSilentWithTheFlow() throws {
        let events = try Self.run([Self.person(1, [Waypoint(3, 0.1, 0.85), Waypoint(10, 0.9, 0.85)])], duration: 11,
                                  scene: Self.scene(Self.corridor + #", "rules": [{"id": "r", "kind": "wrongWay", "zone": "corridor", "minDuration": 1}]"#))
        #expect(events.isEmpty)
    }

    // MARK: loitering

    @Test func loiteringFiresAfterTheDwellTime() throws {
        // In the zone from about 5.4 s, pacing until 20 s: dwell reaches 8 s near 13.4 s.
        let events = try Self.run([Self.person(1, [Waypoint(3, 0.3, 0.8), Waypoint(6, 0.7, 0.8), Waypoint(10, 0.85, 0.75),
                                                  Waypoint(14, 0.65, 0.85), Waypoint(18, 0.85, 0.8), Waypoint(20, 0.7, 0.8)])],
                                  duration: 21,
                                  scene: Self.scene(#""zones": [\#(Self.rightHalf)], "rules": [{"id": "r", "kind": "loitering", "zone": "zone", "maxDwell": 8}]"#))
        let started = events.filter { $0.kind == .loitering && $0.phase == .started }
        #expect(started.count == 1, "\(events.map { "\($0.phase) \($0.time)" })")
        if let s = started.first { #expect(abs(s.time.seconds - 13.4) <= 1.5 && (s.measurements.dwellSeconds ?? 0) >= 8) }
    }

    @Test func loiteringStaysSilentForPassersBy() throws {
        let events = try Self.run([Self.person(1, [Waypoint(3, 0.3, 0.8), Waypoint(9, 0.98, 0.8)])], duration: 10,
                                  scene: Self.scene(#""zones": [\#(Self.rightHalf)], "rules": [{"id": "r", "kind": "loitering", "zone": "zone", "maxDwell": 8}]"#))
        #expect(events.isEmpty)
    }

    // MARK: density

    static func group(_ n: Int) -> [Actor] {
        (0..<n).map { i in
            let x = 0.22 + 0.2 * Double(i)
            return Self.person(i + 1, [Waypoint(3, x, 0.7 + 0.08 * Double(i % 2)), Waypoint(14, x, 0.7 + 0.08 * Double(i % 2))])
        }
    }

    static let wide = #""zones": [{"id": "platform", "polygon": [{"x":0.02,"y":0.3},{"x":0.98,"y":0.3},{"x":0.98,"y":0.98},{"x":0.02,"y":0.98}]}]"#

    @Test func densityFiresAboveTheCount() throws {
        let events = try Self.run(Self.group(4), duration: 15,
                                  scene: Self.scene(Self.wide + #", "rules": [{"id": "r", "kind": "densityExceeded", "zone": "platform", "maxCount": 3, "minDuration": 2}]"#))
        let started = events.filter { $0.kind == .densityExceeded && $0.phase == .started }
        #expect(started.count == 1, "\(events.map { "\($0.phase) \($0.time) \($0.measurements.count ?? -1)" })")
        if let s = started.first { #expect(abs(s.startTime.seconds - 3.5) <= 1.5) }
    }

    @Test func densityStaysSilentJustUnderTheCount() throws {
        let events = try Self.run(Self.group(3), duration: 15,
                                  scene: Self.scene(Self.wide + #", "rules": [{"id": "r", "kind": "densityExceeded", "zone": "platform", "maxCount": 3, "minDuration": 2}]"#))
        #expect(events.isEmpty, "\(events.map { "\($0.phase) \($0.time) \($0.measurements.count ?? -1)" })")
    }
}
