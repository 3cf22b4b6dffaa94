import Foundation
import Logging
import Testing
import VigieCore
import VigieEvents
import VigieIO
import VigieServer
import VigieSimulator

/// `vigie serve` as a user runs it: the built binary, a site file, real sockets on loopback.
enum Serve {
    /// The `vigie` executable built beside the tests.
    static let binary: String = {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: exe).deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("vigie").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return "vigie"
    }()

    static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: binary) }
    static var hasFFmpeg: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/ffmpeg") }

    /// A running `vigie serve`: its port once it listens, its stderr so far.
    final class Process: @unchecked Sendable {
        let process = Foundation.Process()
        private let lock = NSLock()
        private var errText = ""
        private(set) var port = 0

        init(arguments: [String]) throws {
            signal(SIGPIPE, SIG_IGN)
            process.executableURL = URL(fileURLWithPath: Serve.binary)
            process.arguments = ["serve"] + arguments
            let err = Pipe()
            process.standardError = err
            process.standardOutput = FileHandle.nullDevice
            err.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let data = handle.availableData
                guard let self, !data.isEmpty else { return }
                self.lock.withLock { self.errText += String(decoding: data, as: UTF8.self) }
            }
            try process.run()
            let deadline = Date(timeIntervalSinceNow: 60)
            while Date() < deadline, process.isRunning {
                if let line = stderr.components(separatedBy: "\n").first(where: { $0.contains("listening on http://127.0.0.1:") }),
                   let port = Int(line.components(separatedBy: "127.0.0.1:").last?.trimmingCharacters(in: CharacterSet(charactersIn: "/ ")) ?? "") {
                    self.port = port
                    return
                }
                usleep(50_000)
            }
            Issue.record("vigie serve did not start listening: \(stderr)")
        }

        var stderr: String { lock.withLock { errText } }
        var http: HTTPProbe { HTTPProbe(port: port) }

        /// Sends `signal` and returns the exit status and how long the exit took (seconds).
        func stop(_ signal: Int32 = SIGTERM, timeout: Double = 20) -> (status: Int32, seconds: Double) {
            let start = Date()
            kill(process.processIdentifier, signal)
            while process.isRunning, Date().timeIntervalSince(start) < timeout { usleep(20_000) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                return (-1, Date().timeIntervalSince(start))
            }
            return (process.terminationStatus, Date().timeIntervalSince(start))
        }
    }

    /// Writes a small Y4M clip (96x72, 10 fps): a person walks into the yard at about 3 s and stays.
    static func clip(seconds: Double, to path: String) throws {
        let scene = SimulatedScene(width: 96, height: 72, framesPerSecond: 10, duration: seconds, seed: 9, actors: [
            Actor(id: 1, kind: .person, path: [Waypoint(2, 0.1, 0.8), Waypoint(3.5, 0.7, 0.8), Waypoint(seconds, 0.72, 0.8)])
        ])
        var simulator = SceneSimulator(scene)
        let writer = try Y4MWriter(path: path, framesPerSecond: (10, 1))
        // Synthetic test footage (no person in it): wrapped only so the writer takes it.
        while let frame = try simulator.next() { try writer.write(AnonymisedFrame(redacted: frame)) }
        writer.close()
    }

    static let scene = #"{"cameraID": "gate", "frameRate": 10, "zones": [{"id": "yard", "polygon": [{"x":0.5,"y":0.3},{"x":0.99,"y":0.3},{"x":0.99,"y":0.99},{"x":0.5,"y":0.99}]}], "rules": [{"id": "in", "kind": "intrusion", "zone": "yard", "minDuration": 0.5}]}"#

    /// A site folder: the scene, a clip and `site.json` with `camera` as the camera object's input part.
    static func site(in folder: TemporaryFolder, camera: String, extra: String = "") throws -> String {
        try scene.write(toFile: folder.file("gate.json"), atomically: true, encoding: .utf8)
        let site = """
            {"cameras": [{"id": "gate", "scene": "gate.json", \(camera)}],
             "storage": {"path": "store/events.sqlite"}, "journal": "alerts.journal",
             "http": {"bind": "127.0.0.1:0"}\(extra),
             "tokens": [{"name": "alice", "token": "\(LiveAPI.operatorToken)", "role": "operator"},
                        {"name": "wall", "token": "\(LiveAPI.viewerToken)", "role": "viewer"}]}
            """
        try site.write(toFile: folder.file("site.json"), atomically: true, encoding: .utf8)
        return folder.file("site.json")
    }

    /// Polls `condition` every 100 ms for at most `timeout` seconds.
    static func eventually(_ timeout: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Date() < deadline {
            if try condition() { return true }
            usleep(100_000)
        }
        return try condition()
    }
}

@Suite("vigie serve (the binary, real sockets)", .serialized,
       .enabled(if: Serve.isBuilt, "needs the vigie executable built beside the tests (swift build)"))
struct ServeProcessTests {
    let folder = TemporaryFolder()

    @Test func aFileCameraRaisesStoresAndStreamsItsAlertThenStopsCleanly() throws {
        try Serve.clip(seconds: 8, to: folder.file("clip.y4m"))
        let site = try Serve.site(in: folder, camera: #""input": "clip.y4m", "realtime": true"#)
        let server = try Serve.Process(arguments: ["--config", site])
        let live = try server.http.events("/api/events/stream", token: LiveAPI.viewerToken, lastEventID: "0", count: 2, timeout: 60)
        #expect(live.map(\.event) == ["started", "ended"], "\(server.stderr)")
        #expect(live.first?.data.contains(#""kind":"intrusion""#) == true)
        #expect(try Serve.eventually(20) {
            let cameras = try server.http.request("GET", "/api/cameras", token: LiveAPI.viewerToken).json["cameras"] as? [[String: Any]]
            return cameras?.first?["state"] as? String == "stopped"
        })
        let cameras = try server.http.request("GET", "/api/cameras", token: LiveAPI.viewerToken).json["cameras"] as? [[String: Any]] ?? []
        #expect(cameras.first?["frames"] as? Int == 80)
        let alerts = try server.http.request("GET", "/api/events", token: LiveAPI.viewerToken).json["events"] as? [[String: Any]] ?? []
        #expect(alerts.count == 1)
        #expect(alerts.first?["snapshotURL"] is String)
        let (status, seconds) = server.stop()
        #expect(status == 0)
        #expect(seconds < 5)
    }

    @Test func sigtermMidSituationEndsItInTheStoreAndTheStreamResumesAfterARestart() throws {
        try Serve.clip(seconds: 60, to: folder.file("clip.y4m"))
        let site = try Serve.site(in: folder, camera: #""input": "clip.y4m", "realtime": true"#)
        var lastID = "0"
        do {
            let server = try Serve.Process(arguments: ["--config", site])
            let first = try server.http.events("/api/events/stream", token: LiveAPI.viewerToken, lastEventID: "0", count: 1, timeout: 60)
            #expect(first.map(\.event) == ["started"], "\(server.stderr)")
            lastID = first.last?.id ?? "0"
            let (status, seconds) = server.stop(SIGTERM)
            #expect(status == 0, "\(server.stderr)")
            #expect(seconds < 5)
        }
        // Everything that started is ended in the store.
        let store = try EventStore(path: folder.file("store/events.sqlite"), logger: quiet)
        let alerts = try store.alerts(.init())
        #expect(alerts.count == 1)
        #expect(try alerts.allSatisfy { try $0.latest().phase == .ended })
        // A client that saw the `started` resumes after a restart and gets the `ended` written at shutdown,
        // then the new run's alert: nothing missed, nothing twice.
        let server = try Serve.Process(arguments: ["--config", site])
        let resumed = try server.http.events("/api/events/stream", token: LiveAPI.viewerToken, lastEventID: lastID, count: 2, timeout: 60)
        #expect(resumed.map(\.event) == ["ended", "started"], "\(server.stderr)")
        #expect(resumed.map(\.id) == [String(Int(lastID)! + 1), String(Int(lastID)! + 2)])
        #expect(server.stop().status == 0)
        let ids = try EventStore(path: folder.file("store/events.sqlite"), logger: quiet).alerts(.init()).map(\.id)
        #expect(Set(ids).count == 2, "a restart must not reuse an event id: \(ids)")
    }

    @Test(.enabled(if: Serve.hasFFmpeg, "needs ffmpeg (Debian package; .ci/run installs it)"))
    func anFFmpegChildThatDiesIsRestarted() throws {
        let site = try Serve.site(in: folder, camera: #""ffmpeg": ["-f", "lavfi", "-i", "testsrc=size=96x72:rate=10", "-t", "1"]"#)
        let server = try Serve.Process(arguments: ["--config", site])
        var camera: [String: Any] = [:]
        let restarted = try Serve.eventually(30) {
            camera = (try server.http.request("GET", "/api/cameras", token: LiveAPI.viewerToken).json["cameras"] as? [[String: Any]])?.first ?? [:]
            return (camera["restarts"] as? Int ?? 0) >= 2 && (camera["frames"] as? Int ?? 0) >= 20
        }
        #expect(restarted, "\(camera) \(server.stderr)")
        #expect((camera["input"] as? String)?.hasPrefix("ffmpeg -f lavfi") == true)
        #expect(server.stop().status == 0)
        // No ffmpeg child is left behind (they were terminated and reaped).
        let survivors = try Serve.eventually(3) {
            let pgrep = Foundation.Process()
            pgrep.executableURL = URL(fileURLWithPath: "/usr/bin/pgrep")
            pgrep.arguments = ["-f", "testsrc=size=96x72:rate=10"]
            pgrep.standardOutput = FileHandle.nullDevice
            try pgrep.run()
            pgrep.waitUntilExit()
            return pgrep.terminationStatus == 1  // 1: no process matched
        }
        #expect(survivors)
    }

    @Test func aStalledCameraDoesNotHoldUpTheOthersOrTheShutdown() throws {
        try Serve.clip(seconds: 8, to: folder.file("clip.y4m"))
        let fifo = folder.file("stall.y4m")
        #expect(mkfifo(fifo, 0o600) == 0)
        try Serve.scene.replacingOccurrences(of: "\"gate\"", with: "\"stall\"").write(toFile: folder.file("stall.json"), atomically: true, encoding: .utf8)
        let site = try Serve.site(in: folder, camera: #""input": "clip.y4m", "realtime": true}, {"id": "stall", "scene": "stall.json", "input": "stall.y4m""#)
        let server = try Serve.Process(arguments: ["--config", site])
        let live = try server.http.events("/api/events/stream", token: LiveAPI.viewerToken, lastEventID: "0", count: 2, timeout: 60)
        #expect(live.map(\.event) == ["started", "ended"], "\(server.stderr)")
        let cameras = try server.http.request("GET", "/api/cameras", token: LiveAPI.viewerToken).json["cameras"] as? [[String: Any]] ?? []
        #expect(cameras.first { $0["id"] as? String == "stall" }?["state"] as? String == "starting")
        #expect(try server.http.request("GET", "/readyz").status == 503)
        let (status, seconds) = server.stop()
        #expect(status == 0, "\(server.stderr)")
        #expect(seconds < 5)
    }

    @Test func aWebhookReceiverDownAtStartGetsEveryEventOnceItIsUp() throws {
        try Serve.clip(seconds: 8, to: folder.file("clip.y4m"))
        let port = Int(try Serve.freePort())
        let site = try Serve.site(in: folder, camera: #""input": "clip.y4m", "realtime": true"#,
                                  extra: #", "webhook": {"url": "http://127.0.0.1:\#(port)/hook"}"#)
        let server = try Serve.Process(arguments: ["--config", site])
        // The receiver is down while the situation starts and ends.
        #expect(try Serve.eventually(60) {
            let alerts = try server.http.request("GET", "/api/events", token: LiveAPI.viewerToken).json["events"] as? [[String: Any]]
            return alerts?.first?["phase"] as? String == "ended"
        }, "\(server.stderr)")
        let received = folder.file("received.jsonl")
        let receiver = try Serve.receiver(port: port, log: received)
        defer { receiver.terminate() }
        let store = try EventStore(path: folder.file("store/events.sqlite"), logger: quiet)
        let stored = try store.phases(after: 0).map { "\($0.event.id)|\($0.event.phase.rawValue)" }
        var lines: [String] = []
        let delivered = Serve.eventually(60) {
            lines = ((try? String(contentsOfFile: received, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            return lines.count >= stored.count
        }
        #expect(delivered, "\(server.stderr)")
        let keys = lines.compactMap { line -> String? in
            guard let event = try? Event(jsonLine: line) else { return nil }
            return "\(event.id)|\(event.phase.rawValue)"
        }
        #expect(Set(keys) == Set(stored))
        #expect(server.stop().status == 0)
    }
}

extension Serve {
    /// A port nothing listens on.
    static func freePort() throws -> UInt16 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return UInt16(bigEndian: address.sin_port)
    }

    /// A real HTTP receiver (Python's http.server) on `port` that appends each POST body as a line
    /// to `log` and answers 200.
    static func receiver(port: Int, log: String) throws -> Foundation.Process {
        let script = """
            import http.server, sys
            class H(http.server.BaseHTTPRequestHandler):
                def do_POST(self):
                    body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                    with open(sys.argv[2], "ab") as f:
                        f.write(body.strip() + b"\\n")
                    self.send_response(200); self.end_headers()
                def log_message(self, *a): pass
            import threading, os
            threading.Timer(300, os._exit, [0]).start()  # never outlives the test by long
            http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
            """
        let process = Foundation.Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, String(port), log]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }
}
