import Foundation
import VigieCore
import VigieEvents
import VigieJournal

/// A wall clock the test moves by hand.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var date: Date

    init(_ iso: String) { date = Journal.parseTime(iso)! }

    func set(_ iso: String) { lock.withLock { date = Journal.parseTime(iso)! } }
    func now() -> Date { lock.withLock { date } }
}

enum JournalFixtures {
    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("vigie-journal-\(name)-\(UUID().uuidString).jsonl").path
    }

    static let scene = Data(#"{"cameraID":"platform-3","zones":[],"rules":[]}"#.utf8)

    /// Event number `n` of a small intrusion lifecycle: started, updated, ended, started, …
    static func event(_ n: Int) -> Event {
        let situation = n / 3 + 1
        let phase: EventPhase = [.started, .updated, .ended][n % 3]
        return Event(
            id: Event.makeID(cameraID: "platform-3", ruleID: "no-track-access", session: try! EventSession(id: "s1"),
                              sequence: situation),
            kind: .intrusion, phase: phase, ruleID: "no-track-access", zoneID: "track-edge", cameraID: "platform-3",
            startTime: Timestamp(seconds: Double(situation) * 60), time: Timestamp(seconds: Double(situation) * 60 + Double(n % 3)),
            endTime: phase == .ended ? Timestamp(seconds: Double(situation) * 60 + 2) : nil,
            objects: [EventObject(trackID: 10 + n, box: NormalisedRect(x: 0.1, y: 0.5, width: 0.05, height: 0.2))],
            measurements: EventMeasurements(count: 1), score: 0.9)
    }

    /// A journal with a configuration entry and `alerts` alert entries; returns its path.
    static func journal(_ name: String, alerts: Int = 5) throws -> String {
        let path = temporaryPath(name)
        let writer = try JournalWriter(path: path, synchronise: false)
        try writer.recordConfiguration(sceneData: scene)
        for n in 0..<alerts { try writer.recordAlert(event(n)) }
        writer.close()
        return path
    }

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// The file's lines, each with its `\n`.
    static func lines(_ bytes: [UInt8]) -> [[UInt8]] {
        var out: [[UInt8]] = []
        var current: [UInt8] = []
        for b in bytes {
            current.append(b)
            if b == 0x0A {
                out.append(current)
                current = []
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }
}
