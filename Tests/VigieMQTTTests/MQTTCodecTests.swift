import NIOCore
import Testing

@testable import VigieMQTT

/// The bytes of a packet's encoding.
func encodedBytes(_ packet: MQTTPacket) throws -> [UInt8] {
    var buffer = try packet.encoded()
    return buffer.readBytes(length: buffer.readableBytes)!
}

/// Decodes `bytes`, requiring them to be exactly one packet.
func decodeOne(_ bytes: [UInt8]) throws -> MQTTPacket? {
    var buffer = ByteBuffer(bytes: bytes)
    let packet = try MQTTPacket.decode(from: &buffer)
    if packet != nil { #expect(buffer.readableBytes == 0, "bytes left after \(String(describing: packet))") }
    return packet
}

/// The decode error of `bytes`, or `nil` when they decode.
func decodeError(_ bytes: [UInt8], maximumPacketSize: Int = MQTTPacket.defaultMaximumPacketSize) -> MQTTDecodeError? {
    var buffer = ByteBuffer(bytes: bytes)
    do {
        _ = try MQTTPacket.decode(from: &buffer, maximumPacketSize: maximumPacketSize)
        return nil
    } catch {
        return error
    }
}

@Suite("MQTT codec: bytes of the MQTT 3.1.1 specification")
struct MQTTCodecTests {
    /// Table 2.4 of the specification: the boundaries of 1 to 4 length bytes.
    @Test(arguments: [
        (0, [0x00]), (127, [0x7F]), (128, [0x80, 0x01]), (16_383, [0xFF, 0x7F]), (16_384, [0x80, 0x80, 0x01]),
        (2_097_151, [0xFF, 0xFF, 0x7F]), (2_097_152, [0x80, 0x80, 0x80, 0x01]),
        (268_435_455, [0xFF, 0xFF, 0xFF, 0x7F]),
    ] as [(Int, [UInt8])])
    func remainingLength(length: Int, expected: [UInt8]) throws {
        var buffer = ByteBuffer()
        MQTTPacket.writeRemainingLength(length, into: &buffer)
        #expect(buffer.readBytes(length: buffer.readableBytes) == expected)
        // The decoder reads the same length back: a PUBLISH header with it waits for the body
        // (or, above the limit, says the packet is too large before reading it).
        var header = ByteBuffer(bytes: [0x30] + expected)
        if length <= MQTTPacket.defaultMaximumPacketSize && length > 0 {
            #expect(try MQTTPacket.decode(from: &header) == nil)
            #expect(header.readerIndex == 0)
        } else if length > MQTTPacket.defaultMaximumPacketSize {
            #expect(
                decodeError([0x30] + expected)
                    == .packetTooLarge(packet: "PUBLISH", length: length, limit: MQTTPacket.defaultMaximumPacketSize))
        }
    }

    @Test func connectWithWillAndCredentials() throws {
        // Figure 3.6's variable header (flags 0xCE: user name, password, will QoS 1, will, clean
        // session; keep-alive 10) with a payload in the order of section 3.1.3.
        let connect = MQTTConnect(
            clientID: "vigie", cleanSession: true, keepAliveSeconds: 10,
            will: MQTTWill(topic: "a/b", payload: "offline", qos: .atLeastOnce, retain: false), username: "u",
            password: Array("p".utf8))
        let expected: [UInt8] =
            [0x10, 0x25]
            + [0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0xCE, 0x00, 0x0A]
            + [0x00, 0x05] + Array("vigie".utf8)
            + [0x00, 0x03] + Array("a/b".utf8)
            + [0x00, 0x07] + Array("offline".utf8)
            + [0x00, 0x01, 0x75]
            + [0x00, 0x01, 0x70]
        #expect(try encodedBytes(.connect(connect)) == expected)
        #expect(try decodeOne(expected) == .connect(connect))
    }

    @Test func minimalConnectAndRetainedWill() throws {
        // No will, no credentials, persistent session: flags 0x00; keep-alive 60.
        let plain = MQTTConnect(clientID: "c", cleanSession: false, keepAliveSeconds: 60)
        #expect(
            try encodedBytes(.connect(plain))
                == [0x10, 0x0D, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0x00, 0x00, 0x3C, 0x00, 0x01, 0x63])
        // A retained QoS 0 will: flags will (0x04) | will retain (0x20) | clean session (0x02).
        let retained = MQTTConnect(
            clientID: "", keepAliveSeconds: 0, will: MQTTWill(topic: "s", payload: "x", qos: .atMostOnce, retain: true))
        let bytes = try encodedBytes(.connect(retained))
        #expect(bytes[9] == 0x26)
        #expect(try decodeOne(bytes) == .connect(retained))
    }

    @Test func connAck() throws {
        #expect(try encodedBytes(.connAck(MQTTConnAck(sessionPresent: false))) == [0x20, 0x02, 0x00, 0x00])
        #expect(try decodeOne([0x20, 0x02, 0x01, 0x00]) == .connAck(MQTTConnAck(sessionPresent: true)))
        for code: UInt8 in 1...5 {
            let packet = try decodeOne([0x20, 0x02, 0x00, code])
            #expect(packet == .connAck(MQTTConnAck(sessionPresent: false, refusal: MQTTConnectionRefusal(code: code))))
        }
        #expect(MQTTConnectionRefusal(code: 4) == .badUsernameOrPassword)
        #expect(MQTTConnectionRefusal(code: 2) == .identifierRejected)
        #expect(MQTTConnectionRefusal(code: 9) == .reserved(9))
        #expect("\(MQTTConnectionRefusal.notAuthorised)" == "connection refused (5): not authorised")
    }

    @Test func publish() throws {
        // Figure 3.11: topic "a/b", packet identifier 10; here with QoS 1 and payload "hi".
        let qos1 = MQTTPublish(topic: "a/b", payload: Array("hi".utf8), qos: .atLeastOnce, packetID: 10)
        let bytes: [UInt8] = [0x32, 0x09, 0x00, 0x03, 0x61, 0x2F, 0x62, 0x00, 0x0A, 0x68, 0x69]
        #expect(try encodedBytes(.publish(qos1)) == bytes)
        #expect(try decodeOne(bytes) == .publish(qos1))
        // DUP and RETAIN set: first byte 0x3B.
        var resent = qos1
        resent.dup = true
        resent.retain = true
        #expect(try encodedBytes(.publish(resent)).first == 0x3B)
        #expect(try decodeOne(try encodedBytes(.publish(resent))) == .publish(resent))
        // QoS 0: no packet identifier; an empty payload is allowed.
        let qos0 = MQTTPublish(topic: "a/b", payload: [], qos: .atMostOnce, retain: true)
        #expect(try encodedBytes(.publish(qos0)) == [0x31, 0x05, 0x00, 0x03, 0x61, 0x2F, 0x62])
        #expect(try decodeOne([0x31, 0x05, 0x00, 0x03, 0x61, 0x2F, 0x62]) == .publish(qos0))
    }

    @Test func largePublishUsesATwoByteLength() throws {
        let payload = [UInt8](repeating: 0xAB, count: 300)
        let packet = MQTTPacket.publish(MQTTPublish(topic: "t", payload: payload, qos: .atLeastOnce, packetID: 65535))
        let bytes = try encodedBytes(packet)
        // 3 (topic) + 2 (identifier) + 300 = 305 = 0xB1 0x02.
        #expect(Array(bytes.prefix(3)) == [0x32, 0xB1, 0x02])
        #expect(bytes.count == 3 + 305)
        #expect(try decodeOne(bytes) == packet)
    }

    @Test func acknowledgementsAndPings() throws {
        #expect(try encodedBytes(.pubAck(packetID: 10)) == [0x40, 0x02, 0x00, 0x0A])
        #expect(try decodeOne([0x40, 0x02, 0x12, 0x34]) == .pubAck(packetID: 0x1234))
        #expect(try encodedBytes(.pingReq) == [0xC0, 0x00])
        #expect(try encodedBytes(.pingResp) == [0xD0, 0x00])
        #expect(try encodedBytes(.disconnect) == [0xE0, 0x00])
        #expect(try decodeOne([0xC0, 0x00]) == .pingReq)
        #expect(try decodeOne([0xD0, 0x00]) == .pingResp)
        #expect(try decodeOne([0xE0, 0x00]) == .disconnect)
    }

    @Test func subscribeAndSubAck() throws {
        // Figure 3.22: packet identifier 10, "a/b" QoS 1, "c/d" QoS 2.
        let subscribe = MQTTPacket.subscribe(
            packetID: 10,
            subscriptions: [
                MQTTSubscription(topicFilter: "a/b", qos: .atLeastOnce), MQTTSubscription(topicFilter: "c/d", qos: .exactlyOnce),
            ])
        let bytes: [UInt8] = [0x82, 0x0E, 0x00, 0x0A, 0x00, 0x03, 0x61, 0x2F, 0x62, 0x01, 0x00, 0x03, 0x63, 0x2F, 0x64, 0x02]
        #expect(try encodedBytes(subscribe) == bytes)
        #expect(try decodeOne(bytes) == subscribe)
        // Figure 3.26: return codes 0, 1, 2 and failure.
        let subAck = MQTTPacket.subAck(
            packetID: 10, returnCodes: [.granted(.atMostOnce), .granted(.atLeastOnce), .granted(.exactlyOnce), .failure])
        #expect(try encodedBytes(subAck) == [0x90, 0x06, 0x00, 0x0A, 0x00, 0x01, 0x02, 0x80])
        #expect(try decodeOne([0x90, 0x06, 0x00, 0x0A, 0x00, 0x01, 0x02, 0x80]) == subAck)
    }

    @Test func packetsArrivingByteByByte() throws {
        let packets: [MQTTPacket] = [
            .connAck(MQTTConnAck(sessionPresent: true)),
            .publish(MQTTPublish(topic: "vigie/cam/event/intrusion", payload: Array("{}".utf8), qos: .atLeastOnce, packetID: 7)),
            .pingResp, .pubAck(packetID: 7), .subAck(packetID: 2, returnCodes: [.granted(.atLeastOnce)]),
        ]
        let stream = try packets.flatMap(encodedBytes)
        var buffer = ByteBuffer()
        var decoded: [MQTTPacket] = []
        for byte in stream {
            buffer.writeInteger(byte)
            while let packet = try MQTTPacket.decode(from: &buffer) { decoded.append(packet) }
        }
        #expect(decoded == packets)
        #expect(buffer.readableBytes == 0)
    }

    @Test func malformedInputsAreTypedErrors() {
        // A fifth length byte.
        #expect(decodeError([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]) == .malformedRemainingLength)
        // Reserved types 0 and 15; QoS 2 and UNSUBSCRIBE types are not implemented.
        #expect(decodeError([0x00, 0x00]) == .unknownPacketType(0))
        #expect(decodeError([0xF0, 0x00]) == .unknownPacketType(15))
        #expect(decodeError([0x50, 0x02, 0x00, 0x01]) == .unsupportedPacketType(5))
        #expect(decodeError([0xA2, 0x00]) == .unsupportedPacketType(10))
        // The topic length says 5 bytes, the remaining length leaves 1.
        #expect(decodeError([0x30, 0x03, 0x00, 0x05, 0x61]) == .truncated(packet: "PUBLISH", field: "topic"))
        #expect(decodeError([0x40, 0x01, 0x00]) == .truncated(packet: "PUBACK", field: "packet identifier"))
        #expect(decodeError([0x40, 0x03, 0x00, 0x01, 0x00]) == .trailingBytes(packet: "PUBACK", count: 1))
        #expect(decodeError([0xC0, 0x01, 0x00]) == .trailingBytes(packet: "PINGREQ", count: 1))
        #expect(decodeError([0x40, 0x02, 0x00, 0x00]) == .zeroPacketIdentifier(packet: "PUBACK"))
        #expect(decodeError([0x32, 0x05, 0x00, 0x01, 0x61, 0x00, 0x00]) == .zeroPacketIdentifier(packet: "PUBLISH"))
        #expect(decodeError([0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01]) == .invalidQoS(packet: "PUBLISH", value: 3))
        // DUP on a QoS 0 message, flags on PINGREQ, SUBSCRIBE without its 0b0010.
        #expect(decodeError([0x38, 0x03, 0x00, 0x01, 0x61]) == .invalidFlags(packet: "PUBLISH", flags: 0x8))
        #expect(decodeError([0xC1, 0x00]) == .invalidFlags(packet: "PINGREQ", flags: 1))
        #expect(decodeError([0x80, 0x06, 0x00, 0x01, 0x00, 0x01, 0x61, 0x00]) == .invalidFlags(packet: "SUBSCRIBE", flags: 0))
        #expect(decodeError([0x20, 0x02, 0x02, 0x00]) == .invalidFlags(packet: "CONNACK", flags: 2))
        // A topic that is not UTF-8, or holds U+0000.
        #expect(decodeError([0x30, 0x05, 0x00, 0x03, 0x61, 0xFF, 0x62]) == .invalidUTF8(packet: "PUBLISH", field: "topic"))
        #expect(decodeError([0x30, 0x05, 0x00, 0x03, 0x61, 0x00, 0x62]) == .invalidUTF8(packet: "PUBLISH", field: "topic"))
        #expect(decodeError([0x90, 0x03, 0x00, 0x01, 0x03]) == .invalidReturnCode(packet: "SUBACK", value: 3))
        #expect(decodeError([0x90, 0x02, 0x00, 0x01]) == .emptyPayload(packet: "SUBACK"))
        #expect(decodeError([0x82, 0x02, 0x00, 0x01]) == .emptyPayload(packet: "SUBSCRIBE"))
        // MQTT 3.1 (protocol MQIsdp, level 3).
        let mqtt31: [UInt8] = [0x10, 0x0C, 0x00, 0x06] + Array("MQIsdp".utf8) + [0x03, 0x02, 0x00, 0x3C]
        #expect(decodeError(mqtt31) == .unsupportedProtocol(name: "MQIsdp", level: 3))
        // A length above the decoder's limit fails before the body arrives.
        #expect(decodeError([0x30, 0x80, 0x80, 0x01], maximumPacketSize: 1000)
            == .packetTooLarge(packet: "PUBLISH", length: 16_384, limit: 1000))
        #expect(
            "\(MQTTDecodeError.truncated(packet: "PUBLISH", field: "topic"))" == "malformed PUBLISH: truncated in topic")
    }

    @Test func unencodablePacketsAreTypedErrors() {
        #expect(throws: MQTTEncodeError.passwordWithoutUsername) {
            try MQTTPacket.connect(MQTTConnect(clientID: "c", password: [1])).encoded()
        }
        #expect(throws: MQTTEncodeError.missingPacketIdentifier(packet: "PUBLISH")) {
            try MQTTPacket.publish(MQTTPublish(topic: "t", payload: [], qos: .atLeastOnce)).encoded()
        }
        #expect(throws: MQTTEncodeError.missingPacketIdentifier(packet: "PUBLISH")) {
            try MQTTPacket.publish(MQTTPublish(topic: "t", payload: [], qos: .atLeastOnce, packetID: 0)).encoded()
        }
        #expect(throws: MQTTEncodeError.unexpectedPacketIdentifier) {
            try MQTTPacket.publish(MQTTPublish(topic: "t", payload: [], packetID: 3)).encoded()
        }
        #expect(throws: MQTTEncodeError.nullCharacter(field: "PUBLISH topic")) {
            try MQTTPacket.publish(MQTTPublish(topic: "a\u{0}b", payload: [])).encoded()
        }
        #expect(throws: MQTTEncodeError.stringTooLong(field: "CONNECT client identifier", byteCount: 70_000)) {
            try MQTTPacket.connect(MQTTConnect(clientID: String(repeating: "x", count: 70_000))).encoded()
        }
        #expect(throws: MQTTEncodeError.emptyPayload(packet: "SUBSCRIBE")) {
            try MQTTPacket.subscribe(packetID: 1, subscriptions: []).encoded()
        }
    }

    /// Every single-byte corruption and every truncation of valid packets decodes to a packet,
    /// waits for more bytes or throws a typed error; a packet that decodes re-encodes to bytes
    /// that decode to the same packet.
    @Test func corruptedBytesNeverCrash() throws {
        let packets: [MQTTPacket] = [
            .connect(
                MQTTConnect(
                    clientID: "vigie", keepAliveSeconds: 10, will: MQTTWill(topic: "a/b", payload: "offline"),
                    username: "u", password: [1, 2])),
            .connAck(MQTTConnAck(sessionPresent: true)),
            .publish(MQTTPublish(topic: "a/b", payload: Array("hello".utf8), qos: .atLeastOnce, retain: true, packetID: 9)),
            .pubAck(packetID: 9),
            .subscribe(packetID: 3, subscriptions: [MQTTSubscription(topicFilter: "a/#", qos: .atLeastOnce)]),
            .subAck(packetID: 3, returnCodes: [.granted(.atLeastOnce), .failure]),
        ]
        var generator = SplitMix64(seed: 14)
        var outcomes = (decoded: 0, incomplete: 0, rejected: 0)
        for packet in packets {
            let bytes = try encodedBytes(packet)
            var variants: [[UInt8]] = (0..<bytes.count).map { Array(bytes.prefix($0)) }
            for index in bytes.indices {
                for _ in 0..<40 {
                    var corrupted = bytes
                    corrupted[index] = UInt8.random(in: 0...255, using: &generator)
                    variants.append(corrupted)
                }
            }
            for variant in variants {
                var buffer = ByteBuffer(bytes: variant)
                do {
                    if let decoded = try MQTTPacket.decode(from: &buffer) {
                        outcomes.decoded += 1
                        #expect(try decodeOne(try encodedBytes(decoded)) == decoded)
                    } else {
                        outcomes.incomplete += 1
                    }
                } catch {
                    outcomes.rejected += 1
                }
            }
        }
        // All three outcomes occur, so the test exercises each path.
        #expect(outcomes.decoded > 0 && outcomes.incomplete > 0 && outcomes.rejected > 0, "\(outcomes)")
    }
}

/// A small deterministic generator for the corruption test.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("MQTT topics")
struct MQTTTopicTests {
    @Test(arguments: [
        ("vigie/cam/event/intrusion", "vigie/cam/event/intrusion", true),
        ("vigie/cam/event/intrusion", "vigie/+/event/+", true),
        ("vigie/cam/event/intrusion", "vigie/#", true),
        ("vigie", "vigie/#", true),
        ("vigie/cam/status", "vigie/+/event/#", false),
        ("vigie/cam", "vigie/cam/+", false),
        ("vigie/cam/", "vigie/cam/+", true),
        ("$SYS/broker/uptime", "#", false),
        ("$SYS/broker/uptime", "$SYS/#", true),
        ("a/b", "a/b/c", false),
    ])
    func matching(topic: String, filter: String, matches: Bool) {
        #expect(MQTTTopic.matches(topic: topic, filter: filter) == matches)
    }

    @Test func invalidNamesAndFilters() {
        #expect(throws: MQTTClientError.invalidTopic(topic: "a/+/b", reason: "wildcards (+ or #) are for subscriptions only")) {
            try MQTTTopic.validateName("a/+/b")
        }
        #expect(throws: MQTTClientError.invalidTopic(topic: "", reason: "empty")) { try MQTTTopic.validateName("") }
        #expect(throws: MQTTClientError.invalidTopicFilter(filter: "a/#/b", reason: "# must be the whole last level")) {
            try MQTTTopic.validateFilter("a/#/b")
        }
        #expect(throws: MQTTClientError.invalidTopicFilter(filter: "a/b+", reason: "+ must be a whole level")) {
            try MQTTTopic.validateFilter("a/b+")
        }
        #expect(throws: Never.self) { try MQTTTopic.validateFilter("vigie/+/event/#") }
    }
}
