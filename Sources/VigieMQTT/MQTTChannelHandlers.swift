import NIOCore

/// Decodes MQTT packets from the byte stream (``MQTTPacket/decode(from:maximumPacketSize:)``); a
/// decode error is fired down the pipeline, and the connection is closed by the handler that catches it.
struct MQTTPacketDecoder: ByteToMessageDecoder {
    typealias InboundOut = MQTTPacket

    let maximumPacketSize: Int

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let packet = try MQTTPacket.decode(from: &buffer, maximumPacketSize: maximumPacketSize) else {
            return .needMoreData
        }
        context.fireChannelRead(Self.wrapInboundOut(packet))
        return .continue
    }

    mutating func decodeLast(
        context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool
    ) throws -> DecodingState {
        // Bytes of an incomplete packet at the end of the connection are dropped with it.
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }
}

/// Encodes MQTT packets onto the byte stream (``MQTTPacket/encode(into:)``).
struct MQTTPacketEncoder: MessageToByteEncoder {
    typealias OutboundIn = MQTTPacket

    func encode(data: MQTTPacket, out: inout ByteBuffer) throws {
        try data.encode(into: &out)
    }
}

/// Keeps an idle connection alive (section 3.1.2.10): once the CONNACK has passed, sends a
/// PINGREQ when nothing was written for half the keep-alive interval, and closes the connection
/// with ``MQTTClientError/keepAliveTimeout(seconds:)`` when a PINGRESP does not come within the
/// interval. PINGRESP packets stop here; the others pass on.
final class MQTTKeepAliveHandler: ChannelDuplexHandler {
    typealias InboundIn = MQTTPacket
    typealias InboundOut = MQTTPacket
    typealias OutboundIn = MQTTPacket
    typealias OutboundOut = MQTTPacket

    private let interval: TimeAmount
    private let onPingResponse: @Sendable (TimeAmount) -> Void
    private var lastWrite = NIODeadline.now()
    private var pingSent: NIODeadline?
    private var timer: RepeatedTask?

    /// `keepAliveSeconds` > 0; `onPingResponse` receives each round-trip time.
    init(keepAliveSeconds: UInt16, onPingResponse: @escaping @Sendable (TimeAmount) -> Void) {
        precondition(keepAliveSeconds > 0, "keep-alive handler with keep-alive 0")
        interval = .seconds(Int64(keepAliveSeconds))
        self.onPingResponse = onPingResponse
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let packet = Self.unwrapInboundIn(data)
        switch packet {
        case .connAck(let ack) where ack.refusal == nil && timer == nil:
            let check = TimeAmount.nanoseconds(max(interval.nanoseconds / 4, 1_000_000))
            let loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
            let contextBound = NIOLoopBound(context, eventLoop: context.eventLoop)
            timer = context.eventLoop.scheduleRepeatedTask(initialDelay: check, delay: check) { _ in
                loopBound.value.tick(context: contextBound.value)
            }
        case .pingResp:
            if let sent = pingSent { onPingResponse(NIODeadline.now() - sent) }
            pingSent = nil
            return
        default:
            break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        lastWrite = .now()
        context.write(data, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    private func tick(context: ChannelHandlerContext) {
        let now = NIODeadline.now()
        if let sent = pingSent {
            if now - sent >= interval {
                timer?.cancel()
                timer = nil
                context.fireErrorCaught(MQTTClientError.keepAliveTimeout(seconds: Int(interval.nanoseconds / 1_000_000_000)))
            }
            return
        }
        if now - lastWrite >= TimeAmount.nanoseconds(interval.nanoseconds / 2) {
            pingSent = now
            lastWrite = now
            context.writeAndFlush(Self.wrapOutboundOut(.pingReq), promise: nil)
        }
    }
}

/// The last handler of a connection: completes `connAck` with the broker's CONNACK, passes every
/// later packet to `onPacket`, and closes the connection on any error, reporting it to `onError`.
final class MQTTConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = MQTTPacket

    private let connAck: EventLoopPromise<MQTTConnAck>
    private var connAckReceived = false
    private var connAckCompleted = false
    private let onPacket: @Sendable (MQTTPacket) -> Void
    private let onError: @Sendable (any Error) -> Void

    init(
        connAck: EventLoopPromise<MQTTConnAck>, onPacket: @escaping @Sendable (MQTTPacket) -> Void,
        onError: @escaping @Sendable (any Error) -> Void
    ) {
        self.connAck = connAck
        self.onPacket = onPacket
        self.onError = onError
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let packet = Self.unwrapInboundIn(data)
        if !connAckReceived {
            guard case .connAck(let ack) = packet else {
                errorCaught(context: context, error: MQTTClientError.protocolViolation("\(packet.name) before CONNACK"))
                return
            }
            connAckReceived = true
            connAckCompleted = true
            connAck.succeed(ack)
            return
        }
        onPacket(packet)
    }

    func channelInactive(context: ChannelHandlerContext) {
        failConnAck(MQTTClientError.connectionClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failConnAck(error)
        onError(error)
        context.close(promise: nil)
    }
}

extension MQTTConnectionHandler {
    /// Fails the CONNACK promise once, if it is still pending.
    fileprivate func failConnAck(_ error: any Error) {
        guard !connAckCompleted else { return }
        connAckCompleted = true
        connAck.fail(error)
    }
}

extension MQTTPacket {
    /// The packet type's name (`PUBLISH`, `PUBACK`…).
    var name: String { Self.typeName(typeCode) }
}
