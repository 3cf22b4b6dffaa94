import Foundation
import Testing
import VigieAnalysis
import VigieCore
import VigieEvents
import VigieRules
import VigieTracking

/// The tamper rule and the engine's suppression on hand-made cues (no pixels).
@Suite("Tamper rule and suppression")
struct TamperRuleTests {
    static let scene = """
        {"cameraID": "c", "zones": [{"id": "z", "polygon": [{"x":0,"y":0},{"x":1,"y":0},{"x":1,"y":1},{"x":0,"y":1}]}],
         "rules": [{"id": "t", "kind": "tamper", "minDuration": 2}, {"id": "i", "kind": "intrusion", "zone": "z", "minDuration": 0}]}
        """

    static func input(_ t: Double, _ condition: TamperCondition?, person: Bool) -> RuleInput {
        let track = Track(id: 7, state: .confirmed, box: PixelRect(x: 40, y: 40, width: 10, height: 30),
                          footPoint: PixelPoint(x: 45, y: 70), velocity: PixelVelocity(dx: 0, dy: 0), age: t,
                          lastSeen: Timestamp(seconds: t), trajectory: Trajectory(capacity: 4))
        return RuleInput(timestamp: Timestamp(seconds: t), frameWidth: 100, frameHeight: 100,
                         tracks: person ? [track] : [], tracked: true,
                         cues: SceneCues(tamper: TamperCues(conditions: condition.map { [$0] } ?? [])))
    }

    @Test func tamperRaisesPerConditionEventsAndSuppressesTheOthers() throws {
        var engine = RuleEngine(scene: try Scene(json: Data(Self.scene.utf8)))
        #expect(engine.unsupported.isEmpty)
        var events: [Event] = []
        var t = 0.0
        func step(_ c: TamperCondition?, person: Bool) throws { t += 0.5; events += try engine.process(Self.input(t, c, person: person)) }
        for _ in 0..<4 { try step(nil, person: true) }  // intrusion starts at once
        #expect(events.map(\.kind) == [.intrusion])
        for _ in 0..<3 { try step(.covered, person: true) }  // held: the intrusion stays open, nothing new
        #expect(events.count == 1 && !engine.isSuppressed)
        for _ in 0..<4 { try step(.covered, person: true) }  // 2 s of cover: tamper starts, intrusion ends
        #expect(engine.suppressedBy == "t")
        let tamper = try #require(events.first { $0.kind == .tamper && $0.phase == .started })
        #expect(tamper.measurements.reason == "covered" && tamper.topic == "tns1:VideoSource/GlobalSceneChange/ImagingService")
        let ended = try #require(events.first { $0.kind == .intrusion && $0.phase == .ended })
        #expect(ended.measurements.reason == "tamper" && ended.time == tamper.time)
        let count = events.count
        for _ in 0..<6 { try step(.covered, person: true) }
        #expect(events.count == count, "nothing while suppressed")
        for _ in 0..<3 { try step(nil, person: false) }  // uncovered: tamper ends after 1 s
        #expect(!engine.isSuppressed)
        #expect(events.contains { $0.kind == .tamper && $0.phase == .ended })
        // A different condition is a different situation, with its own topic.
        for _ in 0..<8 { try step(.defocused, person: false) }
        let blurry = try #require(events.last { $0.kind == .tamper && $0.phase == .started })
        #expect(blurry.measurements.reason == "defocused" && blurry.topic == "tns1:VideoSource/ImageTooBlurry/ImagingService")
        #expect(blurry.id != tamper.id)
    }

    @Test func tamperRunsOnUntrackedFrames() throws {
        var engine = RuleEngine(scene: try Scene(json: Data(Self.scene.utf8)))
        var events: [Event] = []
        for i in 1...8 {
            var input = Self.input(Double(i) * 0.5, .frozen, person: false)
            input.tracked = false
            events += try engine.process(input)
        }
        #expect(events.map(\.measurements.reason) == ["frozen"])
    }

    @Test func everyConditionHasItsTopic() {
        let topics = Dictionary(uniqueKeysWithValues: TamperCondition.allCases.map {
            ($0, EventKind.tamper.onvifTopic(reason: $0.rawValue))
        })
        #expect(topics[.defocused] == "tns1:VideoSource/ImageTooBlurry/ImagingService")
        #expect(topics[.tooDark] == "tns1:VideoSource/ImageTooDark/ImagingService")
        #expect(topics[.tooBright] == "tns1:VideoSource/ImageTooBright/ImagingService")
        for c in [TamperCondition.covered, .moved, .frozen] {
            #expect(topics[c] == "tns1:VideoSource/GlobalSceneChange/ImagingService")
        }
        #expect(Set(topics.values).isSubset(of: EventKind.allTopics))
        #expect(EventKind.intrusion.onvifTopic(reason: "tooDark") == EventKind.intrusion.onvifTopic)
    }
}
