import Foundation
import Logging
import Testing
import VigieCore
import VigieEvents
import VigieIO
import VigiePipeline
import VigieRules
import VigieSimulator

/// Event ids never repeat: not when a live input breaks and is reopened (issue 21), not when the
/// process restarts with the same scene, and within a situation they stay the same.
@Suite("Event ids that never repeat")
struct EventIDUniquenessTests {
    static let scene = try! Scene(json: Data(#"""
        {"cameraID": "sim", "zones": [{"id": "z", "polygon": [{"x":0.55,"y":0.3},{"x":0.98,"y":0.3},{"x":0.98,"y":0.98},{"x":0.55,"y":0.98}]}],
         "rules": [{"id": "in", "kind": "intrusion", "zone": "z", "minDuration": 1, "updateInterval": 2}]}
        """#.utf8))
    /// A walker who enters the zone at about 6 s, stays until 10 s and leaves: one intrusion per
    /// playing of the 13-second clip.
    static let clip = SimulatedScene(width: 160, height: 120, framesPerSecond: 8, duration: 13, seed: 11, actors: [
        Actor(id: 1, kind: .person, path: [Waypoint(3, 0.1, 0.8), Waypoint(7, 0.7, 0.8), Waypoint(10, 0.75, 0.8),
                                           Waypoint(12.5, 0.1, 0.8)])
    ])

    /// The clip, then a stream break (like a FIFO whose writer died mid-frame) unless it is the
    /// last opening: each reopening plays the clip again from time zero.
    struct BreakingSource: FrameSource {
        var simulator = SceneSimulator(EventIDUniquenessTests.clip)
        let breaks: Bool
        var name: String { "live-fifo" }
        var kind: InputKind { .y4m }

        mutating func next() throws(FrameSourceError) -> Frame? {
            if let frame = try simulator.next() { return frame }
            if breaks { throw .truncatedFrame(source: name, frame: 105, expectedBytes: 28_800, gotBytes: 1_000) }
            return nil
        }
    }

    final class Collector: EventSink, @unchecked Sendable {
        private let lock = NSLock()
        private var collected: [Event] = []
        var events: [Event] { lock.withLock { collected } }
        func send(_ event: Event) throws { lock.withLock { collected.append(event) } }
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int { lock.withLock { defer { value += 1 }; return value } }
    }

    /// The situations (started events) by id, and every id's phases in order.
    static func situations(_ events: [Event]) -> [String: [EventPhase]] {
        Dictionary(grouping: events, by: \.id).mapValues { $0.map(\.phase) }
    }

    @Test func aReopenedInputRepeatsNoIdAndTimeGoesOn() throws {
        let collector = Collector()
        let opened = Counter()
        let handler = CollectingLogHandler()
        let runner = CameraRunner(
            scene: Self.scene, openInput: { BreakingSource(breaks: opened.next() < 2) },
            sink: SharedEventSink(collector), retry: .init(retries: 3, initialDelay: 0.01, maxDelay: 0.01),
            logger: Logger(label: "test", factory: { _ in handler }))
        runner.start()
        #expect(runner.waitUntilDone(timeout: 120))
        #expect(runner.status == .finished)
        let events = collector.events
        let started = events.filter { $0.phase == .started }
        #expect(started.count == 3, "one intrusion per opening: \(events.map { "\($0.id) \($0.phase) \($0.time)" })")
        #expect(Set(started.map(\.id)).count == started.count, "\(started.map(\.id))")
        // Every situation is started once, ended once, with the same id for all its phases.
        for (id, phases) in Self.situations(events) {
            #expect(phases.first == .started && phases.last == .ended, "\(id): \(phases)")
            #expect(phases.filter { $0 == .started }.count == 1 && phases.filter { $0 == .ended }.count == 1)
        }
        // One session across the reopenings, the numbers counting on.
        let session = runner.session.id
        #expect(started.map(\.id) == (1...3).map { "sim/in/\(session)-\($0)" })
        // Stream time continues: never backwards, the second opening after the first's 13 s.
        let times = events.map(\.time.seconds)
        #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 }, "\(times)")
        #expect(started[1].startTime.seconds > 13 && started[2].startTime.seconds > 26, "\(started.map(\.startTime))")
        let reopened = handler.records.filter { $0.contains("camera input reopened") }
        #expect(reopened.count == 2, "\(handler.records)")
        #expect(reopened.allSatisfy { $0.contains(session) })
    }

    @Test func aReopenedInputOfAnotherSizeStartsAFreshSession() throws {
        struct ResizingSource: FrameSource {
            var simulator: SceneSimulator
            let breaks: Bool
            var name: String { "live-fifo" }
            var kind: InputKind { .y4m }
            mutating func next() throws(FrameSourceError) -> Frame? {
                if let frame = try simulator.next() { return frame }
                if breaks { throw .readFailed(source: name, reason: "writer gone") }
                return nil
            }
        }
        let small = SimulatedScene(width: 192, height: 144, framesPerSecond: 8, duration: 13, seed: 11,
                                   actors: EventIDUniquenessTests.clip.actors)
        let collector = Collector()
        let opened = Counter()
        let handler = CollectingLogHandler()
        let runner = CameraRunner(
            scene: Self.scene,
            openInput: {
                let n = opened.next()
                return ResizingSource(simulator: SceneSimulator(n == 0 ? EventIDUniquenessTests.clip : small), breaks: n == 0)
            },
            sink: SharedEventSink(collector), retry: .init(retries: 1, initialDelay: 0.01, maxDelay: 0.01),
            logger: Logger(label: "test", factory: { _ in handler }))
        let first = runner.session
        runner.start()
        #expect(runner.waitUntilDone(timeout: 120))
        #expect(runner.status == .finished)
        let started = collector.events.filter { $0.phase == .started }.map(\.id)
        #expect(started.count == 2 && Set(started).count == 2, "\(started)")
        #expect(runner.session != first && started[0].contains(first.id) && started[1].contains(runner.session.id))
        #expect(handler.records.contains { $0.contains("camera input reopened") && $0.contains(#""vigie.freshPipeline": true"#) },
                "\(handler.records)")
    }

    /// Runs the clip once through a pipeline made with `session` (the default: a fresh one).
    static func runOnce(session: EventSession? = nil) throws -> [Event] {
        var pipeline = session.map { ScenePipeline(scene: scene, streamStart: Date(timeIntervalSince1970: 0), session: $0) }
            ?? ScenePipeline(scene: scene, streamStart: Date(timeIntervalSince1970: 0))
        var simulator = SceneSimulator(clip)
        var events: [Event] = []
        while let frame = try simulator.next() { events += try pipeline.process(frame) }
        return events + (try pipeline.finish())
    }

    @Test func aRestartGivesDisjointIds() throws {
        // Two pipelines created one after the other, as by a process started twice on the same scene.
        let first = try Self.runOnce()
        let second = try Self.runOnce()
        #expect(!first.isEmpty && first.count == second.count)
        #expect(Set(first.map(\.id)).isDisjoint(with: Set(second.map(\.id))), "\(first.map(\.id)) \(second.map(\.id))")
        // Same frames, so the same situations: only the session part of the ids differs.
        #expect(first.map(\.phase) == second.map(\.phase) && first.map(\.time) == second.map(\.time))
        // Sessions are time-ordered: the later run's ids sort after (or, in the same millisecond, beside) the first's.
        let sessions = [first, second].map { String($0[0].id.split(separator: "/").last!.split(separator: "-")[0]) }
        #expect(sessions[0].prefix(10) <= sessions[1].prefix(10), "\(sessions)")
    }

    @Test func aFixedSessionGivesTheSameIdsAndPhasesShareThem() throws {
        let session = try EventSession(id: "replay")
        let first = try Self.runOnce(session: session)
        let second = try Self.runOnce(session: session)
        #expect(first == second)
        let phases = Self.situations(first)
        #expect(phases.keys.sorted() == ["sim/in/replay-1"], "\(phases)")
        let all = try #require(phases["sim/in/replay-1"])
        #expect(all.first == .started && all.contains(.updated) && all.last == .ended, "\(all)")
    }
}
