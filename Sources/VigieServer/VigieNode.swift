import Foundation
import Logging

/// What the HTTP API reads and acts on: the store, the cameras, the journal and the metrics of one
/// service node. Handlers call it; it holds no HTTP.
public final class VigieNode: Sendable {
    /// The site file.
    public let configuration: SiteConfiguration
    /// The event store.
    public let store: EventStore
    /// The cameras, in the site file's order.
    public let cameras: [CameraWorker]
    /// The journal (alerts and decisions), if the site has one.
    public let journal: JournalRecorder?
    /// The metrics.
    public let metrics: ServerMetrics
    /// The names of the outbox sinks (`mqtt`, `webhook`), for the backlog gauges.
    public let sinkNames: [String]
    let logger: Logger
    private let stopping = NSLockedBox(false)

    /// A node from its parts.
    public init(configuration: SiteConfiguration, store: EventStore, cameras: [CameraWorker], journal: JournalRecorder?,
                metrics: ServerMetrics, sinkNames: [String], logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.cameras = cameras
        self.journal = journal
        self.metrics = metrics
        self.sinkNames = sinkNames
        self.logger = logger
    }

    /// Whether the service is shutting down: live streams (SSE) end so the HTTP server can stop.
    public var isStopping: Bool { stopping.withLock { $0 } }

    /// Marks the service as shutting down and wakes every live stream.
    public func beginShutdown() {
        stopping.withLock { $0 = true }
        store.changes.ring()
    }

    /// The camera with this id.
    public func camera(_ id: String) -> CameraWorker? { cameras.first { $0.camera.id == id } }

    /// Records an operator's decision: stored first, then journaled.
    /// - Throws: `StoreError` (unknown id, already acknowledged, write failure).
    public func acknowledge(alertID: String, decision: EventStore.DecisionKind, note: String,
                            by caller: SiteConfiguration.Token) throws -> EventStore.Alert {
        let record = EventStore.Decision(decision: decision, note: note, operator: caller.name, time: Date())
        let alert = try store.acknowledge(alertID, decision: record)
        do {
            try journal?.recordDecision(alertID: alertID, decision: record)
        } catch {
            metrics.journalFailed()
            logger.error("journal write failed", metadata: ["vigie.event": "\(alertID)", "vigie.error": "\(error)"])
        }
        logger.info("decision recorded", metadata: ["vigie.event": "\(alertID)", "vigie.decision": "\(decision.rawValue)",
                                                    "vigie.operator": "\(caller.name)"])
        return alert
    }

    /// Updates the outbox gauges and renders every metric (Prometheus text format).
    public func renderMetrics() -> [UInt8] {
        for sink in sinkNames {
            if let backlog = try? store.backlog(sink: sink) {
                metrics.outbox(sink: sink, depth: backlog.count, oldestAge: backlog.oldest.map { Date().timeIntervalSince($0) } ?? 0)
            }
        }
        return metrics.render()
    }

    /// Ready: the store answers and no camera is still starting.
    public var isReady: Bool {
        (try? store.lastSequence()) != nil && !cameras.contains { $0.currentStatus.state == .starting }
    }
}
