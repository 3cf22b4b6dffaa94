import Foundation
import Logging
import VigieEvents
import VigieJournal

/// The camera's `EventSink` in the service: each event phase is stored (one transaction, with the
/// snapshot staged for a starting situation), then journaled, then counted. Storage comes first:
/// a phase that could not be stored is an error for the camera (it is not journaled or delivered);
/// a journal failure is logged and counted, the stored event stands.
final class StoreSink: EventSink, @unchecked Sendable {
    private let store: EventStore
    private let journal: JournalRecorder?
    private let metrics: ServerMetrics
    private let logger: Logger
    private let lock = NSLock()
    private var snapshots: [String: [UInt8]] = [:]
    private var start = Date()

    init(store: EventStore, journal: JournalRecorder?, metrics: ServerMetrics, logger: Logger) {
        self.store = store
        self.journal = journal
        self.metrics = metrics
        self.logger = logger
    }

    /// Wall-clock time of stream time zero.
    var streamStart: Date {
        get { lock.withLock { start } }
        set { lock.withLock { start = newValue } }
    }

    /// Keeps `jpeg` (an anonymised image) to store with the `started` phase of situation `id`.
    func stageSnapshot(_ jpeg: [UInt8], for id: String) {
        lock.withLock { snapshots[id] = jpeg }
    }

    func send(_ event: Event) throws {
        let (snapshot, start) = lock.withLock { (snapshots.removeValue(forKey: event.id), self.start) }
        try store.append(event, wallTime: start.addingTimeInterval(event.time.seconds), snapshot: snapshot)
        metrics.eventStored(kind: event.kind, phase: event.phase)
        do {
            try journal?.recordAlert(event)
        } catch {
            metrics.journalFailed()
            logger.error("journal write failed", metadata: ["vigie.event": "\(event.id)", "vigie.error": "\(error)"])
        }
    }
}

/// The alert journal of the service: alerts and operator decisions, one hash chain, one lock.
public final class JournalRecorder: Sendable {
    private let writer: JournalWriter

    /// Opens (verifying and continuing) the journal at `path`, its entries authenticated with the
    /// key at `keyPath` (default: beside the journal, created with mode 0600 on first use).
    /// - Throws: `JournalError` when the file or key cannot be opened or the journal fails verification.
    public init(path: String, keyPath: String? = nil) throws {
        let key = try JournalKey.loadOrCreate(path: keyPath ?? JournalKey.defaultPath(forJournal: path))
        writer = try JournalWriter(path: path, key: key)
    }

    /// Journals one event phase.
    public func recordAlert(_ event: Event) throws {
        _ = try writer.recordAlert(event)
    }

    /// Journals a camera's scene file (its hash) as a configuration entry.
    public func recordConfiguration(sceneData: Data, cameraID: String) throws {
        _ = try writer.recordConfiguration(sceneData: sceneData, cameraID: cameraID)
    }

    /// Journals an operator's decision on an alert.
    public func recordDecision(alertID: String, decision: EventStore.Decision) throws {
        try writer.recordDecision(eventID: alertID, decision: decision.decision.rawValue, operator: decision.operator,
                                  note: decision.note.isEmpty ? nil : decision.note, time: decision.time)
    }

    /// Closes the journal file.
    public func close() { writer.close() }
}
