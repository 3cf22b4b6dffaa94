import Foundation
import Testing
import VigieAnalysis
import VigieCore
import VigieEvents
import VigiePipeline
import VigieRules
import VigieSimulator

/// The `tamper` rule through the whole chain (simulator → background → cleanup → blobs → tracker,
/// tamper analyser beside them → rules): each camera effect raises one event with its reason and
/// ONVIF topic, ending when the view is restored; normal scenes raise none; while tampered, the
/// other rules are suppressed and say why.
@Suite("Tamper rule on simulated scenes")
struct TamperScenarioTests {
    static func run(duration: Double, effects: [CameraEffect] = [], actors: [Actor] = [],
                    lightSwitches: [LightSwitch] = [], rules: String = TamperScenarioTests.tamperOnly,
                    zones: String = "[]") throws -> [Event] {
        let scene = try Scene(json: Data(#"{"cameraID": "sim", "zones": \#(zones), "rules": \#(rules)}"#.utf8))
        var simulated = SimulatedScene(width: 160, height: 120, framesPerSecond: 8, duration: duration, seed: 21,
                                       actors: actors)
        simulated.cameraEffects = effects
        simulated.lightSwitches = lightSwitches
        var simulator = SceneSimulator(simulated)
        var pipeline = ScenePipeline(scene: scene, streamStart: Date(timeIntervalSince1970: 0))
        var events: [Event] = []
        while let frame = try simulator.next() { events += try pipeline.process(frame) }
        events += try pipeline.finish()
        return events
    }

    static let tamperOnly = #"[{"id": "t", "kind": "tamper"}]"#

    static func describe(_ events: [Event]) -> String {
        events.map { "\($0.ruleID) \($0.kind) \($0.phase) \($0.time) \($0.measurements.reason ?? "")" }.joined(separator: "; ")
    }

    static let positives: [(reason: String, topic: String, effect: CameraEffect)] = [
        ("covered", "tns1:VideoSource/GlobalSceneChange/ImagingService", CameraEffect(.cover(luma: 30), from: 4, until: 13)),
        ("tooBright", "tns1:VideoSource/ImageTooBright/ImagingService", CameraEffect(.blind(luma: 252), from: 4, until: 13)),
        ("tooDark", "tns1:VideoSource/ImageTooDark/ImagingService", CameraEffect(.cover(luma: 8), from: 4, until: 13)),
        ("defocused", "tns1:VideoSource/ImageTooBlurry/ImagingService", CameraEffect(.defocus(radius: 3), from: 4, until: 13)),
        ("frozen", "tns1:VideoSource/GlobalSceneChange/ImagingService", CameraEffect(.freeze, from: 4, until: 13)),
        ("moved", "tns1:VideoSource/GlobalSceneChange/ImagingService", CameraEffect(.shift(dx: 0.07, dy: -0.04), from: 4, until: 13)),
    ]

    @Test("each tampering raises one event with its reason and topic", arguments: positives.indices)
    func tamperingRaisesOneEvent(index: Int) throws {
        var (reason, topic, effect) = Self.positives[index]
        if reason == "tooDark" {
            // A black cloth is `covered`; too dark is a scene that was dark from the start.
            effect = CameraEffect(.cover(luma: 8), from: 0.01, until: 13)
            reason = "tooDark"
        }
        let events = try Self.run(duration: 17, effects: [effect])
        let started = events.filter { $0.phase == .started }
        #expect(started.count == 1, "\(reason): \(Self.describe(events))")
        let start = try #require(started.first)
        #expect(start.kind == .tamper && start.measurements.reason == reason, "\(Self.describe(events))")
        #expect(start.topic == topic)
        #expect(try start.jsonLine().contains(#""topic":"\#(topic)""#))
        // minDuration 5 s after the condition is seen (within 1.5 s of the effect).
        #expect(start.time.seconds >= effect.from + 5 && start.time.seconds <= effect.from + 5 + 1.5, "\(start.time)")
        let ended = try #require(events.first { $0.phase == .ended && $0.id == start.id })
        #expect(ended.measurements.reason == reason && ended.topic == topic)
        // Ends when the view comes back (1 s of hysteresis, a shift check).
        #expect(ended.time.seconds >= effect.until && ended.time.seconds <= effect.until + 2, "\(ended.time)")
    }

    static func person(_ id: Int, from: Double, y: Double, leftToRight: Bool) -> Actor {
        let (a, b) = leftToRight ? (-0.1, 1.1) : (1.1, -0.1)
        return Actor(id: id, kind: .person, path: [Waypoint(from, a, y), Waypoint(from + 6, b, y)])
    }

    static let negatives: [(String, @Sendable () throws -> [Event])] = [
        ("slow pan", { try run(duration: 20, effects: [CameraEffect(.pan(dxPerSecond: 0.02, dyPerSecond: 0.005), from: 3, until: 16)]) }),
        ("light switched on", { try run(duration: 14, lightSwitches: [LightSwitch(time: 4, gain: 1.5)]) }),
        ("crowd walking", { try run(duration: 16, actors: (0..<10).map { i in
            person(i + 1, from: 2.5 + Double(i) * 0.6, y: 0.55 + 0.04 * Double(i % 5), leftToRight: i % 2 == 0)
        }) }),
        ("large vehicle passing close", { try run(duration: 12, actors: [
            Actor(id: 1, kind: .vehicle, path: [Waypoint(4, 0.25, 0.95), Waypoint(6, 0.75, 0.95)], height: 0.75, aspect: 1.15)
        ]) }),
        ("night-dark scene", { try run(duration: 14, lightSwitches: [LightSwitch(time: 0, gain: 0.3)]) }),
    ]

    @Test("normal scenes raise no tamper event", arguments: negatives.indices)
    func normalSceneIsQuiet(index: Int) throws {
        let (name, run) = Self.negatives[index]
        let events = try run()
        #expect(events.isEmpty, "\(name): \(Self.describe(events))")
    }

    // MARK: suppression

    static let zone = #"[{"id": "yard", "polygon": [{"x":0.5,"y":0.3},{"x":0.98,"y":0.3},{"x":0.98,"y":0.98},{"x":0.5,"y":0.98}]}]"#
    static let intrusionAndTamper = #"[{"id": "t", "kind": "tamper"}, {"id": "i", "kind": "intrusion", "zone": "yard", "minDuration": 1}]"#

    @Test func anOpenIntrusionEndsWithReasonTamperAndNothingBurstsAfter() throws {
        // A person in the yard from 4 s; the camera is covered from 8 s to 18 s; during the cover
        // the person leaves. After the cover, nobody is in the yard: nothing may fire.
        let walker = Actor(id: 1, kind: .person, path: [Waypoint(2, 0.2, 0.8), Waypoint(4, 0.75, 0.8),
                                                        Waypoint(11, 0.75, 0.8), Waypoint(13, 0.1, 0.8),
                                                        Waypoint(14, -0.2, 0.8)])
        let events = try Self.run(duration: 28, effects: [CameraEffect(.cover(luma: 30), from: 8, until: 18)],
                                  actors: [walker], rules: Self.intrusionAndTamper, zones: Self.zone)
        let intrusions = events.filter { $0.kind == .intrusion }
        let tampers = events.filter { $0.kind == .tamper }
        #expect(intrusions.filter { $0.phase == .started }.count == 1, "\(Self.describe(events))")
        let tamperStart = try #require(tampers.first { $0.phase == .started })
        let intrusionEnd = try #require(intrusions.first { $0.phase == .ended })
        #expect(intrusionEnd.measurements.reason == "tamper")
        #expect(intrusionEnd.time == tamperStart.time)
        #expect(intrusions.allSatisfy { $0.time <= tamperStart.time }, "\(Self.describe(events))")
        #expect(tampers.filter { $0.phase == .started }.count == 1)
        #expect(tampers.contains { $0.phase == .ended })
    }

    @Test func noIntrusionWhileCoveredAndTheEngineSaysWhy() throws {
        let scene = try Scene(json: Data(#"{"cameraID": "sim", "zones": \#(Self.zone), "rules": \#(Self.intrusionAndTamper)}"#.utf8))
        var simulated = SimulatedScene(width: 160, height: 120, framesPerSecond: 8, duration: 20, seed: 21, actors: [
            Actor(id: 1, kind: .person, path: [Waypoint(9, 0.2, 0.8), Waypoint(11, 0.75, 0.8), Waypoint(20, 0.75, 0.8)])
        ])
        simulated.cameraEffects = [CameraEffect(.cover(luma: 30), from: 3, until: 30)]
        var simulator = SceneSimulator(simulated)
        var pipeline = ScenePipeline(scene: scene, streamStart: Date(timeIntervalSince1970: 0))
        var events: [Event] = []
        var suppressedAtEnd = false
        while let frame = try simulator.next() {
            events += try pipeline.process(frame)
            suppressedAtEnd = pipeline.rules.isSuppressed && pipeline.rules.suppressedBy == "t"
        }
        #expect(suppressedAtEnd)
        #expect(!events.contains { $0.kind == .intrusion }, "\(Self.describe(events))")
        #expect(events.filter { $0.kind == .tamper && $0.phase == .started }.map(\.measurements.reason) == ["covered"])
    }
}
