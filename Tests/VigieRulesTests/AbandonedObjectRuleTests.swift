import Foundation
import Testing
import VigieAnalysis
import VigieCore
import VigieEvents
import VigieRules
import VigieTracking

/// The abandoned-object rule on hand-made static-object cues and tracks (no pixels).
@Suite("Abandoned-object rule: person or parcel")
struct AbandonedObjectRuleTests {
    static let scene = """
        {"cameraID": "c", "zones": [{"id": "z", "polygon": [{"x":0,"y":0},{"x":1,"y":0},{"x":1,"y":1},{"x":0,"y":1}]}],
         "rules": [{"id": "a", "kind": "abandonedObject", "zone": "z", "minDuration": 10}]}
        """
    static let bag = PixelRect(x: 300, y: 280, width: 50, height: 55)

    static func track(_ id: Int, _ box: PixelRect, at t: Double) -> Track {
        Track(id: id, state: .confirmed, box: box, footPoint: PixelPoint(x: Double(box.x) + Double(box.width) / 2, y: Double(box.y + box.height)),
              velocity: PixelVelocity(dx: 0, dy: 0), age: t, lastSeen: Timestamp(seconds: t), trajectory: Trajectory(capacity: 4))
    }

    /// A static region with an owner (a track much larger than it) over it until `ownerStaysUntil`
    /// seconds of static time, moving inside in `motion(t)` of its analyses so far; its recent
    /// motion is full while the owner is there and a second after (the analyses are 2 s long),
    /// then `recentMotion`.
    static func run(ownerStaysUntil: Double, motion: (Double) -> Double, recentMotion: Double = 0,
                    ownTrack: ((Double) -> PixelRect)? = nil) throws -> [Event] {
        var engine = RuleEngine(scene: try Scene(json: Data(Self.scene.utf8)))
        var events: [Event] = []
        for step in 0...60 {  // 0 ... 15 s of static time, 4 analyses a second
            let t = Double(step) * 0.25
            var tracks: [Track] = []
            if t <= ownerStaysUntil {
                tracks.append(Self.track(1, PixelRect(x: 250 + step * 2, y: 180, width: 120, height: 170), at: t))
            }
            if let ownTrack { tracks.append(Self.track(2, ownTrack(t), at: t)) }
            let object = StaticObject(id: 1, box: Self.bag, staticSeconds: t, origin: .appeared, internalMotion: motion(t),
                                      recentMotion: t <= ownerStaysUntil + 1 ? 1 : recentMotion)
            events += try engine.process(RuleInput(timestamp: Timestamp(seconds: 10 + t), frameWidth: 720, frameHeight: 480,
                                                   tracks: tracks, tracked: true,
                                                   cues: SceneCues(staticObjects: StaticObjectCues(objects: [object]))))
        }
        return events
    }

    /// The moving fraction of the analyses: all moving while the owner is there (until 6 s),
    /// none after (still above one half when the owner has gone).
    static func bagMotion(_ t: Double) -> Double { t <= 6 ? 1 : 6 / t }

    /// Stopped as 10 s of static time pass, not judged a person for the motion its owner made.
    @Test func motionUnderItsOwnerDoesNotMakeABagAPerson() throws {
        let events = try Self.run(ownerStaysUntil: 6, motion: Self.bagMotion)
        let started = events.filter { $0.kind == .abandonedObject && $0.phase == .started }
        #expect(started.count == 1 && started.first.map { $0.time.seconds >= 20 && $0.time.seconds <= 20.5 } == true,
                "\(events.map { "\($0.kind) \($0.phase) \($0.time.seconds)" })")
    }

    /// A region alone that keeps moving inside (a person standing still) is a person: no event.
    @Test func motionOfARegionAloneMakesItAPerson() throws {
        let events = try Self.run(ownerStaysUntil: -1, motion: { _ in 0.8 }, recentMotion: 0.8)
        #expect(events.filter { $0.kind == .abandonedObject }.isEmpty)
    }

    /// A person who stays when the other one goes, still moving inside: a person, no event.
    @Test func aPersonLeftWhenTheOwnerGoesIsStillAPerson() throws {
        let events = try Self.run(ownerStaysUntil: 6, motion: { _ in 0.8 }, recentMotion: 0.6)
        #expect(events.filter { $0.kind == .abandonedObject }.isEmpty)
    }

    /// A person who walks in, stands over the region (so it is judged a person who stopped) and
    /// then, after `leavesAt` seconds of static time (nil: never), walks away while the region stays.
    static func stopAndLeave(leavesAt: Double?) throws -> [Event] {
        var engine = RuleEngine(scene: try Scene(json: Data(Self.scene.utf8)))
        var events: [Event] = []
        for step in 0...60 {
            let t = Double(step) * 0.25
            let x: Int
            if t < 2 { x = 100 + Int(t * 100) } else if let leavesAt, t > leavesAt { x = 300 + Int((t - leavesAt) * 100) } else { x = 300 }
            let person = Self.track(3, PixelRect(x: x, y: 235, width: 50, height: 100), at: 10 + t)  // seen now
            let object = StaticObject(id: 1, box: Self.bag, staticSeconds: t, origin: .appeared, internalMotion: 0, recentMotion: 0)
            events += try engine.process(RuleInput(timestamp: Timestamp(seconds: 10 + t), frameWidth: 720, frameHeight: 480,
                                                   tracks: [person], tracked: true,
                                                   cues: SceneCues(staticObjects: StaticObjectCues(objects: [object]))))
        }
        return events
    }

    /// Someone who stood over the region and walked away was standing over a bag: the region is
    /// judged again and found at 10 s of static time; someone who stays is a person, no event.
    @Test func aPersonWhoStoodOverTheRegionAndLeftLeavesItToBeJudgedAgain() throws {
        let left = try Self.stopAndLeave(leavesAt: 6)
        let started = left.filter { $0.kind == .abandonedObject && $0.phase == .started }
        #expect(started.count == 1 && started.first.map { $0.time.seconds >= 20 && $0.time.seconds <= 20.5 } == true,
                "\(left.map { "\($0.kind) \($0.phase) \($0.time.seconds)" })")
        let stayed = try Self.stopAndLeave(leavesAt: nil)
        #expect(stayed.filter { $0.kind == .abandonedObject }.isEmpty)
    }

    /// The bag's own track, born on it, whose box shrinks to its top as the motion model absorbs
    /// it (its foot point moves up by more than half its height): not a person who walked in.
    @Test func theBagsOwnShrinkingTrackIsNotAPersonWhoStopped() throws {
        let events = try Self.run(ownerStaysUntil: 6, motion: Self.bagMotion, ownTrack: { t in
            let height = t < 8 ? Self.bag.height : 20
            return PixelRect(x: Self.bag.x, y: Self.bag.y, width: Self.bag.width, height: height)
        })
        #expect(events.filter { $0.kind == .abandonedObject && $0.phase == .started }.count == 1)
        #expect(!events.contains { $0.kind == .abandonedObject && $0.phase == .ended }, "it stays open while the bag is there")
    }

    /// A person standing still whose static region is only part of them (their track is three
    /// times larger and never leaves), moving inside: never alone, held back, no event.
    @Test func aStillPersonUnderTheirOwnLargerTrackStartsNoEvent() throws {
        let events = try Self.run(ownerStaysUntil: -1, motion: { _ in 0.8 }, recentMotion: 0.8, ownTrack: { _ in
            PixelRect(x: Self.bag.x - 20, y: Self.bag.y - 100, width: Self.bag.width + 40, height: Self.bag.height + 110)
        })
        #expect(events.filter { $0.kind == .abandonedObject }.isEmpty, "\(events.map { "\($0.kind) \($0.phase) \($0.time.seconds)" })")
    }

    /// A passer-by crossing a bag whose event has started (their motion inside it, 2 s) neither
    /// ends nor restarts the event.
    @Test func aPasserByOverAStartedBagKeepsItsEvent() throws {
        var engine = RuleEngine(scene: try Scene(json: Data(Self.scene.utf8)))
        var events: [Event] = []
        for step in 0...80 {  // 0 ... 20 s of static time; a passer-by over it from 13 to 15 s
            let t = Double(step) * 0.25
            let crossing = t >= 13 && t <= 15
            let tracks = crossing ? [Self.track(3, PixelRect(x: 250 + (step - 52) * 5, y: 200, width: 110, height: 160), at: t)] : []
            let object = StaticObject(id: 1, box: Self.bag, staticSeconds: t, origin: .appeared, internalMotion: 0.1,
                                      recentMotion: t >= 13 && t <= 16 ? 1 : 0)
            events += try engine.process(RuleInput(timestamp: Timestamp(seconds: 10 + t), frameWidth: 720, frameHeight: 480,
                                                   tracks: tracks, tracked: true,
                                                   cues: SceneCues(staticObjects: StaticObjectCues(objects: [object]))))
        }
        let bagEvents = events.filter { $0.kind == .abandonedObject }
        #expect(bagEvents.filter { $0.phase == .started }.count == 1 && !bagEvents.contains { $0.phase == .ended },
                "\(bagEvents.map { "\($0.phase) \($0.time.seconds)" })")
    }
}
