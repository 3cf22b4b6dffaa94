import Foundation
import Hummingbird
import Logging
import Testing
import VigieCore
import VigieEvents
import VigieServer

/// The API served by a real Hummingbird server on a free loopback port, over a real SQLite store.
struct LiveAPI {
    static let operatorToken = "operator-token-0123456789"
    static let viewerToken = "viewer-token-0123456789"

    static func site(folder: TemporaryFolder, cameras: [SiteConfiguration.Camera] = [
        .init(id: "demo", scene: nil, input: .simulated(.schoolGate))
    ]) -> SiteConfiguration {
        SiteConfiguration(
            cameras: cameras, storage: .init(path: folder.file("events.sqlite")), journal: folder.file("alerts.journal"),
            http: .init(bind: "127.0.0.1:0", maxBodyBytes: 2048),
            tokens: [.init(name: "alice", token: operatorToken, role: .operator),
                     .init(name: "wall", token: viewerToken, role: .viewer)])
    }

    /// Runs `body` with a server for `node` listening on a free port.
    static func with<T: Sendable>(_ node: VigieNode, _ body: @Sendable (HTTPProbe) async throws -> T) async throws -> T {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: APIRouter.build(node: node), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: quiet)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.run()
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw HTTPProbe.ProbeError.closed }
            let result = try await body(HTTPProbe(port: port))
            group.cancelAll()
            return result
        }
    }
}

@Suite("HTTP API (real server, real SQLite)", .serialized)
struct APITests {
    let folder = TemporaryFolder()

    func node(cameras: [CameraWorker] = []) throws -> VigieNode {
        let site = LiveAPI.site(folder: folder)
        let store = try EventStore(path: folder.file("events.sqlite"), logger: quiet)
        let journal = try JournalRecorder(path: folder.file("alerts.journal"))
        return VigieNode(configuration: site, store: store, cameras: cameras, journal: journal, metrics: ServerMetrics(),
                         sinkNames: ["mqtt"], logger: quiet)
    }

    @Test func everyAPIRouteNeedsAToken() async throws {
        let node = try node()
        try await LiveAPI.with(node) { http in
            for path in ["/api/cameras", "/api/events", "/api/events/stream", "/api/events/x/snapshot.jpg"] {
                let none = try http.request("GET", path)
                #expect(none.status == 401, "\(path)")
                #expect((none.json["error"] as? [String: Any])?["message"] as? String == "missing bearer token")
                #expect(try http.request("GET", path, token: "wrong-token-0123456789").status == 401)
            }
            #expect(try http.request("GET", "/api/cameras", headers: ["Authorization": "Basic abc"]).status == 401)
            #expect(try http.request("GET", "/healthz").status == 200)
        }
    }

    @Test func eventsArePagedFilteredAndAcknowledgedOnce() async throws {
        let node = try node()
        let t0 = Date()
        for i in 1...5 {
            try node.store.append(phase("demo/fence/\(i)", .started, start: Double(i), at: Double(i), kind: i == 5 ? .loitering : .intrusion,
                                        camera: "demo"), wallTime: t0.addingTimeInterval(Double(i)), snapshot: i == 1 ? [0xFF, 0xD8, 0xFF, 0xD9] : nil)
        }
        try await LiveAPI.with(node) { http in
            let page = try http.request("GET", "/api/events?limit=2", token: LiveAPI.viewerToken)
            #expect(page.status == 200)
            let events = page.json["events"] as? [[String: Any]] ?? []
            #expect(events.map { $0["id"] as? String } == ["demo/fence/5", "demo/fence/4"])
            #expect(events.first?["status"] as? String == "open")
            let cursor = page.json["nextCursor"] as? String ?? ""
            let rest = try http.request("GET", "/api/events?limit=10&cursor=\(cursor)", token: LiveAPI.viewerToken)
            #expect((rest.json["events"] as? [[String: Any]])?.count == 3)
            #expect(rest.json["nextCursor"] is NSNull)
            let loitering = try http.request("GET", "/api/events?kind=loitering", token: LiveAPI.viewerToken)
            #expect((loitering.json["events"] as? [[String: Any]])?.count == 1)

            let id = "demo%2Ffence%2F1"
            let snapshot = try http.request("GET", "/api/events/\(id)/snapshot.jpg", token: LiveAPI.viewerToken)
            #expect(snapshot.status == 200 && snapshot.headers["content-type"] == "image/jpeg" && snapshot.body == [0xFF, 0xD8, 0xFF, 0xD9])

            // A note that needs escaping: quotes, a backslash, a newline, a control character, accents.
            let note = "ombre \"portée\" sur la clôture\\\n2e ligne\u{07}"
            let body = try JSONSerialization.data(withJSONObject: ["decision": "false-alarm", "note": note]).map { $0 }
            #expect(try http.request("POST", "/api/events/\(id)/acknowledge", token: LiveAPI.viewerToken, body: body).status == 403)
            let ack = try http.request("POST", "/api/events/\(id)/acknowledge", token: LiveAPI.operatorToken, body: body)
            #expect(ack.status == 200)
            #expect(ack.json["status"] as? String == "acknowledged")
            let decision = ack.json["decision"] as? [String: Any]
            #expect(decision?["decision"] as? String == "false-alarm" && decision?["operator"] as? String == "alice")
            #expect(decision?["note"] as? String == note)
            #expect(ack.json["snapshotURL"] as? String == "/api/events/\(id)/snapshot.jpg")
            #expect(ack.json["kind"] as? String == "intrusion" && ack.json["endedAt"] is NSNull)
            let listed = try http.request("GET", "/api/events?status=acknowledged", token: LiveAPI.viewerToken)
            let listedDecision = (listed.json["events"] as? [[String: Any]])?.first?["decision"] as? [String: Any]
            #expect(listedDecision?["note"] as? String == note)
            #expect(try http.request("POST", "/api/events/\(id)/acknowledge", token: LiveAPI.operatorToken, body: body).status == 409)
            let open = try http.request("GET", "/api/events?status=open", token: LiveAPI.viewerToken)
            #expect((open.json["events"] as? [[String: Any]])?.count == 4)
            let cameras = try http.request("GET", "/api/cameras", token: LiveAPI.viewerToken)
            #expect(cameras.status == 200)
        }
        // The decision is in the journal, chained after the configuration and alerts.
        let journal = try String(contentsOfFile: folder.file("alerts.journal"), encoding: .utf8)
        #expect(journal.contains("false-alarm") && journal.contains("alice"))
    }

    @Test func badRequestsAreJSONErrorsNotCrashes() async throws {
        let node = try node()
        try node.store.append(phase("demo/fence/1", .started, at: 1, camera: "demo"), wallTime: Date())
        try await LiveAPI.with(node) { http in
            func ack(_ body: String) throws -> (Int, String) {
                let r = try http.request("POST", "/api/events/demo%2Ffence%2F1/acknowledge", token: LiveAPI.operatorToken, body: Array(body.utf8))
                return (r.status, (r.json["error"] as? [String: Any])?["message"] as? String ?? "")
            }
            #expect(try ack("not json") == (400, "the body must be a JSON object {\"decision\": …, \"note\": …}"))
            #expect(try ack(#"{"decision": "maybe"}"#).0 == 400)
            #expect(try ack(#"{"decision": "confirmed", "severity": 3}"#) == (400, "severity: unknown key; expected \"decision\" and \"note\""))
            #expect(try ack(#"{"decision": "confirmed", "note": 7}"#) == (400, "note: expected a string"))
            #expect(try ack(#"{"decision": "confirmed", "note": ""# + String(repeating: "x", count: 4000) + #""}"#).0 == 413)
            let unknown = try http.request("POST", "/api/events/nope/acknowledge", token: LiveAPI.operatorToken,
                                           body: Array(#"{"decision": "dismissed"}"#.utf8))
            #expect(unknown.status == 404)
            #expect(try http.request("GET", "/api/events?kind=unicorn", token: LiveAPI.viewerToken).status == 400)
            #expect(try http.request("GET", "/api/events?limit=0", token: LiveAPI.viewerToken).status == 400)
            #expect(try http.request("GET", "/api/events?since=yesterday", token: LiveAPI.viewerToken).status == 400)
            #expect(try http.request("GET", "/api/nothing-here", token: LiveAPI.viewerToken).status == 404)
            #expect(try http.request("GET", "/api/cameras/nope/preview.jpg", token: LiveAPI.viewerToken).status == 404)
            #expect(try http.request("GET", "/healthz").status == 200)  // still up
        }
    }

    @Test func theStreamResumesFromTheStoreAfterADisconnect() async throws {
        let node = try node()
        for i in 1...3 { try node.store.append(phase("demo/fence/\(i)", .started, at: Double(i), camera: "demo"), wallTime: Date()) }
        let store = node.store
        try await LiveAPI.with(node) { http in
            // From the start of the store: every phase, in order, with its sequence number as id.
            let first = try http.events("/api/events/stream", token: LiveAPI.viewerToken, lastEventID: "0", count: 3)
            #expect(first.map(\.id) == ["1", "2", "3"])
            #expect(first.allSatisfy { $0.event == "started" })
            // Written while nobody listened: a client resuming after id 3 gets exactly these.
            try store.append(phase("demo/fence/2", .ended, at: 5, camera: "demo"), wallTime: Date())
            try store.append(phase("demo/fence/4", .started, at: 6, camera: "demo"), wallTime: Date())
            let resumed = try http.events("/api/events/stream", token: LiveAPI.viewerToken, lastEventID: "3", count: 2)
            #expect(resumed.map(\.id) == ["4", "5"])
            #expect(resumed.map(\.event) == ["ended", "started"])
            #expect(resumed[0].data.contains(#""id":"demo/fence/2""#))
        }
    }

    @Test func liveEventsReachAnOpenStream() async throws {
        let node = try node()
        let store = node.store
        try await LiveAPI.with(node) { http in
            let writer = Task {
                try await Task.sleep(nanoseconds: 300_000_000)
                try store.append(phase("demo/fence/9", .started, at: 1, camera: "demo"), wallTime: Date())
            }
            let started = Date()
            let live = try http.events("/api/events/stream", token: LiveAPI.viewerToken, count: 1, timeout: 10)
            try await writer.value
            #expect(live.first?.event == "started")
            #expect(Date().timeIntervalSince(started) < 5)
        }
    }

    @Test func metricsAreServedInPrometheusFormat() async throws {
        let node = try node()
        node.metrics.register(camera: "demo")
        node.metrics.frameProcessed(camera: "demo", seconds: 0.004)
        node.metrics.eventStored(kind: .intrusion, phase: .started)
        try node.store.append(phase("demo/fence/1", .started, at: 1, camera: "demo"), wallTime: Date())
        try await LiveAPI.with(node) { http in
            let text = try http.request("GET", "/metrics").text
            #expect(text.contains(#"vigie_frames_total{camera="demo"} 1"#))
            #expect(text.contains("vigie_frame_processing_seconds_bucket"))
            #expect(text.contains(#"vigie_events_total{kind="intrusion",phase="started"} 1"#))
            #expect(text.contains(#"vigie_outbox_depth{sink="mqtt"} 1"#))
        }
    }
}
