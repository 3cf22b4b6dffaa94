import Foundation
import MQTTTestSupport
import Testing

@testable import VigieMQTT

/// A measurement, not a timed test: run with `VIGIE_MQTT_LATENCY=1000` (the message count) to
/// print the QoS 1 PUBACK round trip and the publisher-to-subscriber delay through a real
/// mosquitto on loopback. It asserts only that every message arrives.
@Suite(
    "MQTT latency measurement",
    .enabled(
        if: Mosquitto.isInstalled && ProcessInfo.processInfo.environment["VIGIE_MQTT_LATENCY"] != nil,
        "a measurement: set VIGIE_MQTT_LATENCY=<messages> (needs mosquitto)"))
struct MQTTLatencyMeasurement {
    @Test func qos1Latency() async throws {
        let count = Int(ProcessInfo.processInfo.environment["VIGIE_MQTT_LATENCY"] ?? "") ?? 1000
        let broker = try await Mosquitto()
        try await broker.start()
        let subscriber = MQTTClient(configuration: testConfiguration(port: broker.port, clientID: "sub"), logger: testLogger)
        let publisher = MQTTClient(configuration: testConfiguration(port: broker.port, clientID: "pub"), logger: testLogger)
        subscriber.start()
        publisher.start()
        let stream = try await subscriber.subscribe(to: "vigie/bench/event/#", connectionTimeout: .seconds(5))
        let origin = ContinuousClock.now
        let receiving = Task {
            var received: [Int: Duration] = [:]
            for await message in stream {
                received[Int(message.payloadString) ?? -1] = ContinuousClock.now - origin
                if received.count == count { break }
            }
            return received
        }
        var sent: [Duration] = []
        var acknowledged: [Duration] = []
        for index in 0..<count {
            let start = ContinuousClock.now
            sent.append(start - origin)
            try await publisher.publish(topic: "vigie/bench/event/intrusion", payload: "\(index)")
            acknowledged.append(ContinuousClock.now - start)
        }
        let received = await receiving.value
        #expect(received.count == count)
        let delivery = (0..<count).compactMap { index in received[index].map { $0 - sent[index] } }
        func percentile(_ values: [Duration], _ p: Double) -> String {
            let sorted = values.sorted()
            let value = sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
            return String(format: "%.3f ms", Double(value.components.attoseconds) / 1e15 + Double(value.components.seconds) * 1e3)
        }
        print(
            "MQTT QoS 1, \(count) messages one after the other, loopback mosquitto: "
                + "PUBACK round trip p50 \(percentile(acknowledged, 0.5)) p99 \(percentile(acknowledged, 0.99)); "
                + "publish to subscriber p50 \(percentile(delivery, 0.5)) p99 \(percentile(delivery, 0.99))")
        await publisher.shutdown()
        await subscriber.shutdown()
        await broker.tearDown()
    }
}
