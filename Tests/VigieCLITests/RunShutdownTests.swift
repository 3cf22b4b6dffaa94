import Foundation
import Testing
@testable import VigieCore
import VigieIO
import VigieSimulator

/// `vigie run` stopped by SIGTERM or SIGINT mid-stream loses no event: every situation started is
/// ended in the output before the process exits — whether the input keeps flowing or has stalled
/// (the reading thread blocked on a pipe).
@Suite("vigie run shutdown", .enabled(if: CLI.isBuilt, "needs the vigie executable built beside the tests (swift build)"))
struct RunShutdownTests {
    /// Y4M bytes of a person who walks into the zone at about 3 s and stays: header and frames.
    static func clip(seconds: Double) throws -> (header: Data, frames: [Data]) {
        let path = NSTemporaryDirectory() + "vigie-cli-stay-" + UUID().uuidString + ".y4m"
        let scene = SimulatedScene(width: 96, height: 72, framesPerSecond: 10, duration: seconds, seed: 9, actors: [
            Actor(id: 1, kind: .person, path: [Waypoint(2, 0.1, 0.8), Waypoint(3.5, 0.7, 0.8), Waypoint(seconds, 0.72, 0.8)])
        ])
        var simulator = SceneSimulator(scene)
        let writer = try Y4MWriter(path: path, framesPerSecond: (10, 1))
        // Synthetic test footage (no person in it): wrapped only so the writer takes it.
        while let frame = try simulator.next() { try writer.write(AnonymisedFrame(redacted: frame)) }
        writer.close()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try? FileManager.default.removeItem(atPath: path)
        let headerEnd = bytes.firstIndex(of: 0x0A)! + 1
        let frameSize = 6 + 96 * 72 * 3 / 2
        var frames: [Data] = []
        var at = headerEnd
        while at + frameSize <= bytes.count {
            frames.append(bytes.subdata(in: at..<(at + frameSize)))
            at += frameSize
        }
        return (bytes.subdata(in: 0..<headerEnd), frames)
    }

    static let scene = #"{"cameraID": "gate", "zones": [{"id": "yard", "polygon": [{"x":0.5,"y":0.3},{"x":0.99,"y":0.3},{"x":0.99,"y":0.99},{"x":0.5,"y":0.99}]}], "rules": [{"id": "in", "kind": "intrusion", "zone": "yard", "minDuration": 0.5}]}"#

    /// Streams the clip into `vigie run` through stdin; once the first event is out, sends
    /// `stopSignal`, keeping the input flowing (`stall` false) or not (`stall` true).
    static func runAndSignal(_ stopSignal: Int32, stall: Bool) throws -> (status: Int32, events: [[String: Any]], stderr: String) {
        signal(SIGPIPE, SIG_IGN)  // a write after the child exits must fail, not kill the tests
        let (header, frames) = try clip(seconds: 30)
        let scenePath = NSTemporaryDirectory() + "vigie-cli-scene-" + UUID().uuidString + ".json"
        defer { try? FileManager.default.removeItem(atPath: scenePath) }
        try Data(scene.utf8).write(to: URL(fileURLWithPath: scenePath))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = ["run", "--scene", scenePath, "--input", "-"]
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()

        let collected = Collected()
        output.fileHandleForReading.readabilityHandler = { handle in collected.append(handle.availableData) }
        try input.fileHandleForWriting.write(contentsOf: header)
        var sent = 0
        let deadline = Date(timeIntervalSinceNow: 120)
        // Feed frames until the intrusion has started.
        while !collected.text.contains("\"started\""), sent < frames.count, Date() < deadline {
            try input.fileHandleForWriting.write(contentsOf: frames[sent])
            sent += 1
            if sent > 40 { Thread.sleep(forTimeInterval: 0.02) }
        }
        if !stall {
            // Keep frames coming while the signal lands.
            let writer = input.fileHandleForWriting
            let rest = frames[sent...]
            Thread.detachNewThread {
                for f in rest { if (try? writer.write(contentsOf: f)) == nil { return }; Thread.sleep(forTimeInterval: 0.02) }
            }
        }
        Thread.sleep(forTimeInterval: 0.3)
        kill(process.processIdentifier, stopSignal)
        let waitDeadline = Date(timeIntervalSinceNow: 20)
        while process.isRunning, Date() < waitDeadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        output.fileHandleForReading.readabilityHandler = nil
        collected.append(output.fileHandleForReading.readDataToEndOfFile())
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        try? input.fileHandleForWriting.close()
        let events = collected.text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        return (process.terminationStatus, events, stderr)
    }

    static func check(_ result: (status: Int32, events: [[String: Any]], stderr: String)) {
        #expect(result.status == 0, "\(result.stderr)")
        let started = Set(result.events.filter { $0["phase"] as? String == "started" }.compactMap { $0["id"] as? String })
        let ended = Set(result.events.filter { $0["phase"] as? String == "ended" }.compactMap { $0["id"] as? String })
        #expect(!started.isEmpty, "the intrusion started before the signal: \(result.stderr)")
        #expect(started == ended, "every started situation is ended: started \(started), ended \(ended)")
    }

    @Test func sigtermWhileFramesFlowEndsEveryOpenEvent() throws {
        Self.check(try Self.runAndSignal(SIGTERM, stall: false))
    }

    @Test func sigtermWhileTheInputHasStalledEndsEveryOpenEvent() throws {
        let result = try Self.runAndSignal(SIGTERM, stall: true)
        Self.check(result)
        #expect(result.events.contains { ($0["measurements"] as? [String: Any])?["reason"] as? String == "shutdown" },
                "the stalled camera's situation is ended for it, saying why")
    }

    @Test func sigintEndsEveryOpenEventToo() throws {
        Self.check(try Self.runAndSignal(SIGINT, stall: false))
    }
}

/// Bytes collected from another thread.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ more: Data) {
        lock.lock()
        data.append(more)
        lock.unlock()
    }

    var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: data, as: UTF8.self)
    }
}
