import Foundation
import Testing
import VigieCore
import VigieEvents
import VigiePipeline
import VigieRules
import VigieSimulator

/// The track-based hard events of issue 5 (person down, crowd movement, projectile) through the
/// whole chain (simulator → background → cleanup → blobs → tracker → rules): each positive fires,
/// each negative named by the issue stays silent.
@Suite("Hard events on simulated scenes: person down, crowd movement, projectile")
struct HardEventScenarioTests {
    static func run(_ actors: [Actor], duration: Double, rules: String, zones: String = "[]",
                    width: Int = 160, height: Int = 120, fps: Double = 10) throws -> [Event] {
        let scene = try Scene(json: Data(#"{"cameraID": "sim", "zones": \#(zones), "rules": \#(rules)}"#.utf8))
        var simulated = SimulatedScene(width: width, height: height, framesPerSecond: fps, duration: duration, seed: 5,
                                       actors: actors)
        simulated.noise = 2
        var simulator = SceneSimulator(simulated)
        var pipeline = ScenePipeline(scene: scene, streamStart: Date(timeIntervalSince1970: 0))
        var events: [Event] = []
        while let frame = try simulator.next() { events += try pipeline.process(frame) }
        events += try pipeline.finish()
        return events
    }

    static func started(_ events: [Event], _ kind: EventKind) -> [Event] {
        events.filter { $0.kind == kind && $0.phase == .started }
    }

    static func describe(_ events: [Event]) -> String {
        events.map { "\($0.kind) \($0.phase) t=\($0.time.seconds)" }.joined(separator: ", ")
    }

    // MARK: person down

    static let personDownRule = #"[{"id": "down", "kind": "personDown", "minDuration": 3}]"#

    /// A person walks in, stops, and at `at` changes posture as given.
    static func person(posture: [(time: Double, aspect: Double)], heights: [(time: Double, scale: Double)],
                       transition: Double) -> Actor {
        var a = Actor(id: 1, kind: .person, path: [Waypoint(3, 0.1, 0.85), Waypoint(6, 0.45, 0.85), Waypoint(24, 0.45, 0.85)],
                      height: 0.35, luma: 60)
        a.postures = posture
        a.heightScales = heights
        a.postureTransition = transition
        return a
    }

    @Test func aFallThenStillnessRaisesPersonDown() throws {
        let fall = Self.person(posture: [(8, 2.8)], heights: [(8, 0.3)], transition: 0.5)
        let events = try Self.run([fall], duration: 14, rules: Self.personDownRule)
        let down = Self.started(events, .personDown)
        #expect(down.count == 1, "\(Self.describe(events))")
        if let first = down.first {
            #expect(first.startTime.seconds >= 8 && first.startTime.seconds <= 10, "\(Self.describe(events))")
            #expect(first.time.seconds - first.startTime.seconds >= 3 - 0.2)
        }
    }

    @Test func sittingDownIsNotAFall() throws {
        let sit = Self.person(posture: [(8, 0.75)], heights: [(8, 0.62)], transition: 1.5)
        let events = try Self.run([sit], duration: 15, rules: Self.personDownRule)
        #expect(Self.started(events, .personDown).isEmpty, "\(Self.describe(events))")
    }

    @Test func lyingDownToSleepIsNotAFall() throws {
        // Sits at 8 s, lies down at 11 s: a sleeper settling, not a fall.
        let sleeper = Self.person(posture: [(8, 0.75), (11, 2.8)], heights: [(8, 0.62), (11, 0.3)], transition: 1.5)
        let events = try Self.run([sleeper], duration: 18, rules: Self.personDownRule)
        #expect(Self.started(events, .personDown).isEmpty, "\(Self.describe(events))")
    }

    @Test func aParkedWideObjectIsNotAPersonDown() throws {
        let car = Actor(id: 1, kind: .vehicle, path: [Waypoint(0.5, 0.0, 0.9), Waypoint(4, 0.5, 0.9), Waypoint(16, 0.5, 0.9)],
                        height: 0.2, luma: 50)
        let events = try Self.run([car], duration: 16, rules: Self.personDownRule)
        #expect(Self.started(events, .personDown).isEmpty, "\(Self.describe(events))")
    }

    // MARK: crowd movement

    static let wholeZone = #"[{"id": "hall", "polygon": [{"x":0.01,"y":0.2},{"x":0.99,"y":0.2},{"x":0.99,"y":0.99},{"x":0.01,"y":0.99}]}]"#
    static let crowdRule = #"[{"id": "crowd", "kind": "crowdMovement", "zone": "hall", "minDuration": 0.3}]"#

    /// Four people in a 2x2 group, each strolling to and fro (about 0.85 body heights per
    /// second) until `until`, then (when `scatterAt` is set) running away from the group's
    /// centre at about 2 body heights per second.
    static func crowd(scatterAt: Double?, until: Double) -> [Actor] {
        let spots = [(0.42, 0.6), (0.58, 0.6), (0.38, 0.92), (0.62, 0.92)]
        return spots.enumerated().map { i, spot in
            let (x, y) = spot
            var path: [Waypoint] = []
            var t = 0.5 + 0.3 * Double(i)
            var left = i % 2 == 0
            let end = scatterAt ?? until
            while t < end {
                path.append(Waypoint(t, x + (left ? -0.06 : 0.06), y))
                left.toggle()
                t += 2
            }
            path.append(Waypoint(end, path.last?.position.x ?? x, y))
            if scatterAt != nil {
                let away = x < 0.5 ? -1.0 : 1.0
                path.append(Waypoint(end + 2, (path.last?.position.x ?? x) + away * 0.75, y + (y < 0.8 ? -0.1 : 0.05)))
            }
            return Actor(id: i + 1, kind: .person, path: path, height: 0.2, luma: 40 + Double(i % 3) * 25)
        }
    }

    @Test func peopleScatteringRunningRaiseCrowdMovement() throws {
        let events = try Self.run(Self.crowd(scatterAt: 14, until: 16), duration: 16.5, rules: Self.crowdRule,
                                  zones: Self.wholeZone, width: 320, height: 240)
        let crowd = Self.started(events, .crowdMovement)
        #expect(crowd.count == 1, "\(Self.describe(events))")
        if let first = crowd.first { #expect(first.startTime.seconds >= 14 && first.startTime.seconds <= 15.5) }
    }

    @Test func peopleWalkingAreNotACrowdMovement() throws {
        let events = try Self.run(Self.crowd(scatterAt: nil, until: 16), duration: 16.5, rules: Self.crowdRule,
                                  zones: Self.wholeZone, width: 320, height: 240)
        #expect(Self.started(events, .crowdMovement).isEmpty, "\(Self.describe(events))")
    }

    @Test func aTrainArrivingIsNotACrowdMovement() throws {
        var actors = Self.crowd(scatterAt: nil, until: 16)
        // A long train pulls in fast across the back of the platform and stops.
        actors.append(Actor(id: 9, kind: .vehicle, path: [Waypoint(8, -0.6, 0.5), Waypoint(10, 0.5, 0.5), Waypoint(16, 0.55, 0.5)],
                            height: 0.3, aspect: 5, luma: 150))
        let events = try Self.run(actors, duration: 16.5, rules: Self.crowdRule, zones: Self.wholeZone, width: 320, height: 240)
        #expect(Self.started(events, .crowdMovement).isEmpty, "\(Self.describe(events))")
    }

    // MARK: projectile

    static let playground = #"[{"id": "playground", "polygon": [{"x":0.5,"y":0.3},{"x":0.99,"y":0.3},{"x":0.99,"y":0.99},{"x":0.5,"y":0.99}]}]"#
    static let projectileRule = #"[{"id": "thrown", "kind": "projectile", "zone": "playground"}]"#

    @Test func anObjectThrownOverTheFenceRaisesProjectile() throws {
        // A ballistic arc from outside the fence (left) down into the playground, 1.2 s of flight.
        let arc = (0...6).map { i -> Waypoint in
            let f = Double(i) / 6
            return Waypoint(6 + 1.2 * f, 0.08 + 0.75 * f, 0.45 - 0.5 * f + 0.75 * f * f)
        }
        let stone = Actor(id: 1, kind: .projectile, path: arc, height: 0.06, luma: 30)
        let events = try Self.run([stone], duration: 9, rules: Self.projectileRule, zones: Self.playground)
        let thrown = Self.started(events, .projectile)
        #expect(thrown.count == 1, "\(Self.describe(events))")
        if let first = thrown.first { #expect(first.time.seconds >= 6.3 && first.time.seconds <= 7.4) }
    }

    @Test func aBirdFlyingPastTheZoneIsNotAProjectile() throws {
        let bird = Actor(id: 1, kind: .projectile, path: [Waypoint(5, 0.02, 0.15), Waypoint(5.8, 0.5, 0.1), Waypoint(6.6, 0.98, 0.2)],
                         height: 0.06, luma: 30)
        let events = try Self.run([bird], duration: 8, rules: Self.projectileRule, zones: Self.playground)
        #expect(Self.started(events, .projectile).isEmpty, "\(Self.describe(events))")
    }

    @Test func aChildRunningIntoThePlaygroundIsNotAProjectile() throws {
        let child = Actor(id: 1, kind: .person, path: [Waypoint(4, 0.1, 0.8), Waypoint(6, 0.8, 0.8)], height: 0.25, luma: 50)
        let events = try Self.run([child], duration: 8, rules: Self.projectileRule, zones: Self.playground)
        #expect(Self.started(events, .projectile).isEmpty, "\(Self.describe(events))")
    }
}
