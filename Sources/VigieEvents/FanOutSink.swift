/// Sends every event to several sinks in turn: the operator's JSON Lines file, a webhook, the
/// alert journal, … behind one `EventSink` (what `SharedEventSink` wraps).
///
/// Each event goes to every sink, in the order given, even if an earlier one throws; then the
/// first error is rethrown, so a failing webhook never keeps an alert out of the journal, and
/// a failing journal is never hidden. `flush()` works the same way.
public struct FanOutSink: EventSink {
    /// The sinks, in delivery order.
    public private(set) var sinks: [any EventSink]

    /// A sink delivering to `sinks`, in that order.
    public init(_ sinks: [any EventSink]) {
        self.sinks = sinks
    }

    /// Sends `event` to every sink; rethrows the first error after trying them all.
    public mutating func send(_ event: Event) throws {
        var first: (any Error)?
        for index in sinks.indices {
            do { try sinks[index].send(event) } catch { first = first ?? error }
        }
        if let first { throw first }
    }

    /// Flushes every sink; rethrows the first error after trying them all.
    public mutating func flush() throws {
        var first: (any Error)?
        for index in sinks.indices {
            do { try sinks[index].flush() } catch { first = first ?? error }
        }
        if let first { throw first }
    }
}
