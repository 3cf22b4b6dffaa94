import Foundation
import MQTTTestSupport
import Logging
import Testing

@testable import VigieMQTT

/// A client configuration for a test broker: short back-off so outages are crossed quickly.
///
/// The waits in these tests are long (30 s) on purpose: under `swift test` they share the
/// cooperative pool with CPU-bound pixel tests, which can hold it for seconds. Only the tests of
/// a timeout use a short one.
func testConfiguration(
    port: Int, clientID: String, cleanSession: Bool = true, keepAlive: Duration = .seconds(30), will: MQTTWill? = nil,
    backoff: MQTTClient.Configuration.Backoff = .init(initial: .milliseconds(100), maximum: .milliseconds(500)),
    maximumInFlight: Int = 64
) -> MQTTClient.Configuration {
    MQTTClient.Configuration(
        host: "127.0.0.1", port: port, clientID: clientID, cleanSession: cleanSession, keepAlive: keepAlive, will: will,
        reconnectBackoff: backoff, maximumInFlight: maximumInFlight, connectTimeout: .seconds(20))
}

/// Silent, unless `VIGIE_MQTT_TEST_LOG=trace` (or another level) asks for the client's log on stderr.
let testLogger: Logger = {
    guard let level = ProcessInfo.processInfo.environment["VIGIE_MQTT_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) else {
        return Logger(label: "vigie.mqtt.tests", factory: { _ in SwiftLogNoOpLogHandler() })
    }
    var logger = Logger(label: "vigie.mqtt.tests", factory: { StreamLogHandler.standardError(label: $0) })
    logger.logLevel = level
    return logger
}()

@Suite(
    "MQTT client against a real mosquitto", .serialized, .timeLimit(.minutes(15)),
    .enabled(if: Mosquitto.isInstalled, "mosquitto is not installed at /usr/sbin/mosquitto (apt-get install mosquitto)"))
struct MQTTClientBrokerTests {
    @Test func qos1MessagesReachASubscriberInOrder() async throws {
        let broker = try await Mosquitto()
        try await broker.start()
        let subscriber = MQTTClient(configuration: testConfiguration(port: broker.port, clientID: "sub"), logger: testLogger)
        let publisher = MQTTClient(configuration: testConfiguration(port: broker.port, clientID: "pub"), logger: testLogger)
        subscriber.start()
        publisher.start()
        let stream = MessageInbox(try await subscriber.subscribe(to: "vigie/+/event/#", connectionTimeout: .seconds(90)))
        for index in 0..<20 {
            try await publisher.publish(
                topic: "vigie/cam-1/event/intrusion", payload: #"{"id":\#(index)}"#, connectionTimeout: .seconds(90))
        }
        // Every publish returned after its PUBACK: none is left in flight.
        #expect(publisher.status.published == 20)
        #expect(publisher.status.inFlight == 0)
        // A message on a topic outside the filter is not delivered to the stream.
        try await publisher.publish(topic: "vigie/cam-1/status", payload: "online")
        let messages = await collect(stream, count: 20, timeout: .seconds(30))
        #expect(messages.map(\.payloadString) == (0..<20).map { #"{"id":\#($0)}"# })
        #expect(messages.allSatisfy { $0.topic == "vigie/cam-1/event/intrusion" && $0.qos == .atLeastOnce && !$0.retain })
        #expect(subscriber.status.received == 20)
        await publisher.shutdown()
        await subscriber.shutdown()
        #expect(publisher.status.state == .disconnected)
        await broker.tearDown()
    }

    @Test func retainedStatusAndWill() async throws {
        let broker = try await Mosquitto()
        try await broker.start()
        let status = "vigie/cam-1/status"
        // A node with a will: online (retained), then a graceful shutdown, which discards the will.
        let node = MQTTClient(
            configuration: testConfiguration(
                port: broker.port, clientID: "node", will: MQTTWill(topic: status, payload: "offline", retain: true)),
            logger: testLogger)
        node.start()
        try await node.publish(topic: status, payload: "online", retain: true, connectionTimeout: .seconds(90))
        await node.shutdown()
        try await Task.sleep(for: .milliseconds(300))

        let watcher = MQTTClient(configuration: testConfiguration(port: broker.port, clientID: "watcher"), logger: testLogger)
        watcher.start()
        let stream = MessageInbox(try await watcher.subscribe(to: status, connectionTimeout: .seconds(90)))
        let retained = await collect(stream, count: 1, timeout: .seconds(30))
        #expect(retained.map(\.payloadString) == ["online"], "the will must not follow a DISCONNECT")
        #expect(retained.first?.retain == true)

        // A node whose socket closes without DISCONNECT (a crash): the broker publishes its will.
        let (crashing, connAck) = try await RawMQTTConnection.connect(
            port: broker.port,
            MQTTConnect(
                clientID: "crashing", keepAliveSeconds: 30,
                will: MQTTWill(topic: status, payload: "offline", qos: .atLeastOnce, retain: true)))
        #expect(connAck == .connAck(MQTTConnAck(sessionPresent: false)))
        try await crashing.closeAbruptly()
        let will = await collect(stream, count: 1, timeout: .seconds(30))
        #expect(will.map(\.payloadString) == ["offline"])
        #expect(will.first?.topic == status)

        // The will was retained: a later subscriber sees "offline".
        let late = MQTTClient(configuration: testConfiguration(port: broker.port, clientID: "late"), logger: testLogger)
        late.start()
        let lateStream = MessageInbox(try await late.subscribe(to: status, connectionTimeout: .seconds(90)))
        #expect(await collect(lateStream, count: 1, timeout: .seconds(30)).map(\.payloadString) == ["offline"])
        await late.shutdown()
        await watcher.shutdown()
        await broker.tearDown()
    }

    /// Broker stopped mid-run and restarted on the same port: every QoS 1 message published
    /// around the outage is acknowledged to the publisher and reaches the persistent subscriber.
    @Test func brokerRestartLosesNoQoS1Message() async throws {
        let broker = try await Mosquitto(persistence: true)
        try await broker.start()
        let subscriber = MQTTClient(
            configuration: testConfiguration(port: broker.port, clientID: "vigie-sub", cleanSession: false),
            logger: testLogger)
        let publisher = MQTTClient(configuration: testConfiguration(port: broker.port, clientID: "vigie-pub"), logger: testLogger)
        subscriber.start()
        publisher.start()
        let stream = MessageInbox(try await subscriber.subscribe(to: "vigie/cam-1/event/#", connectionTimeout: .seconds(90)))
        let total = 60
        let publishing = Task {
            for index in 0..<total {
                try await publisher.publish(
                    topic: "vigie/cam-1/event/intrusion", payload: "\(index)", connectionTimeout: .seconds(90))
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        await waitForStatus(publisher, timeout: .seconds(30)) { $0.published >= 10 }
        await broker.stop(SIGTERM)
        let duringOutage = publisher.status.published
        try await Task.sleep(for: .seconds(1))
        try await broker.start()
        try await publishing.value

        #expect(duringOutage < total, "the outage must fall inside the run")
        #expect(publisher.status.published == total)
        #expect(publisher.status.connections >= 2)
        #expect(subscriber.status.connections >= 2)
        var received: Set<String> = []
        var deliveries = 0
        while received.count < total, deliveries < 4 * total {
            // One at a time: a timeout ends the stream, and means a message is missing.
            guard let message = await collect(stream, count: 1, timeout: .seconds(30)).first else { break }
            deliveries += 1
            received.insert(message.payloadString)
        }
        #expect(received == Set((0..<total).map { "\($0)" }), "missing: \(Set((0..<total).map { "\($0)" }).subtracting(received))")
        await publisher.shutdown()
        await subscriber.shutdown()
        await broker.tearDown()
    }

    /// A message written while the broker is frozen (SIGSTOP) and then killed (SIGKILL) is never
    /// acknowledged; after the broker restarts, the publisher resends it with DUP and the
    /// publish returns on its PUBACK.
    @Test func unacknowledgedMessageIsResentAfterReconnection() async throws {
        let broker = try await Mosquitto()
        try await broker.start()
        let subscriber = MQTTClient(configuration: testConfiguration(port: broker.port, clientID: "sub"), logger: testLogger)
        // The publisher reconnects later than the subscriber, which renews its subscription first.
        let publisher = MQTTClient(
            configuration: testConfiguration(
                port: broker.port, clientID: "pub", backoff: .init(initial: .seconds(3), maximum: .seconds(6))),
            logger: testLogger)
        subscriber.start()
        publisher.start()
        let stream = MessageInbox(try await subscriber.subscribe(to: "t/#", connectionTimeout: .seconds(90)))
        try await publisher.publish(topic: "t/a", payload: "before", connectionTimeout: .seconds(90))
        #expect(await collect(stream, count: 1, timeout: .seconds(30)).map(\.payloadString) == ["before"])

        broker.send(SIGSTOP)
        let publishing = Task { try await publisher.publish(topic: "t/a", payload: "in flight") }
        let frozen = await waitForStatus(publisher, timeout: .seconds(30)) { $0.inFlight == 1 }
        #expect(frozen.inFlight == 1)
        try await Task.sleep(for: .milliseconds(200))
        #expect(publisher.status.published == 1, "no PUBACK can come from a stopped broker")
        await broker.stop(SIGKILL)
        try await broker.start()
        let resubscribed = await waitForStatus(subscriber, timeout: .seconds(30)) { $0.connections >= 2 && $0.state == .connected }
        #expect(resubscribed.connections >= 2)

        try await publishing.value
        #expect(publisher.status.resent == 1)
        #expect(publisher.status.published == 2)
        #expect(publisher.status.inFlight == 0)
        #expect(await collect(stream, count: 1, timeout: .seconds(30)).map(\.payloadString) == ["in flight"])
        await publisher.shutdown()
        await subscriber.shutdown()
        await broker.tearDown()
    }

    @Test func inFlightMessagesAreBounded() async throws {
        let broker = try await Mosquitto()
        try await broker.start()
        let client = MQTTClient(
            configuration: testConfiguration(port: broker.port, clientID: "bounded", maximumInFlight: 2), logger: testLogger)
        client.start()
        try await client.publish(topic: "t", payload: "warm", connectionTimeout: .seconds(90))
        // A frozen broker acknowledges nothing: two messages go out, the third waits for a slot.
        broker.send(SIGSTOP)
        let publishes = (0..<3).map { index in Task { try await client.publish(topic: "t", payload: "\(index)") } }
        await waitForStatus(client, timeout: .seconds(30)) { $0.inFlight == 2 }
        try await Task.sleep(for: .milliseconds(300))
        #expect(client.status.inFlight == 2)
        #expect(client.status.published == 1)
        broker.send(SIGCONT)
        for publish in publishes { try await publish.value }
        #expect(client.status.published == 4)
        #expect(client.status.inFlight == 0)
        #expect(client.status.connections == 1)
        await client.shutdown()
        await broker.tearDown()
    }

    @Test func keepAlivePingsAndDetectsAFrozenBroker() async throws {
        let broker = try await Mosquitto()
        try await broker.start()
        let client = MQTTClient(
            configuration: testConfiguration(port: broker.port, clientID: "idle", keepAlive: .seconds(1)),
            logger: testLogger)
        client.start()
        let connected = await waitForStatus(client, timeout: .seconds(30)) { $0.state == .connected }
        #expect(connected.state == .connected)
        // Idle for 3.5 keep-alive intervals: mosquitto drops a client silent for 1.5 of them, so
        // the connection survives only through PINGREQ.
        try await Task.sleep(for: .milliseconds(3500))
        let idle = client.status
        #expect(idle.state == .connected)
        #expect(idle.connections == 1)
        #expect(idle.pingResponses >= 3, "\(idle.pingResponses) PINGRESP in 3.5 s with keep-alive 1 s")
        #expect(idle.lastPingRoundTrip != nil)

        // A frozen broker answers no PINGREQ: the client gives the connection up.
        broker.send(SIGSTOP)
        let lost = await waitForStatus(client, timeout: .seconds(30)) { $0.state != .connected }
        #expect(lost.state != .connected)
        #expect(lost.lastError == .keepAliveTimeout(seconds: 1))
        broker.send(SIGCONT)
        await client.shutdown()
        await broker.tearDown()
    }

    @Test func refusedConnectionIsATypedError() async throws {
        let broker = try await Mosquitto()
        try await broker.start()
        // MQTT 3.1.1: an empty client identifier needs a clean session; mosquitto answers 2.
        let client = MQTTClient(
            configuration: testConfiguration(port: broker.port, clientID: "", cleanSession: false), logger: testLogger)
        client.start()
        let refused = await waitForStatus(client, timeout: .seconds(30)) { $0.lastError != nil }
        #expect(refused.lastError == .connectionRefused(.identifierRejected))
        #expect(refused.connections == 0)
        await #expect(throws: MQTTClientError.connectionTimeout(waited: .milliseconds(300))) {
            try await client.publish(topic: "t", payload: "x", connectionTimeout: .milliseconds(300))
        }
        await client.shutdown()
        await broker.tearDown()
    }

    @Test func runUntilCancelled() async throws {
        let broker = try await Mosquitto()
        try await broker.start()
        let client = MQTTClient(configuration: testConfiguration(port: broker.port, clientID: "service"), logger: testLogger)
        let running = Task { await client.run() }
        try await client.publish(topic: "t", payload: "x", connectionTimeout: .seconds(90))
        #expect(client.status.state == .connected)
        running.cancel()
        await running.value
        #expect(client.status.state == .disconnected)
        await #expect(throws: MQTTClientError.shutDown) { try await client.publish(topic: "t", payload: "x") }
        await broker.tearDown()
    }

    @Test func publishWaitsForTheBrokerToAppear() async throws {
        let broker = try await Mosquitto()
        let client = MQTTClient(configuration: testConfiguration(port: broker.port, clientID: "early"), logger: testLogger)
        client.start()
        let publishing = Task { try await client.publish(topic: "t", payload: "x", connectionTimeout: .seconds(20)) }
        try await Task.sleep(for: .milliseconds(500))
        #expect(client.status.state != .connected)
        try await broker.start()
        try await publishing.value
        #expect(client.status.published == 1)
        await client.shutdown()
        await broker.tearDown()
    }
}

/// Behaviour without a broker: nothing listens on the port.
@Suite("MQTT client without a broker")
struct MQTTClientWithoutBrokerTests {
    @Test func publishTimesOutIsCancellableAndEndsAtShutdown() async throws {
        let closed = try ClosedLoopbackPort()
        let port = closed.port
        let client = MQTTClient(configuration: testConfiguration(port: port, clientID: "lonely"), logger: testLogger)
        client.start()
        await #expect(throws: MQTTClientError.connectionTimeout(waited: .milliseconds(300))) {
            try await client.publish(topic: "t", payload: "x", connectionTimeout: .milliseconds(300))
        }
        let status = await waitForStatus(client, timeout: .seconds(30)) { $0.lastError != nil }
        #expect(status.state != .connected)
        guard case .connectionFailed(let host, let failedPort, _) = status.lastError else {
            Issue.record("last error \(String(describing: status.lastError)), expected connectionFailed")
            return
        }
        #expect(host == "127.0.0.1" && failedPort == port)

        let cancelled = Task { try await client.publish(topic: "t", payload: "x") }
        try await Task.sleep(for: .milliseconds(200))
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }

        let pending = Task { try await client.publish(topic: "t", payload: "x", qos: .atMostOnce) }
        try await Task.sleep(for: .milliseconds(200))
        await client.shutdown()
        await #expect(throws: MQTTClientError.shutDown) { try await pending.value }
        await #expect(throws: MQTTClientError.shutDown) { try await client.publish(topic: "t", payload: "x") }
        #expect(client.status.state == .disconnected)
        withExtendedLifetime(closed) {}
    }

    @Test func invalidArgumentsAreRejectedBeforeWaiting() async throws {
        let client = MQTTClient(configuration: testConfiguration(port: 1, clientID: "c"), logger: testLogger)
        await #expect(throws: MQTTClientError.invalidTopic(topic: "a/#", reason: "wildcards (+ or #) are for subscriptions only")) {
            try await client.publish(topic: "a/#", payload: "x")
        }
        await #expect(throws: MQTTClientError.unsupportedQoS(.exactlyOnce)) {
            try await client.publish(topic: "a", payload: "x", qos: .exactlyOnce)
        }
        let long = String(repeating: "a", count: 70_000)
        await #expect(throws: MQTTClientError.invalidTopic(topic: String(long.prefix(40)) + "…", reason: "70000 UTF-8 bytes, at most 65535")) {
            try await client.publish(topic: String(repeating: "a", count: 70_000), payload: "x")
        }
        await #expect(throws: MQTTClientError.invalidTopicFilter(filter: "a/#/b", reason: "# must be the whole last level")) {
            _ = try await client.subscribe(to: "a/#/b")
        }
        await client.shutdown()
    }
}
