import Foundation
import GRDB
import Logging
import VigieEvents

/// The service's one source of truth: every event phase, the alerts (situations) they belong to,
/// their anonymised snapshots, the operators' decisions and each delivery sink's progress, in one
/// SQLite file (GRDB, WAL mode).
///
/// ```
/// camera threads ─▶ append(event) ── one transaction ──▶ event, alert, snapshot rows
///                                                        │ then: journal, notify
///     outbox sinks ◀── undelivered(after cursor) ◀───────┤
///     SSE streams  ◀── phases(after seq)         ◀───────┘
///     HTTP API     ◀── alerts(query) / acknowledge(id, decision)
/// ```
///
/// Each event phase gets a store sequence number (`seq`, increasing): SSE ids and outbox cursors
/// are these numbers, so a reader that reconnects resumes exactly where it was.
public final class EventStore: Sendable {
    /// A stored event phase.
    public struct StoredEvent: Sendable, Hashable {
        /// Store sequence number (SSE id, outbox cursor).
        public var seq: Int64
        /// The event.
        public var event: Event
        /// Wall-clock time of the event (`time` of the phase).
        public var wallTime: Date
        /// When the row was written.
        public var storedAt: Date
    }

    /// An alert: one situation, its latest phase, and the operator's decision if any.
    public struct Alert: Sendable, Hashable {
        /// The store row number (pagination cursor).
        public var rowID: Int64
        /// The situation's event id (`<camera>/<rule>/<session>-<n>`).
        public var id: String
        /// The latest phase as stored: one JSON object of schema `vigie.event/1`. Kept as text so
        /// that listing alerts costs no decoding; `latest()` decodes it.
        public var latestJSON: String
        /// Wall-clock start of the situation.
        public var startedAt: Date
        /// Wall-clock end, once ended.
        public var endedAt: Date?
        /// Whether an anonymised snapshot is stored.
        public var hasSnapshot: Bool
        /// The operator's decision, once acknowledged.
        public var decision: Decision?

        /// The latest phase of the situation, decoded from `latestJSON`.
        /// - Throws: `EventCodingError` when the stored text is not a valid event.
        public func latest() throws(EventCodingError) -> Event {
            try Event(jsonLine: latestJSON)
        }
    }

    /// One stored phase with its alert's current state, as the live stream sends it (undecoded).
    struct PhaseRecord: Sendable {
        var seq: Int64
        var json: String
        var phase: String
        var wallTime: Date
        var alert: Alert?
    }

    /// An operator's decision on an alert.
    public struct Decision: Sendable, Hashable, Codable {
        /// What the operator decided.
        public var decision: DecisionKind
        /// Free text from the operator.
        public var note: String
        /// The name of the token that recorded it.
        public var `operator`: String
        /// When it was recorded.
        public var time: Date

        /// A decision by `operator` at `time`.
        public init(decision: DecisionKind, note: String, operator: String, time: Date) {
            self.decision = decision
            self.note = note
            self.operator = `operator`
            self.time = time
        }
    }

    /// What an operator can decide about an alert.
    public enum DecisionKind: String, Sendable, Hashable, Codable, CaseIterable {
        /// A real situation.
        case confirmed
        /// Not what the rule claims (counts in the false-alarm rate).
        case falseAlarm = "false-alarm"
        /// Seen, no action (e.g. a known situation, a test).
        case dismissed
    }

    /// A query over alerts; nil fields do not filter.
    public struct AlertQuery: Sendable, Hashable {
        /// Only this camera's alerts.
        public var camera: String?
        /// Only this kind.
        public var kind: EventKind?
        /// Only alerts started at or after.
        public var since: Date?
        /// Only alerts started before.
        public var until: Date?
        /// Only open (no decision yet) or acknowledged alerts.
        public var acknowledged: Bool?
        /// At most this many (1…500).
        public var limit: Int = 50
        /// Only alerts older (smaller row number) than this cursor.
        public var before: Int64?

        /// A query; every filter off, 50 alerts.
        public init(camera: String? = nil, kind: EventKind? = nil, since: Date? = nil, until: Date? = nil,
                    acknowledged: Bool? = nil, limit: Int = 50, before: Int64? = nil) {
            self.camera = camera
            self.kind = kind
            self.since = since
            self.until = until
            self.acknowledged = acknowledged
            self.limit = limit
            self.before = before
        }
    }

    /// Per-camera counts since a time.
    public struct CameraCounts: Sendable, Hashable {
        /// Alerts started.
        public var alerts: Int
        /// Of those, marked false alarm by an operator.
        public var falseAlarms: Int

        /// Counts.
        public init(alerts: Int, falseAlarms: Int) {
            self.alerts = alerts
            self.falseAlarms = falseAlarms
        }
    }

    private let pool: DatabasePool
    private let logger: Logger
    /// Rings after every committed write, for SSE streams and outbox sinks.
    public let changes = ChangeSignal()

    /// Opens (creating if needed, with its folder) and migrates the store at `path`.
    /// - Throws: `StoreError` when the file cannot be opened or migrated.
    public init(path: String, logger: Logger) throws(StoreError) {
        do {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            pool = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(pool)
        } catch {
            throw StoreError.cannotOpen(path: path, reason: "\(error)")
        }
        self.logger = logger
    }

    /// Numbered migrations; a shipped migration is never edited, only followed by a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: events, alerts, snapshots, outbox cursors") { db in
            try db.execute(sql: """
                CREATE TABLE event (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL,
                    phase TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    camera TEXT NOT NULL,
                    wallTime REAL NOT NULL,
                    storedAt REAL NOT NULL,
                    json TEXT NOT NULL);
                CREATE INDEX event_id ON event(id);
                CREATE INDEX event_storedAt ON event(storedAt);
                CREATE TABLE alert (
                    id TEXT PRIMARY KEY NOT NULL,
                    camera TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    startedAt REAL NOT NULL,
                    endedAt REAL,
                    lastSeq INTEGER NOT NULL REFERENCES event(seq),
                    hasSnapshot INTEGER NOT NULL DEFAULT 0,
                    decision TEXT,
                    note TEXT,
                    operator TEXT,
                    decidedAt REAL);
                CREATE INDEX alert_camera ON alert(camera, startedAt);
                CREATE INDEX alert_startedAt ON alert(startedAt);
                CREATE TABLE snapshot (
                    alertID TEXT PRIMARY KEY NOT NULL REFERENCES alert(id) ON DELETE CASCADE,
                    jpeg BLOB NOT NULL);
                CREATE TABLE outbox_cursor (
                    sink TEXT PRIMARY KEY NOT NULL,
                    lastSeq INTEGER NOT NULL);
                """)
        }
        return migrator
    }

    // MARK: - Writing

    /// Stores one event phase in one transaction (with the snapshot of a `started` phase, if
    /// given) and returns its sequence number. A phase already stored (same id, phase and time:
    /// a retried write) is not stored twice; its first sequence number is returned.
    /// - Throws: `StoreError.writeFailed`.
    @discardableResult
    public func append(_ event: Event, wallTime: Date, snapshot: [UInt8]? = nil) throws(StoreError) -> Int64 {
        let json: String
        do {
            json = try event.jsonLine()
        } catch {
            throw StoreError.writeFailed(reason: "event \(event.id) cannot be encoded: \(error)")
        }
        let seq: Int64
        do {
            seq = try pool.write { db -> Int64 in
                if let existing = try Int64.fetchOne(
                    db, sql: "SELECT seq FROM event WHERE id = ? AND phase = ? AND json = ?",
                    arguments: [event.id, event.phase.rawValue, json]) {
                    return existing
                }
                try db.execute(
                    sql: "INSERT INTO event (id, phase, kind, camera, wallTime, storedAt, json) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    arguments: [event.id, event.phase.rawValue, event.kind.rawValue, event.cameraID,
                                wallTime.timeIntervalSince1970, Date().timeIntervalSince1970, json])
                let seq = db.lastInsertedRowID
                let started = wallTime.addingTimeInterval(event.startTime.seconds - event.time.seconds)
                try db.execute(
                    sql: """
                        INSERT INTO alert (id, camera, kind, startedAt, endedAt, lastSeq) VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT(id) DO UPDATE SET lastSeq = excluded.lastSeq, endedAt = excluded.endedAt
                        """,
                    arguments: [event.id, event.cameraID, event.kind.rawValue, started.timeIntervalSince1970,
                                event.phase == .ended ? wallTime.timeIntervalSince1970 : nil, seq])
                if let snapshot {
                    try db.execute(sql: "INSERT OR REPLACE INTO snapshot (alertID, jpeg) VALUES (?, ?)",
                                   arguments: [event.id, Data(snapshot)])
                    try db.execute(sql: "UPDATE alert SET hasSnapshot = 1 WHERE id = ?", arguments: [event.id])
                }
                return seq
            }
        } catch {
            throw StoreError.writeFailed(reason: "\(error)")
        }
        changes.ring()
        return seq
    }

    /// Records an operator's decision on alert `id`.
    /// - Throws: `StoreError.unknownAlert` or `.alreadyAcknowledged` (with the first decision).
    public func acknowledge(_ id: String, decision: Decision) throws(StoreError) -> Alert {
        let outcome: Result<Alert, StoreError>
        do {
            outcome = try pool.write { db -> Result<Alert, StoreError> in
                guard let row = try Row.fetchOne(db, sql: "SELECT decision FROM alert WHERE id = ?", arguments: [id]) else {
                    return .failure(.unknownAlert(id: id))
                }
                if (row["decision"] as String?) != nil {
                    return .failure(.alreadyAcknowledged(id: id))
                }
                try db.execute(
                    sql: "UPDATE alert SET decision = ?, note = ?, operator = ?, decidedAt = ? WHERE id = ?",
                    arguments: [decision.decision.rawValue, decision.note, decision.operator,
                                decision.time.timeIntervalSince1970, id])
                guard let alert = try Self.fetchAlerts(db, where: "alert.id = ?", [id], limit: 1).first else {
                    return .failure(.unknownAlert(id: id))
                }
                return .success(alert)
            }
        } catch {
            throw StoreError.writeFailed(reason: "\(error)")
        }
        let alert = try outcome.get()
        changes.ring()
        return alert
    }

    /// Marks every phase up to `seq` delivered to `sink`.
    public func markDelivered(sink: String, through seq: Int64) throws(StoreError) {
        do {
            try pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO outbox_cursor (sink, lastSeq) VALUES (?, ?)
                        ON CONFLICT(sink) DO UPDATE SET lastSeq = max(lastSeq, excluded.lastSeq)
                        """,
                    arguments: [sink, seq])
            }
        } catch {
            throw StoreError.writeFailed(reason: "\(error)")
        }
    }

    /// Deletes alerts that started before `cutoff` (with their phases and snapshots), keeping
    /// what a sink has not delivered yet. Returns the number of alerts deleted.
    @discardableResult
    public func deleteAlerts(startedBefore cutoff: Date) throws(StoreError) -> Int {
        do {
            return try pool.write { db -> Int in
                let undeliveredFloor = try Int64.fetchOne(db, sql: "SELECT min(lastSeq) FROM outbox_cursor") ?? Int64.max
                let ids = try String.fetchAll(
                    db, sql: "SELECT id FROM alert WHERE startedAt < ? AND lastSeq <= ?",
                    arguments: [cutoff.timeIntervalSince1970, undeliveredFloor])
                for id in ids {
                    try db.execute(sql: "DELETE FROM snapshot WHERE alertID = ?", arguments: [id])
                    try db.execute(sql: "DELETE FROM alert WHERE id = ?", arguments: [id])
                    try db.execute(sql: "DELETE FROM event WHERE id = ?", arguments: [id])
                }
                return ids.count
            }
        } catch {
            throw StoreError.writeFailed(reason: "\(error)")
        }
    }

    // MARK: - Reading

    /// Event phases stored after `seq`, oldest first, at most `limit`.
    public func phases(after seq: Int64, limit: Int = 100) throws(StoreError) -> [StoredEvent] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT seq, json, wallTime, storedAt FROM event WHERE seq > ? ORDER BY seq LIMIT ?",
                arguments: [seq, limit]
            ).map(Self.storedEvent)
        }
    }

    /// The phases `sink` has not acknowledged yet, oldest first, at most `limit`.
    public func undelivered(sink: String, limit: Int = 100) throws(StoreError) -> [StoredEvent] {
        try phases(after: try cursor(sink: sink), limit: limit)
    }

    /// The last sequence number `sink` acknowledged (0: none).
    public func cursor(sink: String) throws(StoreError) -> Int64 {
        try read { db in try Int64.fetchOne(db, sql: "SELECT lastSeq FROM outbox_cursor WHERE sink = ?", arguments: [sink]) ?? 0 }
    }

    /// How many phases `sink` has not acknowledged, and when the oldest of them was stored.
    public func backlog(sink: String) throws(StoreError) -> (count: Int, oldest: Date?) {
        try read { db in
            let cursor = try Int64.fetchOne(db, sql: "SELECT lastSeq FROM outbox_cursor WHERE sink = ?", arguments: [sink]) ?? 0
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM event WHERE seq > ?", arguments: [cursor]) ?? 0
            let oldest = try Double.fetchOne(db, sql: "SELECT min(storedAt) FROM event WHERE seq > ?", arguments: [cursor])
            return (count, oldest.map { Date(timeIntervalSince1970: $0) })
        }
    }

    /// The newest sequence number (0 when empty).
    public func lastSequence() throws(StoreError) -> Int64 {
        try read { db in try Int64.fetchOne(db, sql: "SELECT max(seq) FROM event") ?? 0 }
    }

    /// Alerts matching `query`, newest first.
    public func alerts(_ query: AlertQuery) throws(StoreError) -> [Alert] {
        let (clause, arguments, limit) = Self.condition(query)
        return try read { db in try Self.fetchAlerts(db, where: clause, arguments, limit: limit) }
    }

    private static func condition(_ query: AlertQuery) -> (String, [any DatabaseValueConvertible], Int) {
        var conditions: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let camera = query.camera { conditions.append("alert.camera = ?"); arguments.append(camera) }
        if let kind = query.kind { conditions.append("alert.kind = ?"); arguments.append(kind.rawValue) }
        if let since = query.since { conditions.append("alert.startedAt >= ?"); arguments.append(since.timeIntervalSince1970) }
        if let until = query.until { conditions.append("alert.startedAt < ?"); arguments.append(until.timeIntervalSince1970) }
        if let acknowledged = query.acknowledged { conditions.append(acknowledged ? "alert.decision IS NOT NULL" : "alert.decision IS NULL") }
        if let before = query.before { conditions.append("alert.rowid < ?"); arguments.append(before) }
        let clause = conditions.isEmpty ? "1" : conditions.joined(separator: " AND ")
        return (clause, arguments, max(1, min(500, query.limit)))
    }

    /// Phases stored after `seq`, oldest first, each with its alert's current state (one query).
    ///
    /// Every read of the store is synchronous (no GRDB async reads): a service that mixed async
    /// reads with the handlers' synchronous ones stopped answering under load (4 cameras, `wrk`
    /// and 100 SSE clients on two loaded cores) with every concurrency-pool thread waiting in
    /// GRDB's reader pool and no read running, and then ignored SIGTERM. Not reproduced on a quiet
    /// machine; the configuration that had passed that benchmark read synchronously only.
    func phaseRecords(after seq: Int64, limit: Int) throws(StoreError) -> [PhaseRecord] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT event.seq, event.json, event.phase, event.wallTime, \(Self.alertColumns)
                FROM event LEFT JOIN alert ON alert.id = event.id
                WHERE event.seq > ? ORDER BY event.seq LIMIT ?
                """, arguments: [seq, limit]
            ).map { row in
                let json: String = row["json"]
                return PhaseRecord(seq: row["seq"], json: json, phase: row["phase"],
                                   wallTime: Date(timeIntervalSince1970: row["wallTime"]), alert: Self.alert(row, json: json))
            }
        }
    }

    /// One alert by id.
    public func alert(id: String) throws(StoreError) -> Alert? {
        try read { db in try Self.fetchAlerts(db, where: "alert.id = ?", [id], limit: 1).first }
    }

    /// The anonymised JPEG snapshot of alert `id`, if one was stored.
    public func snapshot(alertID id: String) throws(StoreError) -> [UInt8]? {
        try read { db in try Data.fetchOne(db, sql: "SELECT jpeg FROM snapshot WHERE alertID = ?", arguments: [id]).map { [UInt8]($0) } }
    }

    /// Alerts and operator-marked false alarms per camera, for alerts started since `since`.
    public func counts(since: Date) throws(StoreError) -> [String: CameraCounts] {
        try read { db in
            var out: [String: CameraCounts] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT camera, count(*) AS alerts, sum(decision = 'false-alarm') AS falseAlarms
                FROM alert WHERE startedAt >= ? GROUP BY camera
                """, arguments: [since.timeIntervalSince1970]) {
                out[row["camera"]] = CameraCounts(alerts: row["alerts"], falseAlarms: row["falseAlarms"] ?? 0)
            }
            return out
        }
    }

    /// Numbers of stored phases and alerts (for tests and `/metrics`).
    public func totals() throws(StoreError) -> (phases: Int, alerts: Int) {
        try read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM event") ?? 0, try Int.fetchOne(db, sql: "SELECT count(*) FROM alert") ?? 0)
        }
    }

    // MARK: - Helpers

    private func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw StoreError.readFailed(reason: "\(error)")
        }
    }

    private static func storedEvent(_ row: Row) throws -> StoredEvent {
        StoredEvent(seq: row["seq"], event: try Event(jsonLine: row["json"]),
                    wallTime: Date(timeIntervalSince1970: row["wallTime"]),
                    storedAt: Date(timeIntervalSince1970: row["storedAt"]))
    }

    private static let alertColumns = """
        alert.rowid AS rowID, alert.id AS alertID, alert.startedAt, alert.endedAt, alert.hasSnapshot,
        alert.decision, alert.note, alert.operator, alert.decidedAt
        """

    private static func fetchAlerts(_ db: Database, where clause: String, _ arguments: [any DatabaseValueConvertible],
                                    limit: Int) throws -> [Alert] {
        try Row.fetchAll(db, sql: """
            SELECT \(alertColumns), event.json AS json FROM alert JOIN event ON event.seq = alert.lastSeq
            WHERE \(clause) ORDER BY alert.rowid DESC LIMIT \(limit)
            """, arguments: StatementArguments(arguments)
        ).compactMap { row in alert(row, json: row["json"]) }
    }

    /// The alert whose columns (`alertColumns`) are in `row`; nil when the row has none (a phase
    /// whose alert was deleted by retention while it was read).
    private static func alert(_ row: Row, json: String) -> Alert? {
        guard let id: String = row["alertID"] else { return nil }
        var decision: Decision?
        if let kind = (row["decision"] as String?).flatMap(DecisionKind.init(rawValue:)) {
            decision = Decision(decision: kind, note: row["note"] ?? "", operator: row["operator"] ?? "",
                                time: Date(timeIntervalSince1970: row["decidedAt"] ?? 0))
        }
        return Alert(rowID: row["rowID"], id: id, latestJSON: json,
                     startedAt: Date(timeIntervalSince1970: row["startedAt"]),
                     endedAt: (row["endedAt"] as Double?).map { Date(timeIntervalSince1970: $0) },
                     hasSnapshot: row["hasSnapshot"], decision: decision)
    }
}

/// Why the store refused or failed.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The SQLite file could not be opened or migrated.
    case cannotOpen(path: String, reason: String)
    /// A write failed (disk full, locked too long, …): nothing of it was stored.
    case writeFailed(reason: String)
    /// A read failed.
    case readFailed(reason: String)
    /// No alert has this id.
    case unknownAlert(id: String)
    /// The alert already carries a decision.
    case alreadyAcknowledged(id: String)

    /// A sentence naming what failed.
    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): "cannot open the event store \(path): \(reason)"
        case let .writeFailed(reason): "event store write failed: \(reason)"
        case let .readFailed(reason): "event store read failed: \(reason)"
        case let .unknownAlert(id): "no event has id \(id)"
        case let .alreadyAcknowledged(id): "event \(id) is already acknowledged"
        }
    }
}

/// A doorbell for readers of the store: `ring()` after each write wakes every waiter.
/// Waiters compare generations, so a ring between two waits is never missed.
public final class ChangeSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var generation: UInt64 = 0
    private var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]

    /// A signal that has not rung.
    public init() {}

    /// The number of rings so far.
    public var current: UInt64 { lock.withLock { generation } }

    /// Wakes every waiter.
    public func ring() {
        let woken: [CheckedContinuation<Void, Never>] = lock.withLock {
            generation &+= 1
            defer { waiters.removeAll() }
            return Array(waiters.values)
        }
        for continuation in woken { continuation.resume() }
    }

    /// Returns once the signal has rung past `seen`, or after `timeout` seconds, or on cancellation.
    public func wait(after seen: UInt64, timeout: Double) async {
        let id = UUID()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                await withTaskCancellationHandler {
                    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                        let resumeNow: Bool = lock.withLock {
                            if generation != seen || Task.isCancelled { return true }
                            waiters[id] = continuation
                            return false
                        }
                        if resumeNow { continuation.resume() }
                    }
                } onCancel: { [self] in
                    let continuation = lock.withLock { waiters.removeValue(forKey: id) }
                    continuation?.resume()
                }
            }
            group.addTask { try? await Task.sleep(nanoseconds: UInt64(max(0, timeout) * 1e9)) }
            await group.next()
            group.cancelAll()
        }
    }
}
