import Foundation
import Testing

/// `vigie run --scenes DIR --inputs north=clip.y4m gate=FIFO`, where the FIFO is a camera that
/// does not send (no writer yet, or a writer open and silent, or one that stalls mid-stream): the
/// healthy camera runs to its end untouched, the silent one is reported as starting, and SIGTERM
/// ends the process within 2 s with status 0 and every open event ended.
@Suite("vigie run with a stalled camera", .enabled(if: CLI.isBuilt, "needs the vigie executable built beside the tests (swift build)"))
struct RunStalledCameraTests {
    /// How the FIFO camera behaves.
    enum Stall {
        /// Nobody opens the FIFO for writing: the reader blocks in open(2).
        case noWriter
        /// A writer opens the FIFO and sends nothing: the reader blocks reading the header.
        case silentWriter
        /// A writer sends the header and frames until a situation has started, then goes silent.
        case stallsAfterAnEvent
    }

    struct Outcome {
        var status: Int32
        var events: [[String: Any]]
        var stderr: String
        /// Seconds from the signal to the process's exit.
        var secondsToExit: Double
    }

    static func scenesFolder() throws -> String {
        let folder = NSTemporaryDirectory() + "vigie-cli-stalled-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let north = #"{"cameraID": "north", "lines": [{"id": "fence", "from": {"x": 0.5, "y": 0.1}, "to": {"x": 0.5, "y": 0.99}}], "rules": [{"id": "cross", "kind": "lineCrossed", "line": "fence"}]}"#
        try Data(north.utf8).write(to: URL(fileURLWithPath: folder + "/north.json"))
        try Data(RunShutdownTests.scene.utf8).write(to: URL(fileURLWithPath: folder + "/gate.json"))
        return folder
    }

    static func events(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    /// "id phase" of each of `camera`'s events, in order.
    static func trail(_ events: [[String: Any]], camera: String) -> [String] {
        events.filter { $0["cameraID"] as? String == camera }.map { "\($0["ruleID"] ?? "?") \($0["phase"] ?? "?")" }
    }

    /// Runs north on `clip` and gate on a FIFO that behaves as `stall`; once north has finished
    /// (and, for `stallsAfterAnEvent`, gate's situation has started), sends `stopSignal`.
    static func run(north clip: String, expecting expected: [String], stall: Stall, stopSignal: Int32 = SIGTERM) throws -> Outcome {
        signal(SIGPIPE, SIG_IGN)
        let scenes = try scenesFolder()
        defer { try? FileManager.default.removeItem(atPath: scenes) }
        let fifo = NSTemporaryDirectory() + "vigie-cli-stall-" + UUID().uuidString + ".y4m"
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }

        // A writer that never blocks opening (O_RDWR on a FIFO): the reader's open(2) succeeds.
        var writer: Int32 = -1
        if stall != .noWriter {
            writer = open(fifo, O_RDWR)
            #expect(writer >= 0)
        }
        defer { if writer >= 0 { close(writer) } }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = ["run", "--scenes", scenes, "--inputs", "north=\(clip)", "gate=\(fifo)"]
        let output = Pipe(), errors = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = Collected(), err = Collected()
        output.fileHandleForReading.readabilityHandler = { out.append($0.availableData) }
        errors.fileHandleForReading.readabilityHandler = { err.append($0.availableData) }

        let deadline = Date(timeIntervalSinceNow: 120)
        if stall == .stallsAfterAnEvent {
            let (header, frames) = try RunShutdownTests.clip(seconds: 30)
            var bytes = [UInt8](header)
            _ = write(writer, &bytes, bytes.count)
            var sent = 0
            while !trail(events(out.text), camera: "gate").contains("in started"), sent < frames.count, Date() < deadline {
                var frame = [UInt8](frames[sent])
                _ = write(writer, &frame, frame.count)
                sent += 1
                if sent > 40 { Thread.sleep(forTimeInterval: 0.02) }
            }
        }
        // North is a file of 88 frames: it finishes by itself while gate waits.
        while trail(events(out.text), camera: "north") != expected, process.isRunning, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(process.isRunning, "the run waits for the stalled camera: \(err.text)")
        Thread.sleep(forTimeInterval: 0.3)
        let signalled = Date()
        kill(process.processIdentifier, stopSignal)
        let waitDeadline = Date(timeIntervalSinceNow: 20)
        while process.isRunning, Date() < waitDeadline { Thread.sleep(forTimeInterval: 0.01) }
        let seconds = Date().timeIntervalSince(signalled)
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        output.fileHandleForReading.readabilityHandler = nil
        errors.fileHandleForReading.readabilityHandler = nil
        out.append(output.fileHandleForReading.readDataToEndOfFile())
        err.append(errors.fileHandleForReading.readDataToEndOfFile())
        return Outcome(status: process.terminationStatus, events: events(out.text), stderr: err.text, secondsToExit: seconds)
    }

    /// North's events when it runs alone.
    static func northAlone(_ clip: String) throws -> [String] {
        let scenes = try scenesFolder()
        defer { try? FileManager.default.removeItem(atPath: scenes) }
        let alone = try CLI.run(["run", "--scene", scenes + "/north.json", "--input", clip])
        #expect(alone.status == 0, "\(alone.stderr)")
        let expected = trail(events(alone.stdout), camera: "north")
        #expect(expected.contains("cross started") && expected.contains("cross ended"), "north alone raises its crossing: \(alone.stdout)")
        return expected
    }

    /// Every check common to the cases: north's events are those of north alone; exit 0 within
    /// 2 s; every situation started is ended.
    static func check(_ outcome: Outcome, expected: [String]) {
        #expect(trail(outcome.events, camera: "north") == expected, "every north event arrived: \(outcome.stderr)")
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.secondsToExit <= 2, "exit \(outcome.secondsToExit) s after the signal")
        let started = Set(outcome.events.filter { $0["phase"] as? String == "started" }.compactMap { $0["id"] as? String })
        let ended = Set(outcome.events.filter { $0["phase"] as? String == "ended" }.compactMap { $0["id"] as? String })
        #expect(started == ended, "every started situation is ended: started \(started), ended \(ended)")
    }

    @Test func aFIFOWithNoWriterHoldsUpNeitherTheOtherCameraNorTheShutdown() throws {
        let clip = try SceneCLITests.walkerClip()
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let expected = try Self.northAlone(clip)
        let outcome = try Self.run(north: clip, expecting: expected, stall: .noWriter)
        Self.check(outcome, expected: expected)
        #expect(outcome.stderr.contains("gate: 0 frames (starting"), "the silent camera is reported as starting: \(outcome.stderr)")
    }

    @Test func aFIFOWhoseWriterSendsNothingHoldsUpNeitherTheOtherCameraNorTheShutdown() throws {
        let clip = try SceneCLITests.walkerClip()
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let expected = try Self.northAlone(clip)
        let outcome = try Self.run(north: clip, expecting: expected, stall: .silentWriter, stopSignal: SIGINT)
        Self.check(outcome, expected: expected)
        #expect(outcome.stderr.contains("gate: 0 frames (starting"), "the silent camera is reported as starting: \(outcome.stderr)")
    }

    @Test func aCameraThatStallsWithAnOpenSituationHasItEndedAtSIGTERM() throws {
        let clip = try SceneCLITests.walkerClip()
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let expected = try Self.northAlone(clip)
        let outcome = try Self.run(north: clip, expecting: expected, stall: .stallsAfterAnEvent)
        Self.check(outcome, expected: expected)
        let gate = outcome.events.filter { $0["cameraID"] as? String == "gate" }
        #expect(gate.contains { $0["phase"] as? String == "started" }, "gate's intrusion started: \(outcome.stderr)")
        #expect(gate.contains { ($0["measurements"] as? [String: Any])?["reason"] as? String == "shutdown" },
                "the stalled camera's situation is ended for it, saying why: \(outcome.stderr)")
    }

    @Test func aMissingFileStillFailsBeforeRunning() throws {
        let scenes = try Self.scenesFolder()
        defer { try? FileManager.default.removeItem(atPath: scenes) }
        let r = try CLI.run(["run", "--scenes", scenes, "--inputs", "north=/nonexistent/clip.y4m", "gate=/nonexistent/gate.y4m"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("/nonexistent/clip.y4m") && r.stderr.contains("no such file"), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }
}
