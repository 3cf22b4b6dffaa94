import Foundation
import Logging
import Testing
import VigieCore
import VigieEvents
import VigieServer

/// A fresh SQLite file in a temporary folder, removed at the end.
final class TemporaryFolder {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "vigie-server-test-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }
}

func phase(_ id: String, _ phase: EventPhase, start: Double = 1, at time: Double, kind: EventKind = .intrusion,
           camera: String = "cam") -> Event {
    Event(id: id, kind: kind, phase: phase, ruleID: "rule", zoneID: "zone", cameraID: camera,
          startTime: Timestamp(seconds: start), time: Timestamp(seconds: time),
          endTime: phase == .ended ? Timestamp(seconds: time) : nil)
}

let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

@Suite("Event store (real SQLite file)")
struct EventStoreTests {
    let folder = TemporaryFolder()
    let epoch = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func phasesMakeOneAlertWithItsLatestPhase() throws {
        let store = try EventStore(path: folder.file("events.sqlite"), logger: quiet)
        let s1 = try store.append(phase("cam/rule/1", .started, at: 1), wallTime: epoch.addingTimeInterval(1), snapshot: [0xFF, 0xD8, 1, 2])
        let s2 = try store.append(phase("cam/rule/1", .updated, at: 2), wallTime: epoch.addingTimeInterval(2))
        let s3 = try store.append(phase("cam/rule/1", .ended, at: 3), wallTime: epoch.addingTimeInterval(3))
        #expect([s1, s2, s3] == [1, 2, 3])
        let alerts = try store.alerts(.init())
        #expect(alerts.count == 1)
        #expect(try alerts[0].latest().phase == .ended)
        #expect(alerts[0].startedAt == epoch.addingTimeInterval(1))
        #expect(alerts[0].endedAt == epoch.addingTimeInterval(3))
        #expect(alerts[0].hasSnapshot)
        #expect(try store.snapshot(alertID: "cam/rule/1") == [0xFF, 0xD8, 1, 2])
        #expect(try store.phases(after: 1).map(\.seq) == [2, 3])
    }

    @Test func aRetriedWriteIsStoredOnce() throws {
        let store = try EventStore(path: folder.file("events.sqlite"), logger: quiet)
        let event = phase("cam/rule/1", .started, at: 1)
        let first = try store.append(event, wallTime: epoch)
        let again = try store.append(event, wallTime: epoch)
        #expect(first == again)
        #expect(try store.totals().phases == 1)
    }

    @Test func everythingSurvivesReopeningTheFile() throws {
        let path = folder.file("events.sqlite")
        do {
            let store = try EventStore(path: path, logger: quiet)
            try store.append(phase("cam/rule/1", .started, at: 1), wallTime: epoch)
            try store.markDelivered(sink: "mqtt", through: 1)
            try store.append(phase("cam/rule/1", .ended, at: 2), wallTime: epoch)
        }
        let reopened = try EventStore(path: path, logger: quiet)
        #expect(try reopened.totals().phases == 2)
        #expect(try reopened.undelivered(sink: "mqtt").map(\.event.phase) == [.ended])
        #expect(try reopened.undelivered(sink: "webhook").count == 2)
    }

    @Test func decisionsAreRecordedOnce() throws {
        let store = try EventStore(path: folder.file("events.sqlite"), logger: quiet)
        try store.append(phase("cam/rule/1", .started, at: 1), wallTime: epoch)
        let decision = EventStore.Decision(decision: .falseAlarm, note: "a shadow", operator: "alice", time: epoch)
        let alert = try store.acknowledge("cam/rule/1", decision: decision)
        #expect(alert.decision == decision)
        #expect(throws: StoreError.alreadyAcknowledged(id: "cam/rule/1")) {
            _ = try store.acknowledge("cam/rule/1", decision: decision)
        }
        #expect(throws: StoreError.unknownAlert(id: "nope")) { _ = try store.acknowledge("nope", decision: decision) }
        #expect(try store.alerts(.init(acknowledged: true)).count == 1)
        #expect(try store.alerts(.init(acknowledged: false)).isEmpty)
        #expect(try store.counts(since: epoch.addingTimeInterval(-10))["cam"] == .init(alerts: 1, falseAlarms: 1))
    }

    @Test func queriesFilterAndPaginate() throws {
        let store = try EventStore(path: folder.file("events.sqlite"), logger: quiet)
        for i in 1...7 {
            try store.append(phase("cam\(i % 2)/rule/\(i)", .started, start: Double(i), at: Double(i),
                                   kind: i % 3 == 0 ? .loitering : .intrusion, camera: "cam\(i % 2)"),
                             wallTime: epoch.addingTimeInterval(Double(i)))
        }
        #expect(try store.alerts(.init(camera: "cam1")).count == 4)
        #expect(try store.alerts(.init(kind: .loitering)).map(\.id) == ["cam0/rule/6", "cam1/rule/3"])
        #expect(try store.alerts(.init(since: epoch.addingTimeInterval(5))).count == 3)
        #expect(try store.alerts(.init(until: epoch.addingTimeInterval(3))).count == 2)
        var ids: [String] = []
        var query = EventStore.AlertQuery(limit: 3)
        while true {
            let page = try store.alerts(query)
            ids += page.map(\.id)
            guard page.count == query.limit, let last = page.last else { break }
            query.before = last.rowID
        }
        #expect(ids == (1...7).reversed().map { "cam\($0 % 2)/rule/\($0)" })
    }

    @Test func outboxBacklogFollowsTheCursor() throws {
        let store = try EventStore(path: folder.file("events.sqlite"), logger: quiet)
        for i in 1...5 { try store.append(phase("cam/rule/\(i)", .started, at: Double(i)), wallTime: epoch) }
        #expect(try store.backlog(sink: "mqtt").count == 5)
        try store.markDelivered(sink: "mqtt", through: 3)
        try store.markDelivered(sink: "mqtt", through: 2)  // never goes back
        #expect(try store.backlog(sink: "mqtt").count == 2)
        #expect(try store.undelivered(sink: "mqtt").map(\.seq) == [4, 5])
    }

    @Test func retentionDeletesOnlyOldDeliveredAlerts() throws {
        let store = try EventStore(path: folder.file("events.sqlite"), logger: quiet)
        try store.append(phase("cam/rule/old", .started, at: 1), wallTime: epoch, snapshot: [1])
        try store.append(phase("cam/rule/new", .started, at: 2), wallTime: epoch.addingTimeInterval(400 * 86_400))
        try store.markDelivered(sink: "mqtt", through: 1)
        let deleted = try store.deleteAlerts(startedBefore: epoch.addingTimeInterval(365 * 86_400))
        #expect(deleted == 1)
        #expect(try store.alerts(.init()).map(\.id) == ["cam/rule/new"])
        #expect(try store.snapshot(alertID: "cam/rule/old") == nil)
        // Not yet delivered to a sink: kept, whatever its age.
        try store.append(phase("cam/rule/undelivered", .started, at: 3), wallTime: epoch)
        #expect(try store.deleteAlerts(startedBefore: epoch.addingTimeInterval(365 * 86_400)) == 0)
    }

    @Test func waitersWakeOnWrites() async throws {
        let store = try EventStore(path: folder.file("events.sqlite"), logger: quiet)
        let seen = store.changes.current
        let started = Date()
        // The timeout is long: only the write can end the wait in time (the bound leaves room for a
        // busy machine whose test threads are held by other suites' blocking calls).
        async let woke: Void = store.changes.wait(after: seen, timeout: 900)
        try await Task.sleep(nanoseconds: 50_000_000)
        try store.append(phase("cam/rule/1", .started, at: 1), wallTime: epoch)
        await woke
        #expect(Date().timeIntervalSince(started) < 850)  // woken by the write, not by the timeout
        #expect(store.changes.current != seen)
    }
}
