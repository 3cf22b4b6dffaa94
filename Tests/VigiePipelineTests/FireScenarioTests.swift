import Foundation
import Testing
import VigieCore
import VigieEvents
import VigiePipeline
import VigieRules
import VigieSimulator

/// The `fire` rule through the whole chain (simulator → motion chain beside the fire analyser →
/// rules): flames must raise one alert each; beacons, lit signs, headlights and their reflections,
/// and people in fire-coloured clothes must raise none.
@Suite("Fire rule on simulated scenes")
struct FireScenarioTests {
    static let size = (width: 160, height: 120)
    static let fps = 10.0

    static func run(lights: [SimulatedLight], actors: [Actor] = [], duration: Double = 12, seed: UInt64 = 5,
                    scene json: String = #"{"cameraID": "sim", "rules": [{"id": "fire", "kind": "fire"}]}"#)
        throws -> (events: [Event], simulator: SceneSimulator) {
        let scene = try Scene(json: Data(json.utf8))
        var simulated = SimulatedScene(width: size.width, height: size.height, framesPerSecond: fps, duration: duration,
                                       seed: seed, actors: actors)
        simulated.lights = lights
        var simulator = SceneSimulator(simulated)
        var pipeline = ScenePipeline(scene: scene, streamStart: Date(timeIntervalSince1970: 0))
        var events: [Event] = []
        while let frame = try simulator.next() { events += try pipeline.process(frame) }
        events += try pipeline.finish()
        return (events, simulator)
    }

    static func describe(_ events: [Event]) -> String {
        events.map { "\($0.kind) \($0.phase) \($0.time) \($0.objects.map(\.box))" }.joined(separator: "; ")
    }

    static func flame(_ x: Double, from: Double = 2, growth: Double = 0.04) -> SimulatedLight {
        .flame(NormalisedRect(x: x, y: 0.45, width: 0.12, height: 0.22), from: from, growthPerSecond: growth)
    }

    // MARK: positives

    @Test("a growing flame raises one fire alert, placed on the flame, within 4 s of its start")
    func growingFlameFires() throws {
        let (events, simulator) = try Self.run(lights: [Self.flame(0.4)])
        let started = events.filter { $0.kind == .fire && $0.phase == .started }
        #expect(started.count == 1, "\(Self.describe(events))")
        let start = try #require(started.first)
        // minDuration 2 s after a detection that needs about a second of flicker history.
        #expect(start.startTime.seconds >= 2 && start.time.seconds <= 6, "started \(start.startTime), raised \(start.time)")
        let flame = try #require(simulator.lightBoxes(at: start.time.seconds)[0])
        let truth = NormalisedRect(flame, imageWidth: Self.size.width, imageHeight: Self.size.height)
        #expect(!start.objects.isEmpty)
        for object in start.objects {
            let b = object.box
            let overlaps = b.x < truth.x + truth.width && truth.x < b.x + b.width && b.y < truth.y + truth.height
                && truth.y < b.y + b.height
            #expect(overlaps, "region \(b) is off the flame \(truth)")
            #expect(object.trackID == -1 && object.objectClass == "fire")
        }
        #expect((start.measurements.occupancy ?? 0) > 0 && (start.measurements.count ?? 0) >= 1)
        #expect(start.score > 0 && start.score <= 1)
        #expect(events.filter { $0.kind == .fire && $0.phase == .ended }.count == 1)
    }

    @Test("a flame while people walk past in front of the scene still fires once")
    func flameWithPassersByFires() throws {
        let walker = Actor(id: 1, kind: .person, path: [Waypoint(1, 0.05, 0.95), Waypoint(11, 0.95, 0.95)])
        let (events, _) = try Self.run(lights: [Self.flame(0.6)], actors: [walker])
        #expect(events.filter { $0.kind == .fire && $0.phase == .started }.count == 1, "\(Self.describe(events))")
    }

    static let leftZone = #"{"id": "left", "polygon": [{"x":0,"y":0},{"x":0.5,"y":0},{"x":0.5,"y":1},{"x":0,"y":1}]}"#

    @Test("with a zone, a flame inside it fires and a flame outside it does not")
    func zoneFiltersRegions() throws {
        let json = #"{"cameraID": "sim", "zones": [\#(Self.leftZone)], "rules": [{"id": "fire", "kind": "fire", "zone": "left"}]}"#
        let inside = try Self.run(lights: [Self.flame(0.15)], scene: json).events
        #expect(inside.filter { $0.phase == .started }.count == 1, "\(Self.describe(inside))")
        #expect(inside.first?.zoneID == "left")
        let outside = try Self.run(lights: [Self.flame(0.7)], scene: json).events
        #expect(outside.isEmpty, "\(Self.describe(outside))")
    }

    // MARK: negatives

    static let beaconBox = NormalisedRect(x: 0.45, y: 0.2, width: 0.1, height: 0.1)

    @Test("an orange blinking beacon (fire colours, one frequency) raises nothing", arguments: [1.5, 2.0, 3.0])
    func orangeBeacon(hertz: Double) throws {
        let beacon = SimulatedLight(region: Self.beaconBox, luma: 215, cb: 70, cr: 190,
                                    pattern: .blinking(hertz: hertz, duty: 0.5))
        let (events, _) = try Self.run(lights: [beacon])
        #expect(events.isEmpty, "\(hertz) Hz: \(Self.describe(events))")
    }

    @Test("a blue beacon raises nothing")
    func blueBeacon() throws {
        let beacon = SimulatedLight(region: Self.beaconBox, luma: 120, cb: 210, cr: 95,
                                    pattern: .blinking(hertz: 2, duty: 0.5))
        let (events, _) = try Self.run(lights: [beacon])
        #expect(events.isEmpty, "\(Self.describe(events))")
    }

    @Test("a steady lit sign in fire colours, and one switched on mid-clip, raise nothing")
    func litSign() throws {
        let sign = SimulatedLight(region: NormalisedRect(x: 0.1, y: 0.1, width: 0.3, height: 0.12), luma: 210, cb: 75,
                                  cr: 185)
        let switched = SimulatedLight(region: NormalisedRect(x: 0.55, y: 0.1, width: 0.3, height: 0.12), luma: 200,
                                      cb: 80, cr: 180, from: 5)
        let (events, _) = try Self.run(lights: [sign, switched])
        #expect(events.isEmpty, "\(Self.describe(events))")
    }

    @Test("headlights passing, with their reflection on the road, raise nothing")
    func headlights() throws {
        let lamps = SimulatedLight(region: NormalisedRect(x: -0.2, y: 0.55, width: 0.16, height: 0.06), luma: 250,
                                   cb: 126, cr: 132, velocity: NormalisedPoint(x: 0.12, y: 0))
        let reflection = SimulatedLight(region: NormalisedRect(x: -0.2, y: 0.68, width: 0.16, height: 0.2), luma: 235,
                                        cb: 124, cr: 136, opacity: 0.4, velocity: NormalisedPoint(x: 0.12, y: 0))
        let (events, _) = try Self.run(lights: [lamps, reflection])
        #expect(events.isEmpty, "\(Self.describe(events))")
    }

    @Test("people in orange and red clothes walking, and one standing, raise nothing")
    func fireColouredClothes() throws {
        let walkers = [
            Actor(id: 1, kind: .person, path: [Waypoint(0, 0.05, 0.8), Waypoint(12, 0.95, 0.85)], luma: 170,
                  chroma: (cb: 70, cr: 185)),
            Actor(id: 2, kind: .person, path: [Waypoint(1, 0.9, 0.7), Waypoint(11, 0.1, 0.65)], luma: 120,
                  chroma: (cb: 100, cr: 200)),
            Actor(id: 3, kind: .person, path: [Waypoint(0, 0.5, 0.6), Waypoint(12, 0.52, 0.6)], luma: 180,
                  chroma: (cb: 75, cr: 180)),
        ]
        let (events, _) = try Self.run(lights: [], actors: walkers)
        #expect(events.isEmpty, "\(Self.describe(events))")
    }
}
