import Foundation
import Testing
import VigieServer

@Suite("Site file")
struct SiteConfigurationTests {
    static let valid = #"""
    {"cameras": [
       {"id": "quai-1", "scene": "scenes/quai-1.json", "input": "/dev/video-fifo"},
       {"id": "quai-2", "scene": "scenes/quai-2.json", "url": "rtsp://user:secret@10.0.0.2/stream1"},
       {"id": "hall", "scene": "scenes/hall.json", "ffmpeg": ["-re", "-i", "hall.mp4"]},
       {"id": "demo", "simulated": "school-gate"}],
     "storage": {"path": "data/events.sqlite", "retentionDays": 30},
     "journal": "data/alerts.journal",
     "http": {"bind": "127.0.0.1:0"},
     "mqtt": {"host": "127.0.0.1", "port": 1883},
     "webhook": {"url": "http://127.0.0.1:9000/hook"},
     "tokens": [{"name": "alice", "token": "0123456789abcdef0", "role": "operator"},
                {"name": "wall", "token": "fedcba9876543210f", "role": "viewer"}]}
    """#

    func parse(_ text: String) throws(SiteConfigurationError) -> SiteConfiguration {
        try SiteConfiguration(json: Data(text.utf8), baseDirectory: "/etc/vigie")
    }

    func error(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func validSiteDecodesEveryInputKind() throws {
        let site = try parse(Self.valid)
        #expect(site.cameras.map(\.id) == ["quai-1", "quai-2", "hall", "demo"])
        #expect(site.cameras[0].input == .path("/dev/video-fifo"))
        #expect(site.cameras[2].input == .ffmpeg(["-re", "-i", "hall.mp4"]))
        #expect(site.cameras[3].input == .simulated(.schoolGate))
        #expect(site.storage.retentionDays == 30)
        #expect(site.resolve(site.storage.path) == "/etc/vigie/data/events.sqlite")
        #expect(site.http.hostAndPort?.port == 0)
        #expect(site.tokens[0].role == .operator && site.tokens[1].role == .viewer)
        // Credentials never reach the API's description of an input.
        #expect(site.cameras[1].input.summary == "rtsp://10.0.0.2/stream1")
    }

    @Test func defaultsAreLoopbackAndTwelveMonths() throws {
        let site = try parse(#"""
            {"cameras": [{"id": "a", "simulated": "school-gate"}], "storage": {"path": "e.sqlite"},
             "tokens": [{"name": "n", "token": "0123456789abcdef0", "role": "viewer"}]}
            """#)
        #expect(site.http.bind == "127.0.0.1:8080")
        #expect(site.storage.retentionDays == 365)
        #expect(site.mqtt == nil && site.webhook == nil && site.journal == nil)
    }

    @Test(arguments: [
        (#""retentionDays": 30"#, #""retentionDayz": 30"#, "storage.retentionDayz: unknown key; did you mean \"retentionDays\"?"),
        (#""bind": "127.0.0.1:0""#, #""bind": "localhost""#, "http.bind: \"localhost\" is not HOST:PORT"),
        (#""role": "viewer""#, #""role": "admin""#, "tokens[1].role: unknown role \"admin\"; expected \"viewer\" or \"operator\""),
        (#""token": "fedcba9876543210f""#, #""token": "short""#, "tokens[1].token: must be at least 16 characters"),
        (#""id": "hall""#, #""id": "quai-1""#, "cameras[2].id: \"quai-1\" is used twice"),
        (#""simulated": "school-gate""#, #""simulated": "airport""#, "cameras[3].simulated: unknown simulation \"airport\"; expected one of \"school-gate\""),
        (#""url": "rtsp://user:secret@10.0.0.2/stream1""#, #""url": "ftp://x/y""#, "cameras[1].url: \"ftp://x/y\" is not an rtsp://, http(s)://, rtmp://, udp:// or srt:// URL"),
        (#""ffmpeg": ["-re", "-i", "hall.mp4"]"#, #""ffmpeg": ["-re", "-i", "hall.mp4"], "input": "x.y4m""#, "cameras[2]: give only one of \"input\", \"url\", \"ffmpeg\" and \"simulated\""),
        (#""port": 1883"#, #""port": 0"#, "mqtt.port: must be in 1…65535, got 0"),
        (#""id": "demo", "simulated""#, #""id": "demo/x", "simulated""#, "cameras[3].id: \"demo/x\" must be letters, digits, '-', '_' or '.' (it is an MQTT topic level and a URL path segment)"),
    ])
    func errorsNameTheField(original: String, replacement: String, message: String) {
        #expect(Self.valid.contains(original))
        #expect(error(Self.valid.replacingOccurrences(of: original, with: replacement)) == message)
    }

    @Test func cameraWithoutSceneOrInputIsRejected() {
        let noScene = Self.valid.replacingOccurrences(of: #""scene": "scenes/hall.json", "#, with: "")
        #expect(error(noScene) == "cameras[2].scene: missing (required unless the camera is simulated)")
        let noInput = Self.valid.replacingOccurrences(of: #", "input": "/dev/video-fifo""#, with: "")
        #expect(error(noInput) == "cameras[0]: needs one of \"input\", \"url\", \"ffmpeg\" or \"simulated\"")
    }

    @Test func syntaxErrorsGiveLineAndColumn() {
        let message = error("{\"cameras\": [\n  {\"id\": \"a\",,}\n]}") ?? ""
        #expect(message.hasPrefix("invalid JSON: line 2, column"))
    }

    @Test func missingFileIsUnreadable() {
        #expect(throws: SiteConfigurationError.unreadable(path: "/nonexistent/site.json", reason: "no such file")) {
            _ = try SiteConfiguration(contentsOf: "/nonexistent/site.json")
        }
    }

    @Test func demoSiteIsValid() throws {
        let site = DemoSite.configuration(directory: "/tmp/vigie-demo-test")
        try site.validate()
        #expect(site.cameras.count == 2)
        #expect(site.tokens.contains { $0.role == .operator })
    }
}
