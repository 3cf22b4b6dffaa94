import Foundation
import Logging
import MQTTTestSupport
import Testing
import VigieEvents
import VigieMQTT
import VigieServer

/// `vigie serve` publishing to a real mosquitto broker started by the test.
@Suite("vigie serve → MQTT (real mosquitto)", .serialized, .timeLimit(.minutes(15)),
       .enabled(if: Serve.isBuilt, "needs the vigie executable built beside the tests (swift build)"),
       .enabled(if: Mosquitto.isInstalled, "needs mosquitto (Debian package; .ci/run installs it)"))
struct ServeMQTTTests {
    let folder = TemporaryFolder()

    func subscriber(_ broker: Mosquitto, id: String) -> MQTTClient {
        let client = MQTTClient(configuration: .init(port: broker.port, clientID: id, cleanSession: false), logger: quiet)
        client.start()
        return client
    }

    @Test func eventsAndStatusReachASubscriberAndABrokerOutageLosesNothing() async throws {
        let broker = try await Mosquitto(persistence: true)
        try await broker.start()
        let listener = subscriber(broker, id: "operator-wall")
        let events = MessageInbox(try await listener.subscribe(to: "vigie/+/event/#", qos: .atLeastOnce))
        let statuses = MessageInbox(try await listener.subscribe(to: "vigie/+/status", qos: .atLeastOnce))

        try Serve.clip(seconds: 14, to: folder.file("clip.y4m"))
        let site = try Serve.site(in: folder, camera: #""input": "clip.y4m", "realtime": true"#,
                                  extra: #", "mqtt": {"host": "127.0.0.1", "port": \#(broker.port), "clientID": "node-a"}"#)
        let server = try Serve.Process(arguments: ["--config", site])
        let online = await collect(statuses, count: 1, timeout: .seconds(30))
        #expect(online.first?.topic == "vigie/gate/status")
        #expect(online.first.map { String(decoding: $0.payload, as: UTF8.self) } == "online")

        let first = await collect(events, count: 1, timeout: .seconds(60))
        #expect(first.first?.topic == "vigie/gate/event/intrusion", "\(server.stderr)")
        let started = try first.first.map { try Event(jsonLine: String(decoding: $0.payload, as: UTF8.self)) }
        #expect(started?.phase == .started)

        // The broker goes away while the situation is open, and comes back.
        await broker.stop(SIGTERM)
        try await Task.sleep(for: .seconds(3))
        try await broker.start()

        // The clip ends at 14 s: the `ended` phase was stored while the broker was down or after.
        var received = try first.map { try Event(jsonLine: String(decoding: $0.payload, as: UTF8.self)) }
        let deadline = Date(timeIntervalSinceNow: 90)
        while received.last?.phase != .ended, Date() < deadline {
            for message in await collect(events, count: 1, timeout: .seconds(10)) {
                received.append(try Event(jsonLine: String(decoding: message.payload, as: UTF8.self)))
            }
        }
        #expect(received.map(\.phase).last == .ended, "\(server.stderr)")
        #expect(server.stop().status == 0)

        // Every stored phase reached the subscriber (at least once), in store order.
        let store = try EventStore(path: folder.file("store/events.sqlite"), logger: quiet)
        let stored = try store.phases(after: 0).map(\.event)
        let keys = { (e: Event) in "\(e.id)|\(e.phase.rawValue)|\(e.time.nanoseconds)" }
        var seen: [String] = []
        for key in received.map(keys) where !seen.contains(key) { seen.append(key) }
        #expect(seen == stored.map(keys), "received \(seen), stored \(stored.map(keys))")
        #expect(try store.backlog(sink: "mqtt").count == 0)

        // A clean stop says so: the retained status is `offline`.
        let last = await collect(statuses, count: 1, timeout: .seconds(10))
        #expect(last.last.map { String(decoding: $0.payload, as: UTF8.self) } == "offline")
        await listener.shutdown()
        await broker.tearDown()
    }
}
