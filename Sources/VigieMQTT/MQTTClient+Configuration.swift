extension MQTTClient {
    /// Where and how an ``MQTTClient`` connects.
    public struct Configuration: Sendable, Hashable {
        /// The reconnection delays: the first delay after a failure or a lost connection, doubled
        /// after each failed attempt up to `maximum`, back to `initial` after a successful CONNACK.
        public struct Backoff: Sendable, Hashable {
            /// The first delay.
            public var initial: Duration
            /// The longest delay.
            public var maximum: Duration

            /// Delays from `initial` doubling to `maximum`.
            public init(initial: Duration = .milliseconds(500), maximum: Duration = .seconds(30)) {
                precondition(initial > .zero && maximum >= initial, "backoff initial \(initial), maximum \(maximum)")
                self.initial = initial
                self.maximum = maximum
            }
        }

        /// The broker's host name or address.
        public var host: String
        /// The broker's TCP port (1883 without TLS).
        public var port: Int
        /// The client identifier; unique per broker (a second connection with the same identifier
        /// makes the broker drop the first).
        public var clientID: String
        /// Whether the broker discards the session when the client connects; `false` keeps the
        /// subscriptions and queues QoS 1 messages while the client is away (a persistent subscriber).
        public var cleanSession: Bool
        /// The keep-alive interval, in whole seconds (rounded up); zero turns keep-alive off. The
        /// client pings after half of it idle and gives the connection up when a ping is not
        /// answered within it; the broker drops a client silent for 1.5 times it.
        public var keepAlive: Duration
        /// The will published by the broker when the connection is lost (not on ``MQTTClient/shutdown()``).
        public var will: MQTTWill?
        /// The user name, if the broker wants one.
        public var username: String?
        /// The password, if the broker wants one (needs `username`).
        public var password: String?
        /// The reconnection delays.
        public var reconnectBackoff: Backoff
        /// The most QoS 1 messages sent and not yet acknowledged; further publishes wait.
        public var maximumInFlight: Int
        /// How long a TCP connection and then its CONNACK may take.
        public var connectTimeout: Duration
        /// The largest packet accepted from the broker (remaining length, bytes).
        public var maximumPacketSize: Int

        /// A configuration for the broker at `host:port`.
        public init(
            host: String = "127.0.0.1", port: Int = 1883, clientID: String, cleanSession: Bool = true,
            keepAlive: Duration = .seconds(30), will: MQTTWill? = nil, username: String? = nil,
            password: String? = nil, reconnectBackoff: Backoff = Backoff(), maximumInFlight: Int = 64,
            connectTimeout: Duration = .seconds(10), maximumPacketSize: Int = MQTTPacket.defaultMaximumPacketSize
        ) {
            precondition(maximumInFlight >= 1 && maximumInFlight < Int(UInt16.max), "maximumInFlight \(maximumInFlight)")
            precondition(keepAlive >= .zero && keepAlive <= .seconds(65535), "keepAlive \(keepAlive)")
            self.host = host
            self.port = port
            self.clientID = clientID
            self.cleanSession = cleanSession
            self.keepAlive = keepAlive
            self.will = will
            self.username = username
            self.password = password
            self.reconnectBackoff = reconnectBackoff
            self.maximumInFlight = maximumInFlight
            self.connectTimeout = connectTimeout
            self.maximumPacketSize = maximumPacketSize
        }

        /// The keep-alive in whole seconds, as CONNECT carries it.
        var keepAliveSeconds: UInt16 {
            let (seconds, attoseconds) = keepAlive.components
            return UInt16(clamping: seconds + (attoseconds > 0 ? 1 : 0))
        }

        /// The CONNECT packet of this configuration.
        var connectPacket: MQTTConnect {
            MQTTConnect(
                clientID: clientID, cleanSession: cleanSession, keepAliveSeconds: keepAliveSeconds, will: will,
                username: username, password: password.map { Array($0.utf8) })
        }
    }

    /// Whether the client has a connection to the broker.
    public enum ConnectionState: String, Sendable, Hashable {
        /// Not connected: not started, waiting to reconnect, or shut down.
        case disconnected
        /// Opening a TCP connection or waiting for the CONNACK.
        case connecting
        /// CONNACK accepted: publishes go out.
        case connected
    }

    /// A snapshot of the client for a status page.
    public struct Status: Sendable, Hashable {
        /// The connection state.
        public var state: ConnectionState = .disconnected
        /// The most recent connection error (refusal, lost connection, keep-alive timeout), kept
        /// after a reconnection (compare ``connections`` to tell); `nil` until one.
        public var lastError: MQTTClientError?
        /// How many times a CONNACK accepted a connection.
        public var connections = 0
        /// QoS 1 messages sent and not yet acknowledged (kept across a reconnection, to be resent).
        public var inFlight = 0
        /// Messages published (QoS 0 written, QoS 1 acknowledged).
        public var published = 0
        /// QoS 1 messages sent again, with DUP, after a reconnection.
        public var resent = 0
        /// Messages received on subscriptions.
        public var received = 0
        /// PINGRESP packets received.
        public var pingResponses = 0
        /// The round-trip time of the last answered ping.
        public var lastPingRoundTrip: Duration?
    }
}

/// A message received on a subscription.
public struct MQTTMessage: Sendable, Hashable {
    /// The topic it was published on.
    public var topic: String
    /// The application message.
    public var payload: [UInt8]
    /// The quality of service it was delivered with.
    public var qos: MQTTQoS
    /// Whether it is a retained message sent on subscription.
    public var retain: Bool
    /// Whether the broker marked it as a possible re-delivery.
    public var dup: Bool

    /// The payload as UTF-8 text (invalid bytes replaced).
    public var payloadString: String { String(decoding: payload, as: UTF8.self) }
}
