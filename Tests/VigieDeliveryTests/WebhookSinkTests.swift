import Foundation
import HTTPTestSupport
import Logging
import Testing
import VigieCore
import VigieDelivery
import VigieEvents

/// Keeps log messages in memory.
final class CapturedLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(Logger.Level, String)] = []

    func append(_ level: Logger.Level, _ message: String) { lock.withLock { entries.append((level, message)) } }

    var warnings: [String] { lock.withLock { entries.filter { $0.0 == .warning }.map(\.1) } }

    var logger: Logger {
        Logger(label: "test") { _ in Handler(log: self) }
    }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            log.append(event.level, "\(event.message)")
        }
    }
}

private func event(_ n: Int, camera: String = "cam1") -> Event {
    Event(
        id: Event.makeID(cameraID: camera, ruleID: "r", session: try! EventSession(id: "s1"), sequence: n + 1), kind: .intrusion, phase: .started,
        ruleID: "r", cameraID: camera, startTime: Timestamp(seconds: Double(n)), time: Timestamp(seconds: Double(n)))
}

private func configuration(_ url: URL, capacity: Int = 100, backoff: Double = 0.05, timeout: Double = 5, attempts: Int? = nil)
    -> WebhookSink.Configuration
{
    WebhookSink.Configuration(
        url: url, headers: ["Authorization": "Bearer test"], queueCapacity: capacity, initialBackoff: backoff,
        backoffFactor: 2, maxBackoff: 1, requestTimeout: timeout, maxAttempts: attempts)
}

@Suite("Webhook sink", .serialized)
struct WebhookSinkTests {
    @Test func backoffGrowsAndIsCapped() {
        let c = WebhookSink.Configuration(url: URL(string: "http://127.0.0.1/")!)
        #expect(c.queueCapacity == 10_000 && c.initialBackoff == 0.5 && c.backoffFactor == 2 && c.maxBackoff == 30)
        #expect((1...8).map { c.backoff(afterFailures: $0) } == [0.5, 1, 2, 4, 8, 16, 30, 30])
    }

    @Test func postsEachEventInOrderAndRetriesServerErrorsWithBackoff() throws {
        let server = try ScriptedHTTPServer(script: [.status(503), .status(500), .status(200)])
        defer { server.stop() }
        let log = CapturedLog()
        let sink = WebhookSink(configuration: configuration(server.url, backoff: 0.2), logger: log.logger)
        for n in 0..<3 { try sink.send(event(n)) }
        #expect(sink.flush(timeout: 20) == 0)
        let requests = server.requests
        let expected = try [0, 0, 0, 1, 2].map { try event($0).jsonLine() }
        #expect(requests.map(\.body) == expected)
        #expect(requests.allSatisfy { $0.method == "POST" && $0.headers["content-type"] == "application/json" })
        #expect(requests.allSatisfy { $0.headers["authorization"] == "Bearer test" })
        // Waits of 0.2 s then 0.4 s before the retries (upper bound generous for a loaded machine).
        let first = requests[1].arrival - requests[0].arrival
        let second = requests[2].arrival - requests[1].arrival
        #expect(first >= 0.19 && first < 1.5, "first retry after \(first) s")
        #expect(second >= 0.39 && second < 1.7, "second retry after \(second) s")
        let stats = sink.statistics
        #expect(stats.delivered == 3 && stats.retried == 2 && stats.rejected == 0 && stats.dropped == 0 && stats.queued == 0)
        #expect(log.warnings == ["webhook delivery failed: retrying with backoff"])
        sink.close()
    }

    @Test func clientErrorsAreRejectedButTimeoutAndTooManyRequestsAreRetried() throws {
        let server = try ScriptedHTTPServer(script: [.status(400), .status(429), .status(408), .status(204), .status(404)])
        defer { server.stop() }
        let log = CapturedLog()
        let sink = WebhookSink(configuration: configuration(server.url), logger: log.logger)
        for n in 0..<3 { try sink.send(event(n)) }
        #expect(sink.flush(timeout: 20) == 0)
        #expect(server.requests.map(\.body) == (try [0, 1, 1, 1, 2].map { try event($0).jsonLine() }))
        let stats = sink.statistics
        #expect(stats.rejected == 2 && stats.delivered == 1 && stats.retried == 2)
        #expect(log.warnings.filter { $0.contains("rejected") }.count == 2)
        sink.close()
    }

    @Test func refusedConnectionsAreRetriedUntilMaxAttempts() throws {
        let url = URL(string: "http://127.0.0.1:\(refusedPort())/alerts")!
        let sink = WebhookSink(configuration: configuration(url, attempts: 3))
        try sink.send(event(0))
        #expect(sink.flush(timeout: 20) == 0)
        let stats = sink.statistics
        #expect(stats.abandoned == 1 && stats.retried == 2 && stats.delivered == 0)
        sink.close()
    }

    @Test func overflowDropsTheOldestQueuedEventsAndCountsThem() throws {
        // The first request is never answered: it times out after 2 s and is retried.
        let server = try ScriptedHTTPServer(script: [.silent])
        defer { server.stop() }
        let log = CapturedLog()
        let sink = WebhookSink(configuration: configuration(server.url, capacity: 3, timeout: 2), logger: log.logger)
        try sink.send(event(0))
        #expect(server.waitForRequests(1, timeout: 10), "event 0 is in flight")
        for n in 1..<10 { try sink.send(event(n)) }
        // Events 1…6 made room for 7, 8, 9; event 0 is in flight and kept.
        #expect(sink.droppedCount == 6)
        #expect(sink.statistics.queued == 4)
        #expect(log.warnings.filter { $0.contains("queue full") }.count == 1, "warned at the 1st drop, next at the 10th")
        #expect(sink.flush(timeout: 20) == 0)
        #expect(server.requests.map(\.body) == (try [0, 0, 7, 8, 9].map { try event($0).jsonLine() }))
        let stats = sink.statistics
        #expect(stats.delivered == 4 && stats.dropped == 6 && stats.retried == 1 && stats.queued == 0)
        sink.close()
    }

    @Test func closeCountsWhatIsLeftAndRefusesLaterEvents() throws {
        let server = try ScriptedHTTPServer(script: [], then: .silent)
        defer { server.stop() }
        let sink = WebhookSink(configuration: configuration(server.url, timeout: 30))
        for n in 0..<5 { try sink.send(event(n)) }
        #expect(server.waitForRequests(1, timeout: 10))
        #expect(sink.flush(timeout: 0.2) == 5, "nothing answered yet")
        try sink.flush()  // the protocol's flush never waits for the network
        #expect(sink.close(timeout: 0) == 5)
        #expect(sink.statistics.abandoned == 5 && sink.statistics.queued == 0)
        #expect(throws: EventSinkError.closed(path: server.url.absoluteString)) { try sink.send(event(9)) }
        #expect(throws: EventSinkError.closed(path: server.url.absoluteString)) { try sink.flush() }
    }

    @Test func closeRetriesAtOnceInsteadOfSleepingThroughTheBackoff() throws {
        // A 20 s back-off after the first 500: close's drain must not wait for it.
        let server = try ScriptedHTTPServer(script: [.status(500)], then: .status(200))
        defer { server.stop() }
        let sink = WebhookSink(configuration: WebhookSink.Configuration(url: server.url, initialBackoff: 20))
        try sink.send(event(0))
        #expect(server.waitForRequests(1, timeout: 10))
        Thread.sleep(forTimeInterval: 0.2)  // the worker is now in its back-off
        let start = Date()
        #expect(sink.close(timeout: 5) == 0)
        let seconds = Date().timeIntervalSince(start)
        #expect(seconds < 2, "delivered \(seconds) s into the drain")
        #expect(sink.statistics.delivered == 1 && server.requests.count == 2)
    }

    @Test func anInterruptedDrainEndsAtOnceAndCountsWhatIsLeft() throws {
        // A receiver that never answers and a 30 s drain: interrupted after about 0.3 s (a signal
        // during the drain), close returns within a fraction of a second with everything abandoned.
        let server = try ScriptedHTTPServer(script: [], then: .silent)
        defer { server.stop() }
        let sink = WebhookSink(configuration: configuration(server.url, timeout: 30))
        for n in 0..<3 { try sink.send(event(n)) }
        #expect(server.waitForRequests(1, timeout: 10))
        let start = Date()
        let left = sink.close(timeout: 30, interrupted: { Date().timeIntervalSince(start) > 0.3 })
        let seconds = Date().timeIntervalSince(start)
        #expect(left == 3 && sink.statistics.abandoned == 3 && sink.statistics.delivered == 0)
        #expect(seconds >= 0.3 && seconds < 1.5, "ended \(seconds) s into a 30 s drain")
    }

    @Test func aReceiverThatClosesMidResponseIsRetriedNotCountedDelivered() throws {
        // A 200 cut off in its body is not a delivery: retried, and delivered by the next answer.
        let server = try ScriptedHTTPServer(script: [.closesMidResponse], then: .status(200))
        defer { server.stop() }
        let sink = WebhookSink(configuration: configuration(server.url))
        try sink.send(event(0))
        #expect(sink.flush(timeout: 10) == 0)
        #expect(server.requests.count == 2, "\(server.requests.count) requests")
        #expect(sink.statistics.delivered == 1 && sink.statistics.retried == 1)
        sink.close()
    }

    @Test func eventsQueuedFromManyThreadsAreAllDeliveredInEachCamerasOrder() async throws {
        let server = try ScriptedHTTPServer(script: [])
        defer { server.stop() }
        let sink = WebhookSink(configuration: configuration(server.url, capacity: 1_000))
        await withTaskGroup(of: Void.self) { group in
            for camera in 0..<4 {
                group.addTask {
                    for n in 0..<15 { try? sink.send(event(n, camera: "cam\(camera)")) }
                }
            }
        }
        #expect(sink.flush(timeout: 60) == 0)
        let bodies = server.requests.map(\.body)
        #expect(bodies.count == 60 && sink.statistics.delivered == 60)
        for camera in 0..<4 {
            let mine = bodies.filter { $0.contains(#""cameraID":"cam\#(camera)""#) }
            #expect(mine == (try (0..<15).map { try event($0, camera: "cam\(camera)").jsonLine() }))
        }
        sink.close()
    }

    @Test func unencodableEventsThrowAtSend() throws {
        let sink = WebhookSink(configuration: configuration(URL(string: "http://127.0.0.1:\(refusedPort())/")!))
        var bad = event(0)
        bad.measurements.density = .infinity
        #expect {
            try sink.send(bad)
        } throws: { error in
            guard case .unencodable = error as? EventSinkError else { return false }
            return true
        }
        #expect(sink.statistics.queued == 0)
        sink.close()
    }
}
