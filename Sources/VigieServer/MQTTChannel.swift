import Foundation
import Logging
import ServiceLifecycle
import VigieEvents
import VigieMQTT

/// Publishes each stored event phase to an MQTT broker at QoS 1:
/// `<prefix>/<camera>/event/<kind>` with the event's JSON line (`Documentation/Events.md`). A phase
/// counts as delivered once the broker's PUBACK came (the outbox then moves its cursor), so a
/// broker outage or a restart of the service loses nothing: subscribers de-duplicate by the
/// event's `id`, `phase` and `time`.
public final class MQTTChannel: DeliveryChannel {
    /// `mqtt`.
    public let name = "mqtt"
    private let client: MQTTClient
    private let prefix: String

    /// A channel for the site's broker settings; the client connects in the background.
    public init(configuration: SiteConfiguration.MQTT, logger: Logger) {
        prefix = configuration.topicPrefix
        client = MQTTClient(
            configuration: .init(host: configuration.host, port: configuration.port,
                                 clientID: configuration.clientID ?? MQTTChannel.defaultClientID,
                                 username: configuration.username, password: configuration.password),
            logger: logger)
        client.start()
    }

    /// `vigie-<host name>`.
    public static var defaultClientID: String {
        "vigie-" + String(ProcessInfo.processInfo.hostName.prefix(40).map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" })
    }

    /// The topic of an event phase: `<prefix>/<camera>/event/<kind>`.
    public func topic(for event: Event) -> String { "\(prefix)/\(event.cameraID)/event/\(event.kind.rawValue)" }

    /// Publishes one phase and returns after the broker's PUBACK; waits at most 5 s for a
    /// connection (the outbox then retries with back-off).
    public func deliver(_ stored: EventStore.StoredEvent) async throws {
        do {
            try await client.publish(topic: topic(for: stored.event), payload: Array(try stored.event.jsonLine().utf8),
                                     qos: .atLeastOnce, retain: false, connectionTimeout: .seconds(5))
        } catch let error as MQTTClientError {
            throw DeliveryError.failed(reason: "\(error)")
        }
    }

    /// Disconnects (DISCONNECT: no will is published).
    public func close() async { await client.shutdown() }
}

/// Each camera's retained status on the broker: `<prefix>/<camera>/status` is `online` while the
/// service runs and `offline` when it stops or dies (the MQTT will, published by the broker when
/// the connection is lost without a DISCONNECT). One small connection per camera, because a
/// connection has one will.
public struct MQTTStatusService: Service {
    private let clients: [(topic: String, client: MQTTClient)]

    /// Status connections for `cameras` on the site's broker.
    public init(configuration: SiteConfiguration.MQTT, cameras: [String], logger: Logger) {
        let base = configuration.clientID ?? MQTTChannel.defaultClientID
        clients = cameras.map { camera in
            let topic = "\(configuration.topicPrefix)/\(camera)/status"
            let client = MQTTClient(
                configuration: .init(host: configuration.host, port: configuration.port, clientID: "\(base)-\(camera)",
                                     will: MQTTWill(topic: topic, payload: "offline", qos: .atLeastOnce, retain: true),
                                     username: configuration.username, password: configuration.password),
                logger: logger)
            return (topic, client)
        }
    }

    /// Publishes `online` (retained) for every camera, and `offline` at shutdown.
    public func run() async throws {
        for (_, client) in clients { client.start() }
        await withTaskGroup(of: Void.self) { group in
            for (topic, client) in clients {
                group.addTask { try? await client.publish(topic: topic, payload: "online", qos: .atLeastOnce, retain: true) }
            }
            group.addTask { try? await gracefulShutdown() }
            await group.next()
            try? await gracefulShutdown()
            group.cancelAll()
        }
        for (topic, client) in clients {
            try? await client.publish(topic: topic, payload: "offline", qos: .atLeastOnce, retain: true,
                                      connectionTimeout: .seconds(1))
            await client.shutdown()
        }
    }
}
