import Foundation
#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
import Logging
import ServiceLifecycle
import VigieEvents

/// Somewhere the outbox delivers stored event phases to (an MQTT broker, a webhook receiver).
public protocol DeliveryChannel: Sendable {
    /// The sink's name, the key of its progress in the store (`mqtt`, `webhook`).
    var name: String { get }
    /// Delivers one phase; returns once the receiver has acknowledged it.
    /// - Throws: `DeliveryError.rejected` when retrying cannot help (the phase is skipped and
    ///   logged); any other error is retried with back-off.
    func deliver(_ stored: EventStore.StoredEvent) async throws
    /// Releases the channel's connections once the outbox has stopped.
    func close() async
}

extension DeliveryChannel {
    /// Nothing to release.
    public func close() async {}
}

/// Why a delivery failed.
public enum DeliveryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The receiver refused the event for good (an HTTP 4xx other than 408 and 429).
    case rejected(reason: String)
    /// The receiver could not be reached or did not acknowledge; retried.
    case failed(reason: String)

    /// A sentence naming the failure.
    public var description: String {
        switch self {
        case let .rejected(reason): "rejected: \(reason)"
        case let .failed(reason): "not delivered: \(reason)"
        }
    }
}

/// Drains, in store order, what a channel has not acknowledged: store first, then deliver.
///
/// Progress is a cursor in the store, advanced only after the receiver's acknowledgement, so an
/// outage of the receiver or a restart of the service loses nothing and resends from where it was
/// (at least once; receivers de-duplicate by event `id`, `phase` and `time`).
public struct OutboxService: Service {
    private let store: EventStore
    private let channel: any DeliveryChannel
    private let logger: Logger
    private let drainSeconds: Double

    /// An outbox for `channel`; at shutdown it delivers for at most `drainSeconds` more.
    public init(store: EventStore, channel: any DeliveryChannel, drainSeconds: Double = 3, logger: Logger) {
        self.store = store
        self.channel = channel
        self.drainSeconds = drainSeconds
        var logger = logger
        logger[metadataKey: "vigie.sink"] = "\(channel.name)"
        self.logger = logger
    }

    /// Delivers until the service shuts down. At shutdown it keeps delivering what is stored for
    /// at most `drainSeconds` (the cameras' last `ended` events), without sleeping through a
    /// back-off; what is left is delivered after the next start.
    public func run() async throws {
        // A cursor row from the start: retention never deletes what this sink has not delivered.
        try? store.markDelivered(sink: channel.name, through: 0)
        try await withGracefulShutdownHandler {
            try await drain()
        } onGracefulShutdown: { [store] in
            store.changes.ring()
        }
        await channel.close()
    }

    private func drain() async throws {
        var backoff = 0.5
        var failing = false
        var deadline: Date?
        while !Task.isCancelled {
            if Task.isShuttingDownGracefully {
                deadline = deadline ?? Date(timeIntervalSinceNow: drainSeconds)
                if Date() >= deadline! { return }
            }
            let seen = store.changes.current
            let batch: [EventStore.StoredEvent]
            do {
                batch = try store.undelivered(sink: channel.name, limit: 64)
            } catch {
                logger.error("outbox read failed", metadata: ["vigie.error": "\(error)"])
                if deadline != nil { return }
                try? await Task.sleep(nanoseconds: 1_000_000_000)
                continue
            }
            if batch.isEmpty {
                if deadline != nil { return }
                await store.changes.wait(after: seen, timeout: 5)
                continue
            }
            // The cursor is saved once per batch (one write transaction, not one per phase): a
            // crash mid-batch resends at most the batch, which at-least-once delivery allows.
            var delivered: Int64?
            var retryAfterBackoff = false
            for stored in batch {
                do {
                    try await channel.deliver(stored)
                    if failing {
                        logger.notice("delivery recovered")
                        failing = false
                    }
                    backoff = 0.5
                } catch DeliveryError.rejected(let reason) {
                    logger.error("event rejected by the receiver; skipped",
                                 metadata: ["vigie.event": "\(stored.event.id)", "vigie.reason": "\(reason)"])
                } catch {
                    if !failing {
                        logger.warning("delivery failed; retrying", metadata: ["vigie.error": "\(error)"])
                        failing = true
                    }
                    retryAfterBackoff = true
                    break
                }
                delivered = stored.seq
            }
            if let delivered {
                do {
                    try store.markDelivered(sink: channel.name, through: delivered)
                } catch {
                    logger.error("outbox cursor not saved", metadata: ["vigie.error": "\(error)"])
                }
            }
            if retryAfterBackoff {
                if deadline != nil || Task.isShuttingDownGracefully {
                    logger.warning("stopping with undelivered events; they are sent after the next start")
                    return
                }
                try? await Task.sleep(nanoseconds: UInt64(backoff * 1e9))
                backoff = min(30, backoff * 2)
            }
        }
    }
}

/// POSTs each event phase as its JSON line to a receiver; 2xx acknowledges it.
public struct WebhookChannel: DeliveryChannel {
    /// `webhook`.
    public let name = "webhook"
    private let url: URL
    private let session: URLSession
    private let timeout: Double

    /// A channel posting to `url`, waiting at most `timeout` seconds for an answer.
    public init(url: URL, timeout: Double = 10) {
        self.url = url
        self.timeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        session = URLSession(configuration: configuration)
    }

    /// One POST; 2xx delivers, 408/429/5xx and network errors are retried, other codes reject.
    public func deliver(_ stored: EventStore.StoredEvent) async throws {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(stored.event.id, forHTTPHeaderField: "Vigie-Event-Id")
        request.httpBody = Data(try stored.event.jsonLine().utf8)
        let status: Int = try await withCheckedThrowingContinuation { continuation in
            let task = session.dataTask(with: request) { _, response, error in
                if let error {
                    continuation.resume(throwing: DeliveryError.failed(reason: error.localizedDescription))
                } else if let response = response as? HTTPURLResponse {
                    continuation.resume(returning: response.statusCode)
                } else {
                    continuation.resume(throwing: DeliveryError.failed(reason: "no HTTP response"))
                }
            }
            task.resume()
        }
        switch status {
        case 200..<300: return
        case 408, 429, 500..<600: throw DeliveryError.failed(reason: "HTTP \(status)")
        default: throw DeliveryError.rejected(reason: "HTTP \(status)")
        }
    }
}
