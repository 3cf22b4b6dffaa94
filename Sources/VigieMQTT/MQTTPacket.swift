/// The quality of service of an MQTT message (MQTT 3.1.1 section 4.3).
public enum MQTTQoS: UInt8, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// At most once: fire and forget, no acknowledgement.
    case atMostOnce = 0
    /// At least once: the receiver answers PUBACK; the sender resends until it does, so a receiver
    /// may see a message twice and must de-duplicate (Vigie events carry their `id` for that).
    case atLeastOnce = 1
    /// Exactly once: decoded so that a broker's packets can be read, but ``MQTTClient`` does not
    /// publish or subscribe with it.
    case exactlyOnce = 2

    /// `qos0`, `qos1` or `qos2`.
    public var description: String { "qos\(rawValue)" }
}

/// The last will of a connection: published by the broker when the connection ends without a
/// DISCONNECT packet (socket lost, keep-alive expired), never after a graceful ``MQTTClient/shutdown()``.
public struct MQTTWill: Sendable, Hashable {
    /// The topic the will is published on (no wildcards).
    public var topic: String
    /// The will's payload (for Vigie's status topic: `offline`).
    public var payload: [UInt8]
    /// The quality of service of the will message.
    public var qos: MQTTQoS
    /// Whether the broker keeps the will as the topic's retained message.
    public var retain: Bool

    /// A will on `topic` with `payload`.
    public init(topic: String, payload: [UInt8], qos: MQTTQoS = .atLeastOnce, retain: Bool = true) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
    }

    /// A will on `topic` with a UTF-8 text payload.
    public init(topic: String, payload: String, qos: MQTTQoS = .atLeastOnce, retain: Bool = true) {
        self.init(topic: topic, payload: Array(payload.utf8), qos: qos, retain: retain)
    }
}

/// A CONNECT packet (MQTT 3.1.1 section 3.1): always protocol name `MQTT`, level 4.
public struct MQTTConnect: Sendable, Hashable {
    /// The client identifier; empty asks the broker to assign one (clean session only).
    public var clientID: String
    /// Whether the broker discards any previous session of this client identifier.
    public var cleanSession: Bool
    /// The keep-alive interval in seconds; 0 turns keep-alive off.
    public var keepAliveSeconds: UInt16
    /// The will message, if any.
    public var will: MQTTWill?
    /// The user name, if any.
    public var username: String?
    /// The password, if any (MQTT 3.1.1 requires a user name when a password is sent).
    public var password: [UInt8]?

    /// A CONNECT packet.
    public init(
        clientID: String, cleanSession: Bool = true, keepAliveSeconds: UInt16 = 60, will: MQTTWill? = nil,
        username: String? = nil, password: [UInt8]? = nil
    ) {
        self.clientID = clientID
        self.cleanSession = cleanSession
        self.keepAliveSeconds = keepAliveSeconds
        self.will = will
        self.username = username
        self.password = password
    }
}

/// Why a broker refused a connection: the CONNACK return codes 1 to 5 (MQTT 3.1.1 section 3.2.2.3).
public enum MQTTConnectionRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// 1: the broker does not support MQTT 3.1.1.
    case unacceptableProtocolVersion
    /// 2: the client identifier is not allowed (for example empty with a persistent session).
    case identifierRejected
    /// 3: the MQTT service is unavailable.
    case serverUnavailable
    /// 4: the user name or password is malformed or wrong.
    case badUsernameOrPassword
    /// 5: the client is not authorised to connect.
    case notAuthorised
    /// 6 to 255: reserved by the specification, reported as received.
    case reserved(UInt8)

    /// The return code on the wire.
    public var code: UInt8 {
        switch self {
        case .unacceptableProtocolVersion: 1
        case .identifierRejected: 2
        case .serverUnavailable: 3
        case .badUsernameOrPassword: 4
        case .notAuthorised: 5
        case .reserved(let code): code
        }
    }

    /// The refusal of a non-zero return code.
    public init(code: UInt8) {
        switch code {
        case 1: self = .unacceptableProtocolVersion
        case 2: self = .identifierRejected
        case 3: self = .serverUnavailable
        case 4: self = .badUsernameOrPassword
        case 5: self = .notAuthorised
        default: self = .reserved(code)
        }
    }

    /// The refusal and its return code, for logs and the status page.
    public var description: String {
        switch self {
        case .unacceptableProtocolVersion: "connection refused (1): unacceptable protocol version"
        case .identifierRejected: "connection refused (2): client identifier rejected"
        case .serverUnavailable: "connection refused (3): server unavailable"
        case .badUsernameOrPassword: "connection refused (4): bad user name or password"
        case .notAuthorised: "connection refused (5): not authorised"
        case .reserved(let code): "connection refused (\(code)): reserved return code"
        }
    }
}

/// A CONNACK packet (MQTT 3.1.1 section 3.2).
public struct MQTTConnAck: Sendable, Hashable {
    /// Whether the broker resumed a stored session (only with `cleanSession` false).
    public var sessionPresent: Bool
    /// `nil` when the connection is accepted (return code 0), else why it was refused.
    public var refusal: MQTTConnectionRefusal?

    /// A CONNACK packet.
    public init(sessionPresent: Bool, refusal: MQTTConnectionRefusal? = nil) {
        self.sessionPresent = sessionPresent
        self.refusal = refusal
    }
}

/// A PUBLISH packet (MQTT 3.1.1 section 3.3).
public struct MQTTPublish: Sendable, Hashable {
    /// The topic name (no wildcards).
    public var topic: String
    /// The application message.
    public var payload: [UInt8]
    /// The quality of service.
    public var qos: MQTTQoS
    /// Whether the broker keeps the message as the topic's retained message (outbound), or
    /// whether the message is a retained one sent on subscription (inbound).
    public var retain: Bool
    /// Whether this is a re-delivery of a message sent before (QoS 1 and 2 only).
    public var dup: Bool
    /// The packet identifier, present exactly when `qos` is not ``MQTTQoS/atMostOnce``.
    public var packetID: UInt16?

    /// A PUBLISH packet.
    public init(
        topic: String, payload: [UInt8], qos: MQTTQoS = .atMostOnce, retain: Bool = false, dup: Bool = false,
        packetID: UInt16? = nil
    ) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.dup = dup
        self.packetID = packetID
    }
}

/// One topic filter of a SUBSCRIBE packet with its requested quality of service.
public struct MQTTSubscription: Sendable, Hashable {
    /// The topic filter (`+` and `#` wildcards allowed).
    public var topicFilter: String
    /// The maximum quality of service the subscriber wants.
    public var qos: MQTTQoS

    /// A subscription to `topicFilter`.
    public init(topicFilter: String, qos: MQTTQoS) {
        self.topicFilter = topicFilter
        self.qos = qos
    }
}

/// One return code of a SUBACK packet (MQTT 3.1.1 section 3.9.3).
public enum MQTTSubscribeReturnCode: Sendable, Hashable {
    /// The subscription was accepted with this maximum quality of service.
    case granted(MQTTQoS)
    /// 0x80: the subscription was refused.
    case failure
}

/// An MQTT 3.1.1 control packet: the packets ``MQTTClient`` sends and receives.
///
/// QoS 2 (PUBREC, PUBREL, PUBCOMP) and UNSUBSCRIBE/UNSUBACK are not implemented: decoding them
/// is a typed ``MQTTDecodeError/unsupportedPacketType(_:)``, never a crash.
public enum MQTTPacket: Sendable, Hashable {
    /// CONNECT (type 1), client to broker.
    case connect(MQTTConnect)
    /// CONNACK (type 2), broker to client.
    case connAck(MQTTConnAck)
    /// PUBLISH (type 3), both directions.
    case publish(MQTTPublish)
    /// PUBACK (type 4) with the acknowledged packet identifier.
    case pubAck(packetID: UInt16)
    /// SUBSCRIBE (type 8), client to broker: at least one subscription.
    case subscribe(packetID: UInt16, subscriptions: [MQTTSubscription])
    /// SUBACK (type 9), broker to client: one return code per requested subscription.
    case subAck(packetID: UInt16, returnCodes: [MQTTSubscribeReturnCode])
    /// PINGREQ (type 12).
    case pingReq
    /// PINGRESP (type 13).
    case pingResp
    /// DISCONNECT (type 14): a graceful end, the will is discarded.
    case disconnect

    /// The control packet type (the high nibble of the first byte).
    public var typeCode: UInt8 {
        switch self {
        case .connect: 1
        case .connAck: 2
        case .publish: 3
        case .pubAck: 4
        case .subscribe: 8
        case .subAck: 9
        case .pingReq: 12
        case .pingResp: 13
        case .disconnect: 14
        }
    }

    /// The packet type's name in the specification, for logs and errors.
    public static func typeName(_ code: UInt8) -> String {
        switch code {
        case 1: "CONNECT"
        case 2: "CONNACK"
        case 3: "PUBLISH"
        case 4: "PUBACK"
        case 5: "PUBREC"
        case 6: "PUBREL"
        case 7: "PUBCOMP"
        case 8: "SUBSCRIBE"
        case 9: "SUBACK"
        case 10: "UNSUBSCRIBE"
        case 11: "UNSUBACK"
        case 12: "PINGREQ"
        case 13: "PINGRESP"
        case 14: "DISCONNECT"
        default: "reserved(\(code))"
        }
    }
}
