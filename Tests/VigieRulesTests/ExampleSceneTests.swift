import Foundation
import Testing
import VigieEvents

@testable import VigieRules

@Suite("Example scenes")
struct ExampleSceneTests {
    static func load(_ name: String) throws -> Scene {
        try Scene(contentsOf: repositoryRoot.appending(path: "Examples/scenes/\(name)"))
    }

    @Test func platformIsValid() throws {
        let scene = try Self.load("platform.json")
        #expect(scene.cameraID == "platform-3")
        #expect(
            scene.zones.count == 3 && scene.lines.count == 1 && scene.rules.count == 5 && scene.privacyMasks.count == 1)
        #expect(Set(scene.rules.map(\.kind)) == [.intrusion, .lineCrossed, .wrongWay, .densityExceeded, .loitering])
        let calibration = try #require(scene.calibration)
        let platform = try #require(scene.zone(id: "platform"))
        let area = try #require(calibration.groundArea(ofPolygon: platform.polygon))
        #expect(abs(area - 228) < 1e-6)
        // The platform edge: a step from the platform onto the track is a positive crossing.
        let edge = try #require(scene.line(id: "platform-edge"))
        #expect(edge.crossing(from: .init(x: 0.3, y: 0.7), to: .init(x: 0.1, y: 0.7)) == .positive)
        #expect(scene.zone(id: "track-edge")?.contains(.init(x: 0.1, y: 0.7)) == true)
    }

    @Test func schoolGateIsValid() throws {
        let scene = try Self.load("school-gate.json")
        #expect(scene.cameraID == "school-gate-1")
        #expect(Set(scene.rules.map(\.kind)) == [.intrusion, .lineCrossed, .loitering, .projectile])
        let intrusion = try #require(scene.rules.first { $0.kind == .intrusion }?.schedule)
        #expect(intrusion.isActive(weekday: 1, minuteOfDay: 7 * 60))  // Monday 07:00: Sunday night continues
        #expect(!intrusion.isActive(weekday: 1, minuteOfDay: 8 * 60))  // Monday 08:00: school open
        #expect(!intrusion.isActive(weekday: 3, minuteOfDay: 12 * 60))
        #expect(intrusion.isActive(weekday: 5, minuteOfDay: 20 * 60))  // Friday evening
        #expect(intrusion.isActive(weekday: 6, minuteOfDay: 12 * 60))  // Saturday
        // The fence line: coming from the street (above) into the grounds is "entering".
        let fence = try #require(scene.lines.first)
        #expect(fence.crossing(from: .init(x: 0.2, y: 0.5), to: .init(x: 0.2, y: 0.62)) == .positive)
        #expect(fence.positiveDirection == "entering")
    }
}
