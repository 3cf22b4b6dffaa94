import Foundation
import HTTPTestSupport
import SharedTestData
import Testing

/// Fault injection (issue 19, item 3): the built `vigie` run with real FIFOs and a real HTTP
/// receiver on 127.0.0.1 that fails in each way the field shows, and SIGTERM in each state.
///
/// Every case checks: no event lost (every event of the events file is in the journal, which
/// verifies, and every started situation is ended); every event delivered or counted undelivered
/// (`delivered` + `undelivered` = the events file); the documented exit status (0 all delivered,
/// 75 some undelivered); the time to exit (≤ 2 s after SIGTERM).
///
/// Release builds only: the timings are those of the shipped binary, and the cases run one after
/// the other (about a minute in all).
@Suite(
    "Fault injection: vigie run with failing inputs and receivers", .serialized,
    .enabled(if: CLI.isBuilt, "needs the vigie executable built beside the tests (swift build)"),
    .enabled(if: SharedTestData.isReleaseBuild,
             "release builds only: run with swift test -c release -Xswiftc -enable-testing --filter FaultInjectionTests")
)
struct FaultInjectionTests {
    /// How the FIFO camera (`gate`) fails.
    enum InputFault: String, CaseIterable, Sendable {
        /// Nobody opens the FIFO for writing: the reader blocks in open(2).
        case noWriter
        /// A writer is open and never sends a byte: the reader blocks reading the header.
        case neverSends
        /// A writer sends the header and frames until a situation has started, then half a
        /// frame, then nothing: the reader blocks in the middle of a frame.
        case stopsMidFrame
    }

    /// How the webhook receiver fails.
    enum ReceiverFault: String, CaseIterable, Sendable {
        /// Answers 200 to everything.
        case healthy
        /// Nothing listens on the port: connections are refused.
        case down
        /// Answers 500 to everything.
        case answers500
        /// Accepts, reads the request, never answers.
        case neverAnswers
        /// Starts a 200 answer and closes the connection in the middle of it.
        case closesMidResponse

        static var failing: [ReceiverFault] { allCases.filter { $0 != .healthy } }
    }

    struct Outcome {
        var status: Int32
        var stderr: String
        /// The events file's events, in order.
        var events: [[String: Any]]
        /// "phase id" of each alert entry of the journal, in order (from `vigie journal show`).
        var journalled: [String]
        /// `vigie journal verify`'s status.
        var journalStatus: Int32
        /// Whether SIGTERM was sent (`feed` returned true before the process ended).
        var signalled: Bool
        /// Seconds from the signal to the exit.
        var secondsToExit: Double
        /// "phase id" of each request body the receiver got.
        var received: [String]
    }

    static func phaseAndID(_ event: [String: Any]) -> String { "\(event["phase"] ?? "?") \(event["id"] ?? "?")" }

    static func parse(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    static func receiver(_ fault: ReceiverFault) throws -> ScriptedHTTPServer? {
        switch fault {
        case .healthy: try ScriptedHTTPServer(script: [])
        case .down: nil
        case .answers500: try ScriptedHTTPServer(script: [], then: .status(500))
        case .neverAnswers: try ScriptedHTTPServer(script: [], then: .silent)
        case .closesMidResponse: try ScriptedHTTPServer(script: [], then: .closesMidResponse)
        }
    }

    /// Runs `vigie run` with `--events`, `--journal` and `--webhook` on `inputs` (camera=path);
    /// `prepare` is called with the events file's and stderr's text until it returns true (then
    /// SIGTERM is sent), or the input ends by itself.
    static func run(
        scenes: String, inputs: [String], receiver fault: ReceiverFault, drainTimeout: Double,
        feed: (_ events: () -> [[String: Any]], _ stderr: () -> String) -> Bool
    ) throws -> Outcome {
        signal(SIGPIPE, SIG_IGN)
        let server = try receiver(fault)
        defer { server?.stop() }
        let url = "http://127.0.0.1:\(server?.port ?? refusedPort())/alerts"
        let base = NSTemporaryDirectory() + "vigie-fault-" + UUID().uuidString
        let eventsFile = base + ".events.jsonl", journal = base + ".journal.jsonl"
        defer {
            for path in [eventsFile, journal, journal + ".key"] { try? FileManager.default.removeItem(atPath: path) }
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.binary)
        process.arguments = ["run", "--scenes", scenes, "--inputs"] + inputs
            + ["--events", eventsFile, "--journal", journal, "--webhook", url, "--drain-timeout", "\(drainTimeout)"]
        let errors = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let err = Collected()
        errors.fileHandleForReading.readabilityHandler = { err.append($0.availableData) }
        let readEvents = { parse((try? String(contentsOfFile: eventsFile, encoding: .utf8)) ?? "") }

        let deadline = Date(timeIntervalSinceNow: 120)
        var signalled: Date?
        while process.isRunning, Date() < deadline {
            if feed(readEvents, { err.text }) {
                Thread.sleep(forTimeInterval: 0.2)
                signalled = Date()
                kill(process.processIdentifier, SIGTERM)
                break
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        let exitDeadline = Date(timeIntervalSinceNow: 30)
        while process.isRunning, Date() < exitDeadline { Thread.sleep(forTimeInterval: 0.01) }
        let seconds = signalled.map { Date().timeIntervalSince($0) } ?? 0
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        errors.fileHandleForReading.readabilityHandler = nil
        err.append(errors.fileHandleForReading.readDataToEndOfFile())

        let show = try CLI.run(["journal", "show", journal])
        let journalled = show.stdout.split(separator: "\n").filter { $0.contains(" alert ") }.map {
            $0.split(separator: " ").suffix(2).joined(separator: " ")
        }
        let verify = try CLI.run(["journal", "verify", journal])
        #expect(verify.stdout.hasPrefix("OK: "), "\(verify.stdout)\(verify.stderr)")
        let received = parse((server?.requests ?? []).map(\.body).joined(separator: "\n")).map(phaseAndID)
        return Outcome(status: process.terminationStatus, stderr: err.text, events: readEvents(), journalled: journalled,
                       journalStatus: verify.status, signalled: signalled != nil, secondsToExit: seconds, received: received)
    }

    /// The checks every case shares.
    static func check(_ outcome: Outcome, receiver fault: ReceiverFault, signalled: Bool = true, maxSecondsToExit: Double = 2,
                      sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcome.signalled == signalled, "SIGTERM sent in the state under test: \(outcome.stderr)",
                sourceLocation: sourceLocation)
        let written = outcome.events.map(phaseAndID)
        #expect(!written.isEmpty, "the case has events to lose: \(outcome.stderr)", sourceLocation: sourceLocation)
        // No event lost: the journal has every event of the events file, in order, and verifies.
        #expect(outcome.journalled == written, "journal \(outcome.journalled) vs events \(written)", sourceLocation: sourceLocation)
        #expect(outcome.journalStatus == 0, sourceLocation: sourceLocation)
        let started = Set(outcome.events.filter { $0["phase"] as? String == "started" }.compactMap { $0["id"] as? String })
        let ended = Set(outcome.events.filter { $0["phase"] as? String == "ended" }.compactMap { $0["id"] as? String })
        #expect(started == ended, "every started situation is ended: \(started) vs \(ended)", sourceLocation: sourceLocation)
        #expect(outcome.secondsToExit <= maxSecondsToExit, "exit \(outcome.secondsToExit) s after SIGTERM",
                sourceLocation: sourceLocation)

        // Every event delivered or counted undelivered.
        let delivered = Int(firstMatch(#"webhook: delivered (\d+),"#, in: outcome.stderr) ?? "") ?? -1
        let undelivered = Int(firstMatch(#"(\d+) events undelivered"#, in: outcome.stderr) ?? "0") ?? -1
        #expect(delivered + undelivered == written.count,
                "delivered \(delivered) + undelivered \(undelivered) of \(written.count): \(outcome.stderr)",
                sourceLocation: sourceLocation)
        if fault == .healthy {
            #expect(outcome.status == 0, "\(outcome.stderr)", sourceLocation: sourceLocation)
            #expect(outcome.received == written, "the receiver got every event once, in order", sourceLocation: sourceLocation)
        } else {
            #expect(outcome.status == 75, "EX_TEMPFAIL: \(outcome.stderr)", sourceLocation: sourceLocation)
            #expect(delivered == 0, "\(outcome.stderr)", sourceLocation: sourceLocation)
            #expect(outcome.stderr.contains("vigie deliver --events "), "where they are kept: \(outcome.stderr)",
                    sourceLocation: sourceLocation)
        }
    }

    static func firstMatch(_ pattern: String, in text: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
              let range = Range(match.range(at: 1), in: text) else { return nil }
        return String(text[range])
    }

    /// "ruleID phase" of `camera`'s events.
    static func trail(_ events: [[String: Any]], camera: String) -> [String] {
        events.filter { $0["cameraID"] as? String == camera }.map { "\($0["ruleID"] ?? "?") \($0["phase"] ?? "?")" }
    }

    /// SIGTERM while `gate` (a FIFO) is stalled as `input` says and the receiver fails as
    /// `receiver` says; `north` (a file) has finished with its crossing by then.
    @Test(arguments: InputFault.allCases, ReceiverFault.allCases)
    func sigtermWithAStalledCamera(input: InputFault, receiver: ReceiverFault) throws {
        let clip = try SceneCLITests.walkerClip()
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let scenes = try RunStalledCameraTests.scenesFolder()
        defer { try? FileManager.default.removeItem(atPath: scenes) }
        let fifo = NSTemporaryDirectory() + "vigie-fault-" + UUID().uuidString + ".y4m"
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        // O_RDWR never blocks opening a FIFO: the reader's open(2) then succeeds.
        let writer = input == .noWriter ? -1 : open(fifo, O_RDWR)
        defer { if writer >= 0 { close(writer) } }
        let (header, frames) = try RunShutdownTests.clip(seconds: 30)
        var sent = 0
        var headerSent = false

        let outcome = try Self.run(scenes: scenes, inputs: ["north=\(clip)", "gate=\(fifo)"], receiver: receiver,
                                   drainTimeout: 10) { events, _ in
            let all = events()
            let northDone = Self.trail(all, camera: "north").contains("cross ended")
            guard input == .stopsMidFrame else { return northDone }
            if !headerSent {
                _ = header.withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }
                headerSent = true
            }
            if Self.trail(all, camera: "gate").contains("in started") {
                if sent < frames.count {
                    // Half a frame, then silence.
                    _ = frames[sent].withUnsafeBytes { write(writer, $0.baseAddress, $0.count / 2) }
                    sent = frames.count
                }
                return northDone
            }
            if sent < frames.count {
                _ = frames[sent].withUnsafeBytes { write(writer, $0.baseAddress, $0.count) }
                sent += 1
            }
            return false
        }
        Self.check(outcome, receiver: receiver)
        #expect(Self.trail(outcome.events, camera: "north").contains("cross started"), "\(outcome.stderr)")
        if input == .stopsMidFrame {
            #expect(outcome.events.contains { ($0["measurements"] as? [String: Any])?["reason"] as? String == "shutdown" },
                    "the stalled camera's situation is ended for it: \(outcome.stderr)")
        } else {
            #expect(outcome.stderr.contains("gate: 0 frames (starting"), "\(outcome.stderr)")
        }
    }

    /// SIGTERM during the webhook drain (the input has ended, the receiver fails, the drain
    /// timeout is 30 s): the drain ends at once, exit 75, nothing lost.
    @Test(arguments: ReceiverFault.failing)
    func sigtermDuringTheDrain(receiver: ReceiverFault) throws {
        let clip = try SceneCLITests.walkerClip()
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let scenes = try RunStalledCameraTests.scenesFolder()
        defer { try? FileManager.default.removeItem(atPath: scenes) }
        try FileManager.default.removeItem(atPath: scenes + "/gate.json")
        let outcome = try Self.run(scenes: scenes, inputs: ["north=\(clip)"], receiver: receiver, drainTimeout: 30) { _, stderr in
            // Said once the cameras are done, just before the drain.
            Self.firstMatch(#"vigie: (\d+) events\n"#, in: stderr()) != nil
        }
        Self.check(outcome, receiver: receiver, maxSecondsToExit: 1)
        #expect(outcome.stderr.contains("drain cut short by a signal"), "\(outcome.stderr)")
    }

    /// No signal: the input ends and the receiver fails; the drain gives up after its timeout
    /// (not the 10 s request timeout) with exit 75 and nothing lost.
    @Test(arguments: ReceiverFault.failing)
    func inputEndsAndTheDrainTimesOut(receiver: ReceiverFault) throws {
        let clip = try SceneCLITests.walkerClip()
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let scenes = try RunStalledCameraTests.scenesFolder()
        defer { try? FileManager.default.removeItem(atPath: scenes) }
        try FileManager.default.removeItem(atPath: scenes + "/gate.json")
        let start = Date()
        let outcome = try Self.run(scenes: scenes, inputs: ["north=\(clip)"], receiver: receiver, drainTimeout: 1) { _, _ in false }
        let seconds = Date().timeIntervalSince(start)
        Self.check(outcome, receiver: receiver, signalled: false)
        #expect(seconds < 8, "ended by the 1 s drain, not a request timeout: \(seconds) s")
    }
}
