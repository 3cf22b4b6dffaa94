/// Bytes that are not a well-formed MQTT 3.1.1 packet: what ``MQTTPacket/decode(from:maximumPacketSize:)``
/// throws, never a crash, whatever the bytes.
public enum MQTTDecodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The remaining-length field has a continuation bit on its fourth byte (section 2.2.3).
    case malformedRemainingLength
    /// The packet type is 0 or 15, which MQTT 3.1.1 reserves.
    case unknownPacketType(UInt8)
    /// A valid MQTT type this client does not implement (QoS 2 packets, UNSUBSCRIBE, UNSUBACK).
    case unsupportedPacketType(UInt8)
    /// The fixed header's flags (or CONNECT/CONNACK flag byte) have reserved bits set wrongly.
    case invalidFlags(packet: String, flags: UInt8)
    /// The remaining length exceeds the decoder's limit.
    case packetTooLarge(packet: String, length: Int, limit: Int)
    /// The remaining length ends before `field` is complete.
    case truncated(packet: String, field: String)
    /// The remaining length is longer than the packet's fields.
    case trailingBytes(packet: String, count: Int)
    /// A quality of service of 3.
    case invalidQoS(packet: String, value: UInt8)
    /// A string field that is not UTF-8 or contains U+0000 (section 1.5.3).
    case invalidUTF8(packet: String, field: String)
    /// A CONNECT packet for another protocol name or level than `MQTT` level 4.
    case unsupportedProtocol(name: String, level: UInt8)
    /// A packet identifier of 0 (section 2.3.1).
    case zeroPacketIdentifier(packet: String)
    /// A SUBACK return code other than 0, 1, 2 or 0x80.
    case invalidReturnCode(packet: String, value: UInt8)
    /// A SUBSCRIBE or SUBACK without a single entry.
    case emptyPayload(packet: String)

    /// What is wrong, naming the packet and the field.
    public var description: String {
        switch self {
        case .malformedRemainingLength:
            "malformed packet: remaining length longer than 4 bytes"
        case .unknownPacketType(let code):
            "malformed packet: reserved packet type \(code)"
        case .unsupportedPacketType(let code):
            "unsupported packet: \(MQTTPacket.typeName(code)) (type \(code)) is not implemented by this client"
        case .invalidFlags(let packet, let flags):
            "malformed \(packet): invalid flags 0x\(String(flags, radix: 16))"
        case .packetTooLarge(let packet, let length, let limit):
            "\(packet) too large: remaining length \(length) bytes, limit \(limit)"
        case .truncated(let packet, let field):
            "malformed \(packet): truncated in \(field)"
        case .trailingBytes(let packet, let count):
            "malformed \(packet): \(count) bytes after the last field"
        case .invalidQoS(let packet, let value):
            "malformed \(packet): quality of service \(value)"
        case .invalidUTF8(let packet, let field):
            "malformed \(packet): \(field) is not valid UTF-8 without U+0000"
        case .unsupportedProtocol(let name, let level):
            "CONNECT: protocol \(name) level \(level), expected MQTT level 4"
        case .zeroPacketIdentifier(let packet):
            "malformed \(packet): packet identifier 0"
        case .invalidReturnCode(let packet, let value):
            "malformed \(packet): return code 0x\(String(value, radix: 16))"
        case .emptyPayload(let packet):
            "malformed \(packet): no entries"
        }
    }
}

/// A packet that cannot be encoded: what ``MQTTPacket/encode(into:)`` throws.
public enum MQTTEncodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A string field longer than 65,535 UTF-8 bytes.
    case stringTooLong(field: String, byteCount: Int)
    /// A binary field (will payload, password) longer than 65,535 bytes.
    case binaryTooLong(field: String, byteCount: Int)
    /// A string field containing U+0000, which MQTT forbids.
    case nullCharacter(field: String)
    /// A remaining length above 268,435,455 bytes, the most the 4-byte length can say.
    case packetTooLarge(byteCount: Int)
    /// A QoS 1 or 2 PUBLISH without a packet identifier, or one of 0.
    case missingPacketIdentifier(packet: String)
    /// A QoS 0 PUBLISH with a packet identifier.
    case unexpectedPacketIdentifier
    /// A CONNECT with a password but no user name (section 3.1.2.9).
    case passwordWithoutUsername
    /// A SUBSCRIBE without a subscription or a SUBACK without a return code.
    case emptyPayload(packet: String)

    /// What is wrong, naming the field.
    public var description: String {
        switch self {
        case .stringTooLong(let field, let count): "\(field): \(count) UTF-8 bytes, at most 65535"
        case .binaryTooLong(let field, let count): "\(field): \(count) bytes, at most 65535"
        case .nullCharacter(let field): "\(field): contains U+0000"
        case .packetTooLarge(let count): "packet too large: \(count) bytes, at most 268435455"
        case .missingPacketIdentifier(let packet): "\(packet): QoS 1 needs a non-zero packet identifier"
        case .unexpectedPacketIdentifier: "PUBLISH: a QoS 0 message has no packet identifier"
        case .passwordWithoutUsername: "CONNECT: a password needs a user name"
        case .emptyPayload(let packet): "\(packet): needs at least one entry"
        }
    }
}
