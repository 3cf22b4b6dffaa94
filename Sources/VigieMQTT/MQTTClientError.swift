/// What ``MQTTClient`` throws, and what its ``MQTTClient/Status/lastError`` reports.
public enum MQTTClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A publish or subscribe waited longer than the caller's timeout for a connection (or, for a
    /// QoS 1 publish, for a free in-flight slot).
    case connectionTimeout(waited: Duration)
    /// The client was shut down before the operation completed, or is shut down.
    case shutDown
    /// The TCP connection to the broker could not be made.
    case connectionFailed(host: String, port: Int, reason: String)
    /// The broker refused the connection (CONNACK return code 1 to 5).
    case connectionRefused(MQTTConnectionRefusal)
    /// The broker did not answer CONNECT with a CONNACK in time.
    case connAckTimeout(seconds: Double)
    /// The connection ended (reported while a subscription waited for its SUBACK, or as the
    /// last error when the broker closed the connection).
    case connectionClosed
    /// The broker did not answer a PINGREQ within the keep-alive interval: the connection was closed.
    case keepAliveTimeout(seconds: Int)
    /// The broker sent a packet that is not allowed at that point.
    case protocolViolation(String)
    /// The broker sent bytes that are not a valid MQTT packet; the connection was closed.
    case malformedPacket(MQTTDecodeError)
    /// A packet could not be encoded (a field too long).
    case invalidPacket(MQTTEncodeError)
    /// A topic name that cannot be published to.
    case invalidTopic(topic: String, reason: String)
    /// A topic filter that cannot be subscribed to.
    case invalidTopicFilter(filter: String, reason: String)
    /// QoS 2 is not implemented by this client.
    case unsupportedQoS(MQTTQoS)
    /// The broker refused the subscription (SUBACK return code 0x80).
    case subscriptionRefused(filter: String)

    /// What went wrong, naming the topic, the broker or the packet.
    public var description: String {
        switch self {
        case .connectionTimeout(let waited): "no connection to the MQTT broker within \(waited)"
        case .shutDown: "the MQTT client is shut down"
        case .connectionFailed(let host, let port, let reason): "cannot connect to MQTT broker \(host):\(port): \(reason)"
        case .connectionRefused(let refusal): "MQTT broker: \(refusal)"
        case .connAckTimeout(let seconds): "MQTT broker sent no CONNACK within \(seconds) s"
        case .connectionClosed: "connection to the MQTT broker closed"
        case .keepAliveTimeout(let seconds): "MQTT broker did not answer PINGREQ within \(seconds) s (keep-alive)"
        case .protocolViolation(let what): "MQTT protocol violation by the broker: \(what)"
        case .malformedPacket(let error): "MQTT broker sent a bad packet: \(error)"
        case .invalidPacket(let error): "cannot encode MQTT packet: \(error)"
        case .invalidTopic(let topic, let reason): "topic \"\(topic)\": \(reason)"
        case .invalidTopicFilter(let filter, let reason): "topic filter \"\(filter)\": \(reason)"
        case .unsupportedQoS(let qos): "\(qos) is not supported by this client (QoS 0 and 1 only)"
        case .subscriptionRefused(let filter): "MQTT broker refused the subscription to \"\(filter)\""
        }
    }
}
