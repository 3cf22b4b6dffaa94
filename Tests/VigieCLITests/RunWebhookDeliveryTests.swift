import Foundation
import HTTPTestSupport
import Testing

/// `vigie run --webhook` when the receiver is down, answers 500 or never answers: the run ends
/// within its drain timeout with exit status 75 and says how many events are undelivered and
/// where they are kept; `vigie deliver --events FILE` resends them once the receiver is back.
/// Real processes and a real HTTP server on 127.0.0.1.
@Suite("vigie run --webhook and vigie deliver", .enabled(if: CLI.isBuilt, "needs the vigie executable built beside the tests (swift build)"))
struct RunWebhookDeliveryTests {
    static let scene = #"{"cameraID": "gate", "lines": [{"id": "fence", "from": {"x": 0.5, "y": 0.1}, "to": {"x": 0.5, "y": 0.99}}], "rules": [{"id": "cross", "kind": "lineCrossed", "line": "fence"}]}"#

    /// The ids of the events in a JSON Lines file or request bodies.
    static func ids(_ lines: [String]) -> [String] {
        lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["id"] as? String }
    }

    /// Runs the walker clip with `--webhook url --drain-timeout drain`; returns the result, the
    /// events file's lines and the seconds the run took.
    static func run(webhook url: String, drain: Double) throws -> (result: CLI.Result, events: String, lines: [String], seconds: Double) {
        let clip = try SceneCLITests.walkerClip()
        defer { try? FileManager.default.removeItem(atPath: clip) }
        let scene = try SceneCLITests.sceneFile(Self.scene)
        defer { try? FileManager.default.removeItem(atPath: scene) }
        let events = NSTemporaryDirectory() + "vigie-cli-webhook-" + UUID().uuidString + ".jsonl"
        let start = Date()
        let r = try CLI.run(["run", "--scene", scene, "--input", clip, "--events", events, "--webhook", url,
                             "--drain-timeout", "\(drain)"])
        let seconds = Date().timeIntervalSince(start)
        let lines = try String(contentsOfFile: events, encoding: .utf8).split(separator: "\n").map(String.init)
        return (r, events, lines, seconds)
    }

    static func checkUndelivered(_ outcome: (result: CLI.Result, events: String, lines: [String], seconds: Double)) {
        #expect(outcome.result.status == 75, "EX_TEMPFAIL: \(outcome.result.stderr)")
        #expect(outcome.lines.count == 2, "the events file has every event: \(outcome.lines)")
        #expect(outcome.result.stderr.contains("2 events undelivered"), "\(outcome.result.stderr)")
        #expect(outcome.result.stderr.contains("vigie deliver --events \(outcome.events)"), "where they are kept: \(outcome.result.stderr)")
    }

    /// Resends the file to a receiver that accepts everything: every event arrives.
    static func checkResent(_ outcome: (result: CLI.Result, events: String, lines: [String], seconds: Double)) throws {
        let receiver = try ScriptedHTTPServer(script: [])
        defer { receiver.stop() }
        let r = try CLI.run(["deliver", "--events", outcome.events, "--webhook", "http://127.0.0.1:\(receiver.port)/alerts"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(ids(receiver.requests.map(\.body)) == ids(outcome.lines), "every event, in order")
    }

    @Test func aReceiverThatIsDownGivesStatus75AndDeliverResends() throws {
        let outcome = try Self.run(webhook: "http://127.0.0.1:\(refusedPort())/alerts", drain: 1.5)
        defer { try? FileManager.default.removeItem(atPath: outcome.events) }
        Self.checkUndelivered(outcome)
        try Self.checkResent(outcome)
    }

    @Test func aReceiverThatAnswers500GivesStatus75() throws {
        let receiver = try ScriptedHTTPServer(script: [], then: .status(500))
        defer { receiver.stop() }
        let outcome = try Self.run(webhook: "http://127.0.0.1:\(receiver.port)/alerts", drain: 1.5)
        defer { try? FileManager.default.removeItem(atPath: outcome.events) }
        Self.checkUndelivered(outcome)
        #expect(receiver.requests.count >= 3, "retried at once in the drain, not after the back-off: \(receiver.requests.count)")
        try Self.checkResent(outcome)
    }

    @Test func aReceiverThatNeverAnswersDoesNotHoldTheRunPastItsDrainTimeout() throws {
        let receiver = try ScriptedHTTPServer(script: [], then: .silent)
        defer { receiver.stop() }
        let outcome = try Self.run(webhook: "http://127.0.0.1:\(receiver.port)/alerts", drain: 2)
        defer { try? FileManager.default.removeItem(atPath: outcome.events) }
        Self.checkUndelivered(outcome)
        // The clip itself takes a few seconds in a debug build; the request timeout is 10 s.
        // Waiting for the request timeout instead would take the clip plus 10 s.
        #expect(outcome.seconds < 10, "ended by the drain timeout, not the request timeout: \(outcome.seconds) s")
    }

    @Test func aReceiverBackDuringTheDrainGetsEveryEvent() throws {
        let receiver = try ScriptedHTTPServer(script: [.status(500), .status(503), .status(500)])
        defer { receiver.stop() }
        let outcome = try Self.run(webhook: "http://127.0.0.1:\(receiver.port)/alerts", drain: 5)
        defer { try? FileManager.default.removeItem(atPath: outcome.events) }
        #expect(outcome.result.status == 0, "\(outcome.result.stderr)")
        #expect(Set(Self.ids(receiver.requests.map(\.body))) == Set(Self.ids(outcome.lines)))
    }

    @Test func deliverNamesTheLineThatIsNotAnEvent() throws {
        let events = NSTemporaryDirectory() + "vigie-cli-bad-events-" + UUID().uuidString + ".jsonl"
        defer { try? FileManager.default.removeItem(atPath: events) }
        try Data("{\"schema\":\"vigie.statistics/1\"}\nnot json\n".utf8).write(to: URL(fileURLWithPath: events))
        let r = try CLI.run(["deliver", "--events", events, "--webhook", "http://127.0.0.1:\(refusedPort())/"])
        #expect(r.status == 1 && r.stderr.contains("\(events):2: not an event"), "\(r.stderr)")
        let missing = try CLI.run(["deliver", "--events", "/nonexistent/events.jsonl", "--webhook", "http://127.0.0.1:1/"])
        #expect(missing.status == 1 && missing.stderr.contains("no such file"), "\(missing.stderr)")
    }
}
