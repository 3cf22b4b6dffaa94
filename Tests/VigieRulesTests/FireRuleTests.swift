import Foundation
import Testing
import VigieAnalysis
import VigieCore
import VigieEvents
@testable import VigieRules

@Suite("Fire rule")
struct FireRuleTests {
    static func engine(_ rule: String, zones: String = "[]") throws -> RuleEngine {
        let json = #"{"cameraID": "cam", "zones": \#(zones), "rules": [\#(rule)]}"#
        return RuleEngine(scene: try Scene(json: Data(json.utf8)), streamStart: Date(timeIntervalSince1970: 0))
    }

    /// 100x100 frames at 10 fps; `regions(t)` gives the fire regions at each time; tracking off.
    static func run(_ engine: inout RuleEngine, seconds: Double, regions: (Double) -> [FireRegion]) throws -> [Event] {
        var events: [Event] = []
        for i in 1...Int(seconds * 10) {
            let t = Double(i) / 10
            let input = RuleInput(timestamp: Timestamp(seconds: t), frameWidth: 100, frameHeight: 100, tracks: [],
                                  tracked: false, cues: SceneCues(fire: FireCues(regions: regions(t))))
            events += try engine.process(input)
        }
        return events + (try engine.finish(at: Timestamp(seconds: seconds + 0.05)))
    }

    static let region = FireRegion(box: PixelRect(x: 10, y: 20, width: 10, height: 20), score: 0.8, areaFraction: 0.01,
                                   flicker: 0.5, irregularity: 0.6)

    @Test("regions for 2 s start one fire event, on untracked frames, with the regions as objects")
    func startsAfterMinDuration() throws {
        var engine = try Self.engine(#"{"id": "f", "kind": "fire"}"#)
        #expect(engine.unsupported.isEmpty)
        let events = try Self.run(&engine, seconds: 8) { t in t >= 1 && t < 5 ? [Self.region] : [] }
        let started = events.filter { $0.phase == .started }
        #expect(started.count == 1)
        let e = try #require(started.first)
        #expect(e.kind == .fire && e.topic == EventKind.fire.onvifTopic)
        #expect(abs(e.startTime.seconds - 1) < 0.01 && abs(e.time.seconds - 3) < 0.01)
        #expect(e.objects == [EventObject(trackID: -1, box: NormalisedRect(x: 0.1, y: 0.2, width: 0.1, height: 0.2),
                                          objectClass: "fire")])
        #expect(e.measurements.count == 1 && e.measurements.occupancy == 0.01 && e.score == 0.8)
        let ended = try #require(events.first { $0.phase == .ended })
        #expect(abs((ended.endTime?.seconds ?? 0) - 5) < 0.01)
    }

    @Test("regions shorter than minDuration, or outside the zone, raise nothing")
    func shortOrOutside() throws {
        var short = try Self.engine(#"{"id": "f", "kind": "fire"}"#)
        #expect(try Self.run(&short, seconds: 6) { t in t >= 1 && t < 2.5 ? [Self.region] : [] }.isEmpty)
        let zones = #"[{"id": "right", "polygon": [{"x":0.5,"y":0},{"x":1,"y":0},{"x":1,"y":1},{"x":0.5,"y":1}]}]"#
        var zoned = try Self.engine(#"{"id": "f", "kind": "fire", "zone": "right"}"#, zones: zones)
        #expect(try Self.run(&zoned, seconds: 6) { _ in [Self.region] }.isEmpty)
        var inside = try Self.engine(#"{"id": "f", "kind": "fire", "zone": "right"}"#, zones: zones)
        var moved = Self.region
        moved.box.x = 70
        let events = try Self.run(&inside, seconds: 6) { _ in [moved] }
        #expect(events.filter { $0.phase == .started }.map(\.zoneID) == ["right"])
    }

    @Test("the fire rule does not need tracks; smoke stays unsupported")
    func frameLevel() throws {
        let engine = try Self.engine(#"{"id": "s", "kind": "smoke"}"#)
        #expect(engine.unsupported.map(\.id) == ["s"])
        let scene = try Scene(json: Data(#"{"cameraID": "c", "rules": [{"id": "f", "kind": "fire"}]}"#.utf8))
        let rule = FireRule(RuleCommon(configuration: scene.rules[0], cameraID: "c", session: EventSession(), schedule: nil,
                                       streamStart: Date(timeIntervalSince1970: 0)), zone: nil)
        #expect(!rule.needsTracks)
    }
}
