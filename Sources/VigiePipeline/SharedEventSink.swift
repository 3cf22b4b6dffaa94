import Foundation
import VigieCore
import VigieEvents

/// An `EventSink` shared by several camera threads, which also remembers every situation still
/// open (started, not yet ended) so that a shutdown can end them: nothing is lost.
///
/// ```
/// camera 1 ─┐
/// camera 2 ─┼─▶ SharedEventSink (lock) ─▶ the wrapped sink (JSON Lines, webhook, journal…)
/// camera 3 ─┘        └ open situations: id → last event
/// ```
///
/// A reference type with one lock around the wrapped sink and the open-situation table:
/// `@unchecked Sendable` because every stored property is read and written under that lock.
public final class SharedEventSink: @unchecked Sendable {
    private let lock = NSLock()
    private var sink: any EventSink
    private var open: [String: Event] = [:]
    private var order: [String] = []
    private var isClosed = false
    private var sentCount = 0

    /// Wraps `sink`; from now on only this object may use it.
    public init(_ sink: any EventSink) { self.sink = sink }

    /// Delivers one event (and flushes, so a reader sees it at once). After ``closeOpenSituations(reason:)``
    /// the sink is closed and events are refused: `false` is returned.
    /// - Throws: what the wrapped sink throws.
    @discardableResult
    public func send(_ event: Event) throws -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !isClosed else { return false }
        try sink.send(event)
        try sink.flush()
        sentCount += 1
        switch event.phase {
        case .started, .updated:
            if open.updateValue(event, forKey: event.id) == nil { order.append(event.id) }
        case .ended:
            open[event.id] = nil
            order.removeAll { $0 == event.id }
        }
        return true
    }

    /// Delivers several events in order.
    public func send(_ events: [Event]) throws {
        for event in events { try send(event) }
    }

    /// Situations started and not yet ended, oldest first.
    public var openSituations: [Event] {
        lock.lock()
        defer { lock.unlock() }
        return order.compactMap { open[$0] }
    }

    /// Number of events delivered.
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return sentCount
    }

    /// Shutdown of last resort, for cameras that could not finish by themselves (blocked on a
    /// stalled input): ends every open situation at the time of its last event, with
    /// `measurements.reason` set to `reason`, delivers those `ended` events, flushes, and closes
    /// the sink to later events. Returns the events written.
    @discardableResult
    public func closeOpenSituations(reason: String) throws -> [Event] {
        lock.lock()
        defer { lock.unlock() }
        guard !isClosed else { return [] }
        var written: [Event] = []
        for id in order {
            guard var event = open[id] else { continue }
            event.phase = .ended
            event.endTime = event.time
            event.objects = []
            event.measurements.reason = reason
            try sink.send(event)
            written.append(event)
        }
        try sink.flush()
        sentCount += written.count
        open.removeAll()
        order.removeAll()
        isClosed = true
        return written
    }
}
