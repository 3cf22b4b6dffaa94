import NIOCore

extension MQTTPacket {
    /// The largest remaining length the 4-byte variable length can express (section 2.2.3).
    public static let maximumRemainingLength = 268_435_455

    /// Appends the packet's bytes (fixed header, remaining length, variable header, payload) to
    /// `buffer`. On error nothing is written.
    public func encode(into buffer: inout ByteBuffer) throws(MQTTEncodeError) {
        var body = ByteBufferAllocator().buffer(capacity: 32)
        let flags: UInt8
        switch self {
        case .connect(let connect):
            flags = 0
            try connect.encodeBody(into: &body)
        case .connAck(let ack):
            flags = 0
            body.writeInteger(ack.sessionPresent ? 1 : 0, as: UInt8.self)
            body.writeInteger(ack.refusal?.code ?? 0, as: UInt8.self)
        case .publish(let publish):
            flags = (publish.dup ? 0b1000 : 0) | (publish.qos.rawValue << 1) | (publish.retain ? 1 : 0)
            try Self.writeString(publish.topic, field: "PUBLISH topic", into: &body)
            switch (publish.qos, publish.packetID) {
            case (.atMostOnce, nil): break
            case (.atMostOnce, .some): throw .unexpectedPacketIdentifier
            case (_, let id?) where id != 0: body.writeInteger(id)
            default: throw .missingPacketIdentifier(packet: "PUBLISH")
            }
            body.writeBytes(publish.payload)
        case .pubAck(let packetID):
            flags = 0
            body.writeInteger(packetID)
        case .subscribe(let packetID, let subscriptions):
            flags = 0b0010
            guard packetID != 0 else { throw .missingPacketIdentifier(packet: "SUBSCRIBE") }
            guard !subscriptions.isEmpty else { throw .emptyPayload(packet: "SUBSCRIBE") }
            body.writeInteger(packetID)
            for (index, subscription) in subscriptions.enumerated() {
                try Self.writeString(subscription.topicFilter, field: "SUBSCRIBE topic filter \(index)", into: &body)
                body.writeInteger(subscription.qos.rawValue)
            }
        case .subAck(let packetID, let returnCodes):
            flags = 0
            guard !returnCodes.isEmpty else { throw .emptyPayload(packet: "SUBACK") }
            body.writeInteger(packetID)
            for code in returnCodes {
                switch code {
                case .granted(let qos): body.writeInteger(qos.rawValue)
                case .failure: body.writeInteger(0x80 as UInt8)
                }
            }
        case .pingReq, .pingResp, .disconnect:
            flags = 0
        }
        guard body.readableBytes <= Self.maximumRemainingLength else {
            throw .packetTooLarge(byteCount: body.readableBytes)
        }
        buffer.writeInteger(typeCode << 4 | flags)
        Self.writeRemainingLength(body.readableBytes, into: &buffer)
        buffer.writeBuffer(&body)
    }

    /// The packet's bytes in a new buffer.
    public func encoded() throws(MQTTEncodeError) -> ByteBuffer {
        var buffer = ByteBufferAllocator().buffer(capacity: 64)
        try encode(into: &buffer)
        return buffer
    }

    /// Writes `length` as the variable byte integer of section 2.2.3 (1 to 4 bytes, 7 bits each,
    /// least significant group first). `length` must be at most ``maximumRemainingLength``.
    static func writeRemainingLength(_ length: Int, into buffer: inout ByteBuffer) {
        precondition(
            (0...maximumRemainingLength).contains(length), "remaining length \(length) outside 0...268435455")
        var value = length
        repeat {
            var byte = UInt8(value & 0x7F)
            value >>= 7
            if value > 0 { byte |= 0x80 }
            buffer.writeInteger(byte)
        } while value > 0
    }

    /// Writes a UTF-8 string with its 2-byte length (section 1.5.3).
    static func writeString(_ string: String, field: String, into buffer: inout ByteBuffer) throws(MQTTEncodeError) {
        let utf8 = string.utf8
        guard utf8.count <= Int(UInt16.max) else { throw .stringTooLong(field: field, byteCount: utf8.count) }
        guard !utf8.contains(0) else { throw .nullCharacter(field: field) }
        buffer.writeInteger(UInt16(utf8.count))
        buffer.writeBytes(utf8)
    }

    /// Writes binary data with its 2-byte length.
    static func writeBinary(_ bytes: [UInt8], field: String, into buffer: inout ByteBuffer) throws(MQTTEncodeError) {
        guard bytes.count <= Int(UInt16.max) else { throw .binaryTooLong(field: field, byteCount: bytes.count) }
        buffer.writeInteger(UInt16(bytes.count))
        buffer.writeBytes(bytes)
    }
}

extension MQTTConnect {
    /// The variable header (protocol name, level, flags, keep-alive) and the payload.
    fileprivate func encodeBody(into body: inout ByteBuffer) throws(MQTTEncodeError) {
        if password != nil && username == nil { throw .passwordWithoutUsername }
        try MQTTPacket.writeString("MQTT", field: "CONNECT protocol name", into: &body)
        body.writeInteger(4 as UInt8)
        var flags: UInt8 = cleanSession ? 0b10 : 0
        if let will {
            flags |= 0b100 | (will.qos.rawValue << 3) | (will.retain ? 0b10_0000 : 0)
        }
        if password != nil { flags |= 0b100_0000 }
        if username != nil { flags |= 0b1000_0000 }
        body.writeInteger(flags)
        body.writeInteger(keepAliveSeconds)
        try MQTTPacket.writeString(clientID, field: "CONNECT client identifier", into: &body)
        if let will {
            try MQTTPacket.writeString(will.topic, field: "CONNECT will topic", into: &body)
            try MQTTPacket.writeBinary(will.payload, field: "CONNECT will message", into: &body)
        }
        if let username { try MQTTPacket.writeString(username, field: "CONNECT user name", into: &body) }
        if let password { try MQTTPacket.writeBinary(password, field: "CONNECT password", into: &body) }
    }
}
