import Foundation
import Testing
@testable import VigieAnonymise
@testable import VigieCore
import VigieEvents

@Suite("Snapshot sink")
struct SnapshotSinkTests {
    static func event(camera: String, rule: String) -> Event {
        Event(id: Event.makeID(cameraID: camera, ruleID: rule, session: try! EventSession(id: "s1"), sequence: 3), kind: .intrusion, phase: .started,
              ruleID: rule, zoneID: "z", lineID: nil, cameraID: camera, startTime: Timestamp(seconds: 1),
              time: Timestamp(seconds: 2), endTime: nil, objects: [], measurements: EventMeasurements(), score: 1,
              snapshot: nil)
    }

    @Test(arguments: ["../../etc/passwd", "/absolute", "..", "cam\u{0}1", "ÉcoleGare", ".hidden", "a/../../b"])
    func namesCannotLeaveTheFolder(camera: String) throws {
        let folder = NSTemporaryDirectory() + "vigie-snapshots-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let sink = try SnapshotSink(directory: folder)
        let frame = AnonymisedFrame(redacted: Frame(width: 16, height: 16, format: .ycbcr420, y: 128))
        let out = try sink.attach(frame, to: Self.event(camera: camera, rule: "../rule"))
        let name = try #require(out.snapshot)
        #expect(!name.contains("/") && !name.hasPrefix(".") && name.hasSuffix("-started.jpg"), "\(name)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == [name])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
        #expect(bytes.starts(with: [0xFF, 0xD8]))
    }

    @Test func sanitisedNamesAreBoundedAndNeverEmpty() {
        #expect(SnapshotSink.sanitise("") == "snapshot")
        #expect(SnapshotSink.sanitise("...") == "snapshot")
        #expect(SnapshotSink.sanitise(String(repeating: "x", count: 500)).count == 120)
        #expect(SnapshotSink.sanitise("platform-3/intrusion/7") == "platform-3_intrusion_7")
    }
}
