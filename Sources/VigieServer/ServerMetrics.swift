import CoreMetrics
import Foundation
import Prometheus
import VigieEvents

/// The service's metrics, recorded through swift-metrics into its own Prometheus registry (the
/// library bootstraps no global metrics system) and served at `GET /metrics`:
///
/// | metric | type | labels |
/// |---|---|---|
/// | `vigie_frames_total` | counter | camera |
/// | `vigie_frame_processing_seconds` | histogram | camera |
/// | `vigie_dropped_frames_total` | counter | camera |
/// | `vigie_input_restarts_total` | counter | camera |
/// | `vigie_events_total` | counter | kind, phase |
/// | `vigie_outbox_depth` | gauge | sink |
/// | `vigie_outbox_oldest_age_seconds` | gauge | sink |
/// | `vigie_journal_failures_total` | counter | |
public final class ServerMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let perCamera: NSLockedBox<[String: CameraMetrics]> = NSLockedBox([:])
    private let perEvent: NSLockedBox<[String: CoreMetrics.Counter]> = NSLockedBox([:])
    private let journalFailures: CoreMetrics.Counter

    private struct CameraMetrics: Sendable {
        var frames: CoreMetrics.Counter
        var processing: CoreMetrics.Timer
        var dropped: CoreMetrics.Counter
        var restarts: CoreMetrics.Counter
    }

    /// Empty metrics.
    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(20), .milliseconds(40), .milliseconds(80), .milliseconds(160), .milliseconds(320), .seconds(1),
        ]
        self.factory = factory
        journalFailures = CoreMetrics.Counter(label: "vigie_journal_failures_total", factory: factory)
    }

    private func camera(_ id: String) -> CameraMetrics {
        perCamera.withLock { table in
            if let m = table[id] { return m }
            let dims = [("camera", id)]
            let m = CameraMetrics(
                frames: .init(label: "vigie_frames_total", dimensions: dims, factory: factory),
                processing: .init(label: "vigie_frame_processing_seconds", dimensions: dims, factory: factory),
                dropped: .init(label: "vigie_dropped_frames_total", dimensions: dims, factory: factory),
                restarts: .init(label: "vigie_input_restarts_total", dimensions: dims, factory: factory))
            table[id] = m
            return m
        }
    }

    /// Declares a camera, so its series exist (at zero) before its first frame.
    public func register(camera id: String) { _ = camera(id) }

    /// One frame processed in `seconds`.
    public func frameProcessed(camera id: String, seconds: Double) {
        let m = camera(id)
        m.frames.increment()
        m.processing.recordNanoseconds(Int64(seconds * 1e9))
    }

    /// One frame skipped.
    public func droppedFrame(camera id: String) { camera(id).dropped.increment() }

    /// The input was reopened (or its ffmpeg child restarted).
    public func inputRestarted(camera id: String) { camera(id).restarts.increment() }

    /// One event phase stored.
    public func eventStored(kind: EventKind, phase: EventPhase) {
        let key = "\(kind.rawValue)/\(phase.rawValue)"
        let counter = perEvent.withLock { table in
            if let c = table[key] { return c }
            let c = CoreMetrics.Counter(label: "vigie_events_total", dimensions: [("kind", kind.rawValue), ("phase", phase.rawValue)],
                                        factory: factory)
            table[key] = c
            return c
        }
        counter.increment()
    }

    /// A journal write failed.
    public func journalFailed() { journalFailures.increment() }

    /// Sets a sink's backlog gauges.
    public func outbox(sink: String, depth: Int, oldestAge: Double) {
        Gauge(label: "vigie_outbox_depth", dimensions: [("sink", sink)], factory: factory).record(depth)
        Gauge(label: "vigie_outbox_oldest_age_seconds", dimensions: [("sink", sink)], factory: factory).record(oldestAge)
    }

    /// The Prometheus text exposition of every metric.
    public func render() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}

/// A value behind a lock (the metrics tables: written rarely, read per frame).
final class NSLockedBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
