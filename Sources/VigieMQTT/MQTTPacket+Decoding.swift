import NIOCore

extension MQTTPacket {
    /// The default limit on a decoded packet's remaining length: 1 MiB, far above a Vigie event
    /// and far below what a hostile peer could make a client allocate (256 MiB).
    public static let defaultMaximumPacketSize = 1 << 20

    /// Reads one packet from the front of `buffer`.
    ///
    /// Returns `nil`, consuming nothing, when `buffer` does not yet hold a whole packet; on
    /// success the packet's bytes are consumed. Bad bytes are a typed ``MQTTDecodeError`` (the
    /// reader index is then unspecified: the connection is to be closed). The header is checked
    /// before the body arrives, so a reserved type or an oversized length fails at once.
    public static func decode(
        from buffer: inout ByteBuffer, maximumPacketSize: Int = defaultMaximumPacketSize
    ) throws(MQTTDecodeError) -> MQTTPacket? {
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else { return nil }
        let type = first >> 4
        let flags = first & 0x0F
        switch type {
        case 0, 15: throw .unknownPacketType(type)
        case 5, 6, 7, 10, 11: throw .unsupportedPacketType(type)
        default: break
        }
        let name = typeName(type)
        // Remaining length: up to 4 bytes of 7 bits.
        var length = 0
        var headerLength = 1
        while true {
            guard headerLength <= 4 else { throw .malformedRemainingLength }
            guard let byte = buffer.getInteger(at: buffer.readerIndex + headerLength, as: UInt8.self) else {
                return nil
            }
            length |= Int(byte & 0x7F) << (7 * (headerLength - 1))
            headerLength += 1
            if byte & 0x80 == 0 { break }
        }
        guard length <= maximumPacketSize else {
            throw .packetTooLarge(packet: name, length: length, limit: maximumPacketSize)
        }
        guard buffer.readableBytes >= headerLength + length,
            var body = buffer.getSlice(at: buffer.readerIndex + headerLength, length: length)
        else { return nil }
        let packet = try decodeBody(type: type, flags: flags, name: name, body: &body)
        if body.readableBytes > 0 { throw .trailingBytes(packet: name, count: body.readableBytes) }
        buffer.moveReaderIndex(forwardBy: headerLength + length)
        return packet
    }

    private static func decodeBody(
        type: UInt8, flags: UInt8, name: String, body: inout ByteBuffer
    ) throws(MQTTDecodeError) -> MQTTPacket {
        var reader = Reader(packet: name, buffer: body)
        defer { body = reader.buffer }
        if type != 3 && flags != (type == 8 ? 0b0010 : 0) { throw .invalidFlags(packet: name, flags: flags) }
        switch type {
        case 1:
            return .connect(try decodeConnect(&reader))
        case 2:
            let ackFlags = try reader.byte("acknowledge flags")
            guard ackFlags & 0xFE == 0 else { throw .invalidFlags(packet: name, flags: ackFlags) }
            let code = try reader.byte("return code")
            return .connAck(
                MQTTConnAck(sessionPresent: ackFlags == 1, refusal: code == 0 ? nil : MQTTConnectionRefusal(code: code)))
        case 3:
            let qosBits = (flags >> 1) & 0b11
            guard let qos = MQTTQoS(rawValue: qosBits) else { throw .invalidQoS(packet: name, value: qosBits) }
            let dup = flags & 0b1000 != 0
            if qos == .atMostOnce && dup { throw .invalidFlags(packet: name, flags: flags) }
            let topic = try reader.string("topic")
            let packetID = qos == .atMostOnce ? nil : try reader.packetID()
            let payload = reader.rest()
            return .publish(
                MQTTPublish(topic: topic, payload: payload, qos: qos, retain: flags & 1 != 0, dup: dup, packetID: packetID))
        case 4:
            return .pubAck(packetID: try reader.packetID())
        case 8:
            let packetID = try reader.packetID()
            var subscriptions: [MQTTSubscription] = []
            while reader.buffer.readableBytes > 0 {
                let filter = try reader.string("topic filter \(subscriptions.count)")
                let requested = try reader.byte("requested QoS \(subscriptions.count)")
                guard let qos = MQTTQoS(rawValue: requested) else { throw .invalidQoS(packet: name, value: requested) }
                subscriptions.append(MQTTSubscription(topicFilter: filter, qos: qos))
            }
            guard !subscriptions.isEmpty else { throw .emptyPayload(packet: name) }
            return .subscribe(packetID: packetID, subscriptions: subscriptions)
        case 9:
            let packetID = try reader.packetID()
            var codes: [MQTTSubscribeReturnCode] = []
            while reader.buffer.readableBytes > 0 {
                let code = try reader.byte("return code \(codes.count)")
                if code == 0x80 {
                    codes.append(.failure)
                } else if let qos = MQTTQoS(rawValue: code) {
                    codes.append(.granted(qos))
                } else {
                    throw .invalidReturnCode(packet: name, value: code)
                }
            }
            guard !codes.isEmpty else { throw .emptyPayload(packet: name) }
            return .subAck(packetID: packetID, returnCodes: codes)
        case 12: return .pingReq
        case 13: return .pingResp
        default: return .disconnect  // 14: the only type left after the checks in decode(from:)
        }
    }

    private static func decodeConnect(_ reader: inout Reader) throws(MQTTDecodeError) -> MQTTConnect {
        let protocolName = try reader.string("protocol name")
        let level = try reader.byte("protocol level")
        guard protocolName == "MQTT" && level == 4 else {
            throw .unsupportedProtocol(name: protocolName, level: level)
        }
        let flags = try reader.byte("connect flags")
        let willFlag = flags & 0b100 != 0
        let willQoSBits = (flags >> 3) & 0b11
        let willRetain = flags & 0b10_0000 != 0
        let hasPassword = flags & 0b100_0000 != 0
        let hasUsername = flags & 0b1000_0000 != 0
        // Reserved bit 0; without a will its QoS and retain must be 0; a password needs a user name.
        guard flags & 1 == 0, willFlag || (willQoSBits == 0 && !willRetain), hasUsername || !hasPassword else {
            throw .invalidFlags(packet: "CONNECT", flags: flags)
        }
        let keepAlive = try reader.uint16("keep alive")
        let clientID = try reader.string("client identifier")
        var will: MQTTWill?
        if willFlag {
            guard let qos = MQTTQoS(rawValue: willQoSBits) else {
                throw .invalidQoS(packet: "CONNECT", value: willQoSBits)
            }
            let topic = try reader.string("will topic")
            let message = try reader.binary("will message")
            will = MQTTWill(topic: topic, payload: message, qos: qos, retain: willRetain)
        }
        let username = hasUsername ? try reader.string("user name") : nil
        let password = hasPassword ? try reader.binary("password") : nil
        return MQTTConnect(
            clientID: clientID, cleanSession: flags & 0b10 != 0, keepAliveSeconds: keepAlive, will: will,
            username: username, password: password)
    }
}

/// Reads a packet's fields from its body, each failure naming the packet and the field.
private struct Reader {
    let packet: String
    var buffer: ByteBuffer

    mutating func byte(_ field: String) throws(MQTTDecodeError) -> UInt8 {
        guard let value = buffer.readInteger(as: UInt8.self) else { throw .truncated(packet: packet, field: field) }
        return value
    }

    mutating func uint16(_ field: String) throws(MQTTDecodeError) -> UInt16 {
        guard let value = buffer.readInteger(as: UInt16.self) else { throw .truncated(packet: packet, field: field) }
        return value
    }

    mutating func packetID() throws(MQTTDecodeError) -> UInt16 {
        let id = try uint16("packet identifier")
        guard id != 0 else { throw .zeroPacketIdentifier(packet: packet) }
        return id
    }

    mutating func binary(_ field: String) throws(MQTTDecodeError) -> [UInt8] {
        let length = try uint16("\(field) length")
        guard let bytes = buffer.readBytes(length: Int(length)) else { throw .truncated(packet: packet, field: field) }
        return bytes
    }

    mutating func string(_ field: String) throws(MQTTDecodeError) -> String {
        let bytes = try binary(field)
        guard !bytes.contains(0), let string = String(validating: bytes, as: UTF8.self) else {
            throw .invalidUTF8(packet: packet, field: field)
        }
        return string
    }

    mutating func rest() -> [UInt8] {
        buffer.readBytes(length: buffer.readableBytes) ?? []
    }
}
