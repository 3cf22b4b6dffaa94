import VigieEvents

/// An `EventSink` that journals every event it is sent, every phase (`started`, `updated`,
/// `ended`): an auditor needs the whole life of an alert, not only its start.
///
/// Use it beside the operator's sinks (JSON Lines, webhook): the journal is the complete,
/// tamper-evident record; the others are for acting on alerts.
///
/// ```swift
/// let writer = try JournalWriter(path: "/var/lib/vigie/journal.jsonl")
/// try writer.recordConfiguration(sceneData: Data(contentsOf: sceneURL))
/// var journal = JournalSink(writer: writer)
/// try journal.send(event)
/// ```
public struct JournalSink: EventSink, Sendable {
    /// The journal written to (shared: several sinks and threads may use one writer).
    public let writer: JournalWriter

    /// A sink journaling to `writer`.
    public init(writer: JournalWriter) {
        self.writer = writer
    }

    /// Appends an `alert` entry for `event`; it is written (and synced, by default) when this returns.
    public func send(_ event: Event) throws(JournalError) {
        try writer.recordAlert(event)
    }

    /// Nothing to do: every entry is written before `send` returns.
    public func flush() {}
}
