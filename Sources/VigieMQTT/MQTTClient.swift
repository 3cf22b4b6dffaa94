import Logging
import NIOCore
import NIOPosix
import Synchronization

/// A small MQTT 3.1.1 client on SwiftNIO: QoS 0 and 1 publishing with PUBACK tracking,
/// subscriptions as async streams, keep-alive, a will, and reconnection with back-off.
///
/// ```swift
/// let client = MQTTClient(configuration: .init(host: "127.0.0.1", port: 1883, clientID: "vigie-node-1",
///     will: MQTTWill(topic: "vigie/quai-2/status", payload: "offline")), logger: logger)
/// client.start()
/// try await client.publish(topic: "vigie/quai-2/status", payload: "online", retain: true)
/// try await client.publish(topic: "vigie/quai-2/event/intrusion", payload: json)  // returns after PUBACK
/// await client.shutdown()  // DISCONNECT: the will is not published
/// ```
///
/// ``start()`` runs the connection in the background: connect, CONNECT, CONNACK, then serve the
/// connection until it is lost, wait (``Configuration/Backoff``) and connect again, until
/// ``shutdown()``. A QoS 1 ``publish(topic:payload:qos:retain:connectionTimeout:)`` returns only
/// once the broker's PUBACK for its packet identifier arrived; a message not acknowledged when the
/// connection is lost is sent again with DUP set after the next CONNACK, so delivery is at least
/// once: receivers de-duplicate (Vigie events by their `id`). Subscriptions are renewed after a
/// reconnection unless the broker kept the session.
///
/// Call ``shutdown()`` when done: the background connection holds the client until then.
public final class MQTTClient: Sendable {
    /// The configuration the client was made with.
    public let configuration: Configuration
    private let logger: Logger
    private let state = Mutex(State())

    /// A client for `configuration`; nothing happens before ``start()``. `logger` gets connection
    /// changes (`info`), errors (`warning`) and packets (`trace`); it is never bootstrapped here.
    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "mqtt.client"] = "\(configuration.clientID)"
        logger[metadataKey: "mqtt.broker"] = "\(configuration.host):\(configuration.port)"
        self.logger = logger
    }

    /// A snapshot of the connection state and counters.
    public var status: Status { state.withLock { $0.status } }

    /// The status now and after each change (state, error, counters), until ``shutdown()``.
    /// Only the newest unread status is kept.
    public func statusUpdates() -> AsyncStream<Status> {
        let (stream, continuation) = AsyncStream.makeStream(of: Status.self, bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { s -> UInt64? in
            continuation.yield(s.status)
            guard !s.isShutDown else { return nil }
            let id = s.nextToken()
            s.statusWatchers[id] = continuation
            return id
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.statusWatchers.removeValue(forKey: id) }
        }
        return stream
    }

    /// Starts connecting in the background (idempotent; nothing after ``shutdown()``).
    public func start() {
        state.withLock { s in
            guard s.runTask == nil, !s.isShutDown else { return }
            s.runTask = Task { await self.connectionLoop() }
        }
    }

    /// Runs the client until the calling task is cancelled (or ``shutdown()`` is called
    /// elsewhere), then shuts it down: the shape of swift-service-lifecycle's `Service.run()`, so
    /// a service can hand the client to its service group.
    public func run() async {
        start()
        // The status stream ends at shutdown, or when this task is cancelled.
        for await _ in statusUpdates() {}
        await shutdown()
    }

    /// Publishes a message.
    ///
    /// Waits for a connection (and, for QoS 1, a free in-flight slot, see
    /// ``Configuration/maximumInFlight``); `connectionTimeout` bounds that wait (`nil`: no bound,
    /// cancel the task to give up) and ends it with ``MQTTClientError/connectionTimeout(waited:)``.
    /// QoS 0 returns once the message is written; QoS 1 once the broker's PUBACK came, however
    /// many reconnections it takes (the message is resent with DUP after each). Cancelling the
    /// task stops the resending and throws `CancellationError` (the broker may have the message).
    ///
    /// - Throws: ``MQTTClientError`` (`invalidTopic`, `unsupportedQoS`, `invalidPacket`,
    ///   `connectionTimeout`, `shutDown`) or `CancellationError`.
    public func publish(
        topic: String, payload: [UInt8], qos: MQTTQoS = .atLeastOnce, retain: Bool = false,
        connectionTimeout: Duration? = nil
    ) async throws {
        try MQTTTopic.validateName(topic)
        guard qos != .exactlyOnce else { throw MQTTClientError.unsupportedQoS(qos) }
        var message = MQTTPublish(topic: topic, payload: payload, qos: qos, retain: retain)
        if qos == .atLeastOnce { message.packetID = 1 }
        do throws(MQTTEncodeError) {
            _ = try MQTTPacket.publish(message).encoded()
        } catch {
            throw MQTTClientError.invalidPacket(error)
        }
        message.packetID = nil
        let deadline = connectionTimeout.map { ContinuousClock.now + $0 }
        let token = state.withLock { $0.nextToken() }
        let timer = deadline.map { deadline in
            Task { [weak self] in
                try? await Task.sleep(until: deadline, clock: .continuous)
                guard !Task.isCancelled else { return }
                self?.expireWaiter(token, waited: connectionTimeout ?? .zero)
            }
        }
        defer {
            timer?.cancel()
            state.withLock { _ = $0.expired.remove(token) }
        }
        while true {
            let outcome: Outcome = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    let write = state.withLock { s -> (any Channel, MQTTPacket)? in
                        if Task.isCancelled {
                            continuation.resume(throwing: CancellationError())
                        } else if s.isShutDown {
                            continuation.resume(throwing: MQTTClientError.shutDown)
                        } else if s.expired.remove(token) != nil {
                            continuation.resume(throwing: MQTTClientError.connectionTimeout(waited: connectionTimeout ?? .zero))
                        } else if s.status.state != .connected || s.channel == nil
                            || (qos == .atLeastOnce && s.inFlight.count >= configuration.maximumInFlight)
                        {
                            s.waiters[token] = continuation
                        } else if qos == .atMostOnce {
                            // Written outside the lock; the continuation resumes with the write's outcome.
                            s.zeroWrites[token] = continuation
                            return (s.channel!, .publish(message))
                        } else {
                            var packet = message
                            packet.packetID = s.allocatePacketID()
                            s.inFlight[packet.packetID!] = InFlight(
                                token: token, sequence: s.nextToken(), message: packet, continuation: continuation)
                            s.status.inFlight = s.inFlight.count
                            return (s.channel!, .publish(packet))
                        }
                        return nil
                    }
                    if let (channel, packet) = write {
                        logger.trace("send", metadata: ["mqtt.packet": "\(packet.name)", "mqtt.topic": "\(topic)"])
                        let future = channel.writeAndFlush(packet)
                        if qos == .atMostOnce {
                            future.whenComplete { [weak self] result in self?.completeZeroWrite(token, result) }
                        }
                    }
                }
            } onCancel: {
                self.cancel(token)
            }
            switch outcome {
            case .retry:
                continue
            case .done:
                return
            }
        }
    }

    /// Publishes a UTF-8 text message (see the byte-payload `publish(topic:payload:qos:retain:connectionTimeout:)`).
    public func publish(
        topic: String, payload: String, qos: MQTTQoS = .atLeastOnce, retain: Bool = false,
        connectionTimeout: Duration? = nil
    ) async throws {
        try await publish(
            topic: topic, payload: Array(payload.utf8), qos: qos, retain: retain, connectionTimeout: connectionTimeout)
    }

    /// Subscribes to `filter` and returns the messages received on it, from the SUBACK on.
    ///
    /// Waits for a connection as the byte-payload `publish(topic:payload:qos:retain:connectionTimeout:)`
    /// does; returns once the broker's SUBACK granted the subscription. The subscription is renewed
    /// after each reconnection (unless the broker kept the session); the stream ends at
    /// ``shutdown()``. Its buffer is unbounded: read it. QoS 1 messages are acknowledged as they
    /// are put in the stream, and may come twice.
    ///
    /// - Throws: ``MQTTClientError`` (`invalidTopicFilter`, `unsupportedQoS`,
    ///   `subscriptionRefused`, `connectionClosed` when the connection ended before the SUBACK,
    ///   `connectionTimeout`, `shutDown`) or `CancellationError`.
    public func subscribe(
        to filter: String, qos: MQTTQoS = .atLeastOnce, connectionTimeout: Duration? = nil
    ) async throws -> AsyncStream<MQTTMessage> {
        try MQTTTopic.validateFilter(filter)
        guard qos != .exactlyOnce else { throw MQTTClientError.unsupportedQoS(qos) }
        let (stream, streamContinuation) = AsyncStream.makeStream(of: MQTTMessage.self)
        let deadline = connectionTimeout.map { ContinuousClock.now + $0 }
        let token = state.withLock { s in
            let token = s.nextToken()
            s.streams[token] = (filter, streamContinuation)
            return token
        }
        streamContinuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.streams.removeValue(forKey: token) }
        }
        let timer = deadline.map { deadline in
            Task { [weak self] in
                try? await Task.sleep(until: deadline, clock: .continuous)
                guard !Task.isCancelled else { return }
                self?.expireWaiter(token, waited: connectionTimeout ?? .zero)
            }
        }
        defer {
            timer?.cancel()
            state.withLock { _ = $0.expired.remove(token) }
        }
        do {
            while true {
                let outcome: Outcome = try await withTaskCancellationHandler {
                    try await withCheckedThrowingContinuation { continuation in
                        let write = state.withLock { s -> (any Channel, MQTTPacket)? in
                            if Task.isCancelled {
                                continuation.resume(throwing: CancellationError())
                            } else if s.isShutDown {
                                continuation.resume(throwing: MQTTClientError.shutDown)
                            } else if s.expired.remove(token) != nil {
                                continuation.resume(
                                    throwing: MQTTClientError.connectionTimeout(waited: connectionTimeout ?? .zero))
                            } else if s.status.state != .connected || s.channel == nil {
                                s.waiters[token] = continuation
                            } else {
                                let packetID = s.allocatePacketID()
                                s.subAcks[packetID] = PendingSubAck(
                                    token: token, filter: filter, qos: qos, continuation: continuation)
                                return (
                                    s.channel!,
                                    .subscribe(
                                        packetID: packetID, subscriptions: [MQTTSubscription(topicFilter: filter, qos: qos)])
                                )
                            }
                            return nil
                        }
                        if let (channel, packet) = write {
                            logger.trace("send", metadata: ["mqtt.packet": "SUBSCRIBE", "mqtt.filter": "\(filter)"])
                            channel.writeAndFlush(packet, promise: nil)
                        }
                    }
                } onCancel: {
                    self.cancel(token)
                }
                if case .done = outcome { return stream }
            }
        } catch {
            streamContinuation.finish()
            throw error
        }
    }

    /// Sends DISCONNECT if connected (so the broker discards the will), closes the connection and
    /// stops reconnecting. Pending publishes and subscribes throw ``MQTTClientError/shutDown``
    /// (unacknowledged QoS 1 messages are not resent: the caller's outbox still has them);
    /// subscription streams and status updates end. Idempotent.
    public func shutdown() async {
        let (task, channel, connected) = state.withLock { s -> (Task<Void, Never>?, (any Channel)?, Bool) in
            guard !s.isShutDown else { return (nil, nil, false) }
            s.isShutDown = true
            return (s.runTask, s.channel, s.status.state == .connected)
        }
        if let channel {
            if connected {
                try? await channel.writeAndFlush(MQTTPacket.disconnect)
                logger.info("disconnected (DISCONNECT sent)")
            }
            try? await channel.close()
        }
        task?.cancel()
        await task?.value
        let resumptions = state.withLock { s in
            s.status.state = .disconnected
            s.channel = nil
            return s.takeEverything()
        }
        resumptions.resumeAll(throwing: MQTTClientError.shutDown)
    }
}

// MARK: - State

extension MQTTClient {
    /// How a suspended publish or subscribe resumes: try again (connection up, slot free) or done.
    fileprivate enum Outcome: Sendable {
        case retry
        case done
    }

    /// A QoS 1 message sent (or to be sent) and not yet acknowledged.
    fileprivate struct InFlight {
        let token: UInt64
        /// Order of publication, for resending in order.
        let sequence: UInt64
        var message: MQTTPublish
        let continuation: CheckedContinuation<Outcome, any Error>
        /// Whether it went to a connection (a resend then carries DUP).
        var sent = true
    }

    /// A SUBSCRIBE waiting for its SUBACK; `continuation` is `nil` for a renewal after reconnection.
    fileprivate struct PendingSubAck {
        let token: UInt64
        let filter: String
        let qos: MQTTQoS
        let continuation: CheckedContinuation<Outcome, any Error>?
    }

    /// Everything behind the client's lock.
    fileprivate struct State {
        var status = Status()
        var channel: (any Channel)?
        var runTask: Task<Void, Never>?
        var isShutDown = false
        /// Whether the current connection's end already has its error in the status.
        var errorReportedOnConnection = false
        private var token: UInt64 = 0
        private var lastPacketID: UInt16 = 0
        /// Publishes and subscribes waiting for a connection or a slot, by token.
        var waiters: [UInt64: CheckedContinuation<Outcome, any Error>] = [:]
        /// Tokens whose connection timeout passed while they were not waiting.
        var expired: Set<UInt64> = []
        /// QoS 0 publishes being written.
        var zeroWrites: [UInt64: CheckedContinuation<Outcome, any Error>] = [:]
        var inFlight: [UInt16: InFlight] = [:]
        var subAcks: [UInt16: PendingSubAck] = [:]
        /// Granted subscriptions, renewed after a reconnection.
        var subscriptions: [String: MQTTQoS] = [:]
        var streams: [UInt64: (filter: String, continuation: AsyncStream<MQTTMessage>.Continuation)] = [:]
        var statusWatchers: [UInt64: AsyncStream<Status>.Continuation] = [:]

        mutating func nextToken() -> UInt64 {
            token += 1
            return token
        }

        /// The next packet identifier not used by a message in flight or a pending SUBACK.
        mutating func allocatePacketID() -> UInt16 {
            repeat {
                lastPacketID = lastPacketID == UInt16.max ? 1 : lastPacketID + 1
            } while inFlight[lastPacketID] != nil || subAcks[lastPacketID] != nil
            return lastPacketID
        }

        /// Wakes every waiter to check again (after a connection or a freed slot).
        mutating func takeWaiters() -> [CheckedContinuation<Outcome, any Error>] {
            defer { waiters.removeAll() }
            return Array(waiters.values)
        }

        /// Sends the status to its watchers.
        func broadcast() {
            for watcher in statusWatchers.values { watcher.yield(status) }
        }

        /// Everything to end at shutdown.
        mutating func takeEverything() -> Resumptions {
            defer {
                waiters.removeAll()
                zeroWrites.removeAll()
                inFlight.removeAll()
                subAcks.removeAll()
                streams.removeAll()
                statusWatchers.removeAll()
                status.inFlight = 0
            }
            broadcast()
            return Resumptions(
                continuations: Array(waiters.values) + Array(zeroWrites.values) + inFlight.values.map(\.continuation)
                    + subAcks.values.compactMap(\.continuation),
                streams: streams.values.map(\.continuation), watchers: Array(statusWatchers.values))
        }
    }

    /// Continuations to resume and streams to finish outside the lock.
    fileprivate struct Resumptions {
        var continuations: [CheckedContinuation<Outcome, any Error>]
        var streams: [AsyncStream<MQTTMessage>.Continuation]
        var watchers: [AsyncStream<Status>.Continuation]

        func resumeAll(throwing error: any Error) {
            for continuation in continuations { continuation.resume(throwing: error) }
            for stream in streams { stream.finish() }
            for watcher in watchers { watcher.finish() }
        }
    }

    /// Ends a cancelled publish or subscribe: whichever list holds its token.
    private func cancel(_ token: UInt64) {
        let continuation = state.withLock { s -> CheckedContinuation<Outcome, any Error>? in
            if let waiter = s.waiters.removeValue(forKey: token) { return waiter }
            if let entry = s.inFlight.first(where: { $0.value.token == token }) {
                s.inFlight.removeValue(forKey: entry.key)
                s.status.inFlight = s.inFlight.count
                return entry.value.continuation
            }
            if let entry = s.subAcks.first(where: { $0.value.token == token }), let continuation = entry.value.continuation {
                s.subAcks[entry.key] = PendingSubAck(token: 0, filter: entry.value.filter, qos: entry.value.qos, continuation: nil)
                return continuation
            }
            return nil
        }
        continuation?.resume(throwing: CancellationError())
        wakeWaiters()
    }

    /// Ends a wait for a connection whose deadline passed: at once if it is waiting, else at its
    /// next wait (unless it is in flight or being written by then: the deadline no longer applies).
    private func expireWaiter(_ token: UInt64, waited: Duration) {
        let continuation = state.withLock { s -> CheckedContinuation<Outcome, any Error>? in
            if let waiter = s.waiters.removeValue(forKey: token) { return waiter }
            let handedOver = s.zeroWrites[token] != nil || s.inFlight.values.contains { $0.token == token }
                || s.subAcks.values.contains { $0.token == token }
            if !handedOver { s.expired.insert(token) }
            return nil
        }
        continuation?.resume(throwing: MQTTClientError.connectionTimeout(waited: waited))
    }

    private func completeZeroWrite(_ token: UInt64, _ result: Result<Void, any Error>) {
        let continuation = state.withLock { s -> CheckedContinuation<Outcome, any Error>? in
            let continuation = s.zeroWrites.removeValue(forKey: token)
            if continuation != nil, case .success = result { s.status.published += 1 }
            return continuation
        }
        // A failed QoS 0 write was not sent: it waits for the next connection.
        continuation?.resume(returning: (try? result.get()) == nil ? .retry : .done)
    }

    private func wakeWaiters() {
        for waiter in state.withLock({ $0.takeWaiters() }) { waiter.resume(returning: .retry) }
    }

    private func update(_ body: (inout Status) -> Void) {
        state.withLock { s in
            body(&s.status)
            s.broadcast()
        }
    }
}

// MARK: - Connection

extension MQTTClient {
    /// The background loop: connect, serve, back off, until shutdown.
    private func connectionLoop() async {
        var delay = configuration.reconnectBackoff.initial
        while !Task.isCancelled {
            update { $0.state = .connecting }
            let wasConnected: Bool
            do {
                wasConnected = try await connectAndServe()
            } catch {
                wasConnected = false
                let clientError = Self.clientError(error, configuration: configuration)
                logger.warning("connection failed", metadata: ["mqtt.error": "\(clientError)"])
                update { $0.lastError = clientError }
            }
            let shutDown = state.withLock { s in
                s.channel = nil
                if !s.isShutDown { s.status.state = .disconnected }
                s.broadcast()
                return s.isShutDown
            }
            if shutDown || Task.isCancelled { return }
            if wasConnected { delay = configuration.reconnectBackoff.initial }
            logger.debug("reconnecting", metadata: ["mqtt.delay": "\(delay)"])
            do { try await Task.sleep(for: delay) } catch { return }
            delay = min(delay * 2, configuration.reconnectBackoff.maximum)
        }
    }

    /// One connection: TCP, CONNECT, CONNACK, resend and resubscribe, then wait for its end.
    /// Returns whether a CONNACK accepted it.
    private func connectAndServe() async throws -> Bool {
        let configuration = self.configuration
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandlers([
                        ByteToMessageHandler(MQTTPacketDecoder(maximumPacketSize: configuration.maximumPacketSize)),
                        MessageToByteHandler(MQTTPacketEncoder()),
                    ])
                }
            }
            .connect(host: configuration.host, port: configuration.port).get()
        let connAck = channel.eventLoop.makePromise(of: MQTTConnAck.self)
        // However this connection ends (shut down while connecting, handlers refused, cancelled), the
        // promise is completed: NIO traps on a promise dropped unfulfilled, and a later completion
        // than the first is ignored.
        defer { connAck.fail(MQTTClientError.connectionClosed) }
        return try await withTaskCancellationHandler {
            let keepAlive = configuration.keepAliveSeconds
            let handlersAdded = channel.eventLoop.submit {
                let sync = channel.pipeline.syncOperations
                if keepAlive > 0 {
                    try sync.addHandler(
                        MQTTKeepAliveHandler(keepAliveSeconds: keepAlive) { [weak self] roundTrip in
                            self?.update {
                                $0.pingResponses += 1
                                $0.lastPingRoundTrip = .nanoseconds(roundTrip.nanoseconds)
                            }
                        })
                }
                try sync.addHandler(
                    MQTTConnectionHandler(
                        connAck: connAck,
                        onPacket: { [weak self] packet in self?.handle(packet, on: channel) },
                        onError: { [weak self] error in self?.connectionError(error) }))
            }
            do {
                try await handlersAdded.get()
            } catch {
                try? await channel.close()
                throw error
            }
            let registered = state.withLock { s in
                guard !s.isShutDown else { return false }
                s.channel = channel
                return true
            }
            guard registered else {
                try? await channel.close()
                return false
            }
            let timeout = channel.eventLoop.scheduleTask(in: TimeAmount(configuration.connectTimeout)) {
                connAck.fail(MQTTClientError.connAckTimeout(seconds: Double(configuration.connectTimeout.components.seconds)))
            }
            defer { timeout.cancel() }
            let ack: MQTTConnAck
            do {
                try await channel.writeAndFlush(MQTTPacket.connect(configuration.connectPacket))
                ack = try await connAck.futureResult.get()
            } catch {
                try? await channel.close()
                throw error
            }
            timeout.cancel()
            if let refusal = ack.refusal {
                try? await channel.close()
                throw MQTTClientError.connectionRefused(refusal)
            }
            connected(channel, sessionPresent: ack.sessionPresent)
            try? await channel.closeFuture.get()
            let closedError = state.withLock { s -> [CheckedContinuation<Outcome, any Error>] in
                // SUBSCRIBEs without their SUBACK fail; messages in flight stay for the next connection.
                let pending = s.subAcks.values.compactMap(\.continuation)
                s.subAcks.removeAll()
                if !s.isShutDown && !s.errorReportedOnConnection { s.status.lastError = .connectionClosed }
                return pending
            }
            for continuation in closedError { continuation.resume(throwing: MQTTClientError.connectionClosed) }
            if !state.withLock({ $0.isShutDown }) {
                logger.warning("connection lost", metadata: ["mqtt.error": "\(status.lastError.map { "\($0)" } ?? "closed")"])
            }
            return true
        } onCancel: {
            channel.close(promise: nil)
        }
    }

    /// After an accepted CONNACK: resend the unacknowledged messages with DUP, renew the
    /// subscriptions unless the session was kept, and wake the waiting publishes.
    private func connected(_ channel: any Channel, sessionPresent: Bool) {
        let (resend, renew) = state.withLock { s -> ([MQTTPublish], [MQTTSubscription]) in
            s.status.state = .connected
            s.status.connections += 1
            s.errorReportedOnConnection = false
            var resend: [MQTTPublish] = []
            for (id, entry) in s.inFlight.sorted(by: { $0.value.sequence < $1.value.sequence }) {
                var message = entry.message
                message.dup = entry.sent
                if entry.sent { s.status.resent += 1 }
                s.inFlight[id]?.message = message
                s.inFlight[id]?.sent = true
                resend.append(message)
            }
            var renew: [MQTTSubscription] = []
            if !sessionPresent {
                renew = s.subscriptions.sorted { $0.key < $1.key }.map { MQTTSubscription(topicFilter: $0.key, qos: $0.value) }
            }
            if !renew.isEmpty {
                let packetID = s.allocatePacketID()
                s.subAcks[packetID] = PendingSubAck(token: 0, filter: "(renewal)", qos: .atLeastOnce, continuation: nil)
                channel.writeAndFlush(MQTTPacket.subscribe(packetID: packetID, subscriptions: renew), promise: nil)
            }
            s.broadcast()
            return (resend, renew)
        }
        logger.info(
            "connected",
            metadata: [
                "mqtt.sessionPresent": "\(sessionPresent)", "mqtt.resent": "\(resend.count)",
                "mqtt.renewedSubscriptions": "\(renew.count)",
            ])
        for message in resend { channel.write(MQTTPacket.publish(message), promise: nil) }
        channel.flush()
        wakeWaiters()
    }

    /// A packet from the broker after the CONNACK.
    private func handle(_ packet: MQTTPacket, on channel: any Channel) {
        logger.trace("received", metadata: ["mqtt.packet": "\(packet.name)"])
        switch packet {
        case .pubAck(let packetID):
            let continuation = state.withLock { s -> CheckedContinuation<Outcome, any Error>? in
                guard let entry = s.inFlight.removeValue(forKey: packetID) else { return nil }
                s.status.inFlight = s.inFlight.count
                s.status.published += 1
                s.broadcast()
                return entry.continuation
            }
            guard let continuation else {
                logger.debug("PUBACK for no message in flight", metadata: ["mqtt.packetID": "\(packetID)"])
                return
            }
            continuation.resume(returning: .done)
            wakeWaiters()
        case .subAck(let packetID, let codes):
            let continuation = state.withLock { s -> (PendingSubAck, Bool, AsyncStream<MQTTMessage>.Continuation?)? in
                guard let pending = s.subAcks.removeValue(forKey: packetID) else { return nil }
                let granted = codes.allSatisfy { $0 != .failure }
                if granted && pending.continuation != nil { s.subscriptions[pending.filter] = pending.qos }
                let refused = granted || pending.continuation == nil ? nil : s.streams.removeValue(forKey: pending.token)
                return (pending, granted, refused?.continuation)
            }
            guard let (pending, granted, refusedStream) = continuation else { return }
            // Finished outside the lock: the stream's termination handler takes it.
            refusedStream?.finish()
            if !granted { logger.warning("subscription refused", metadata: ["mqtt.filter": "\(pending.filter)"]) }
            if granted {
                pending.continuation?.resume(returning: .done)
            } else {
                pending.continuation?.resume(throwing: MQTTClientError.subscriptionRefused(filter: pending.filter))
            }
        case .publish(let publish):
            let message = MQTTMessage(
                topic: publish.topic, payload: publish.payload, qos: publish.qos, retain: publish.retain, dup: publish.dup)
            state.withLock { s in
                s.status.received += 1
                for stream in s.streams.values where MQTTTopic.matches(topic: publish.topic, filter: stream.filter) {
                    stream.continuation.yield(message)
                }
            }
            if publish.qos == .atLeastOnce, let packetID = publish.packetID {
                channel.writeAndFlush(MQTTPacket.pubAck(packetID: packetID), promise: nil)
            }
        case .connect, .connAck, .subscribe, .pingReq, .pingResp, .disconnect:
            connectionError(MQTTClientError.protocolViolation("unexpected \(packet.name) from the broker"))
            channel.close(promise: nil)
        }
    }

    /// An error on the connection (it is being closed): kept as the last error.
    private func connectionError(_ error: any Error) {
        let clientError = Self.clientError(error, configuration: configuration)
        logger.warning("connection error", metadata: ["mqtt.error": "\(clientError)"])
        state.withLock { s in
            s.status.lastError = clientError
            s.errorReportedOnConnection = true
            s.broadcast()
        }
    }

    private static func clientError(_ error: any Error, configuration: Configuration) -> MQTTClientError {
        switch error {
        case let error as MQTTClientError: error
        case let error as MQTTDecodeError: .malformedPacket(error)
        case let error as MQTTEncodeError: .invalidPacket(error)
        default: .connectionFailed(host: configuration.host, port: configuration.port, reason: "\(error)")
        }
    }
}

extension TimeAmount {
    /// The amount of a Swift `Duration` (nanosecond precision).
    fileprivate init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
