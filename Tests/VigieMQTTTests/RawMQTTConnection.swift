import Foundation
import MQTTTestSupport
import NIOCore
import NIOPosix

@testable import VigieMQTT

/// A raw TCP connection to the broker speaking MQTT through the codec: lets a test end a
/// connection abruptly, without DISCONNECT, as a crashed node would.
final class RawMQTTConnection: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    private let received: EventLoopPromise<ByteBuffer>
    private let channel: any Channel

    private init(channel: any Channel, received: EventLoopPromise<ByteBuffer>) {
        self.channel = channel
        self.received = received
    }

    /// Connects and sends `connect`; returns once the broker's first bytes (the CONNACK) arrived.
    static func connect(port: Int, _ connect: MQTTConnect) async throws -> (RawMQTTConnection, MQTTPacket?) {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port).get()
        let promise = channel.eventLoop.makePromise(of: ByteBuffer.self)
        let connection = RawMQTTConnection(channel: channel, received: promise)
        try await channel.pipeline.addHandler(connection).get()
        try await channel.writeAndFlush(try MQTTPacket.connect(connect).encoded())
        var bytes = try await promise.futureResult.get()
        return (connection, try MQTTPacket.decode(from: &bytes))
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received.succeed(Self.unwrapInboundIn(data))
    }

    /// Closes the socket without a DISCONNECT packet.
    func closeAbruptly() async throws {
        try await channel.close()
    }
}
