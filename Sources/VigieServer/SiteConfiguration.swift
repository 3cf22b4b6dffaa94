import Foundation
import VigieRules

/// The service's site file (`vigie serve --config site.json`): cameras, storage, journal, HTTP,
/// MQTT, webhook and operator tokens. Strict JSON like scene files: an unknown key, a wrong type or
/// an out-of-range value is an error that names the field (`cameras[1].input: …`).
/// Schema: `Documentation/site.schema.json`; guide: `Documentation/Service.md`.
public struct SiteConfiguration: Sendable, Hashable, Decodable {
    /// One camera: its id, its scene file and where its frames come from.
    public struct Camera: Sendable, Hashable, Decodable {
        /// The camera id; must equal the scene's `cameraID` when a scene file is given.
        public var id: String
        /// Path of the camera's scene file (relative to the site file's folder), or nil for a
        /// `simulated` camera, which brings its own scene.
        public var scene: String?
        /// Where the frames come from.
        public var input: CameraInput
        /// Frames per second for inputs that carry no timing (JPEG folders, MJPEG); default: the
        /// scene's hint, else 25.
        public var fps: Double?
        /// Read the input at its frame rate, like a live camera (`true`), or as fast as the camera's
        /// thread goes (`false`). Default (nil): simulated cameras are paced, file inputs are not;
        /// URL and ffmpeg inputs are paced by their source.
        public var realtime: Bool?
        /// The widest image this camera is analysed at, in pixels (64…16384): overrides the
        /// scene's `analysisMaxWidth` (default 960). Nil: the scene's.
        public var analysisMaxWidth: Int?

        enum CodingKeys: String, CodingKey, CaseIterable {
            case id, scene, input, url, ffmpeg, simulated, fps, realtime, analysisMaxWidth
        }

        /// A camera from its fields.
        public init(id: String, scene: String?, input: CameraInput, fps: Double? = nil, realtime: Bool? = nil) {
            self.id = id
            self.scene = scene
            self.input = input
            self.fps = fps
            self.realtime = realtime
        }

        /// Decodes one camera; exactly one of `input`, `url`, `ffmpeg` and `simulated`.
        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(String.self, forKey: .id)
            scene = try c.decodeIfPresent(String.self, forKey: .scene)
            fps = try c.decodeIfPresent(Double.self, forKey: .fps)
            realtime = try c.decodeIfPresent(Bool.self, forKey: .realtime)
            analysisMaxWidth = try c.decodeIfPresent(Int.self, forKey: .analysisMaxWidth)
            if let width = analysisMaxWidth, !(64...16_384).contains(width) {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: c.codingPath + [CodingKeys.analysisMaxWidth],
                    debugDescription: "must be 64…16384 pixels, got \(width)"))
            }
            var inputs: [CameraInput] = []
            if let path = try c.decodeIfPresent(String.self, forKey: .input) { inputs.append(.path(path)) }
            if let url = try c.decodeIfPresent(String.self, forKey: .url) { inputs.append(.url(url)) }
            if let args = try c.decodeIfPresent([String].self, forKey: .ffmpeg) { inputs.append(.ffmpeg(args)) }
            if let name = try c.decodeIfPresent(String.self, forKey: .simulated) {
                guard let demo = DemoSite.Simulation(rawValue: name) else {
                    throw DecodingError.dataCorrupted(.init(
                        codingPath: c.codingPath + [CodingKeys.simulated],
                        debugDescription: "unknown simulation \"\(name)\"; expected one of "
                            + DemoSite.Simulation.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")))
                }
                inputs.append(.simulated(demo))
            }
            guard inputs.count == 1 else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: c.codingPath,
                    debugDescription: inputs.isEmpty
                        ? "needs one of \"input\", \"url\", \"ffmpeg\" or \"simulated\""
                        : "give only one of \"input\", \"url\", \"ffmpeg\" and \"simulated\""))
            }
            input = inputs[0]
        }
    }

    /// Where the SQLite event store lives and how long it keeps events.
    public struct Storage: Sendable, Hashable, Decodable {
        /// The SQLite file (created with its folder if missing).
        public var path: String
        /// Days an event is kept (default 365: 12 months, as the decree's logging).
        public var retentionDays: Int

        enum CodingKeys: String, CodingKey, CaseIterable { case path, retentionDays }

        /// Storage settings.
        public init(path: String, retentionDays: Int = 365) {
            self.path = path
            self.retentionDays = retentionDays
        }

        /// Decodes the storage object, rejecting unknown keys.
        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            path = try c.decode(String.self, forKey: .path)
            retentionDays = try c.decodeIfPresent(Int.self, forKey: .retentionDays) ?? 365
        }
    }

    /// The HTTP listener.
    public struct HTTP: Sendable, Hashable, Decodable {
        /// `host:port`; default `127.0.0.1:8080`. Listening beyond loopback needs an explicit
        /// address here (`0.0.0.0:8080`).
        public var bind: String
        /// The largest request body accepted, bytes (default 64 KiB).
        public var maxBodyBytes: Int

        enum CodingKeys: String, CodingKey, CaseIterable { case bind, maxBodyBytes }

        /// HTTP settings.
        public init(bind: String = "127.0.0.1:8080", maxBodyBytes: Int = 65_536) {
            self.bind = bind
            self.maxBodyBytes = maxBodyBytes
        }

        /// Decodes the http object, rejecting unknown keys.
        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            bind = try c.decodeIfPresent(String.self, forKey: .bind) ?? "127.0.0.1:8080"
            maxBodyBytes = try c.decodeIfPresent(Int.self, forKey: .maxBodyBytes) ?? 65_536
        }

        /// The host and port of `bind`.
        public var hostAndPort: (host: String, port: Int)? {
            guard let colon = bind.lastIndex(of: ":"), let port = Int(bind[bind.index(after: colon)...]),
                  (0...65_535).contains(port) else { return nil }
            var host = String(bind[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            return host.isEmpty ? nil : (host, port)
        }
    }

    /// The MQTT broker events are published to (QoS 1).
    public struct MQTT: Sendable, Hashable, Decodable {
        /// Broker host name or address.
        public var host: String
        /// Broker port (default 1883).
        public var port: Int
        /// The client id (default `vigie-<hostname>`); each service node needs its own.
        public var clientID: String?
        /// First topic level (default `vigie`): `<prefix>/<camera>/event/<kind>`.
        public var topicPrefix: String
        /// Optional user name and password.
        public var username: String?
        /// Optional password (with `username`).
        public var password: String?

        enum CodingKeys: String, CodingKey, CaseIterable { case host, port, clientID, topicPrefix, username, password }

        /// MQTT settings.
        public init(host: String, port: Int = 1883, clientID: String? = nil, topicPrefix: String = "vigie",
                    username: String? = nil, password: String? = nil) {
            self.host = host
            self.port = port
            self.clientID = clientID
            self.topicPrefix = topicPrefix
            self.username = username
            self.password = password
        }

        /// Decodes the mqtt object, rejecting unknown keys.
        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            host = try c.decode(String.self, forKey: .host)
            port = try c.decodeIfPresent(Int.self, forKey: .port) ?? 1883
            clientID = try c.decodeIfPresent(String.self, forKey: .clientID)
            topicPrefix = try c.decodeIfPresent(String.self, forKey: .topicPrefix) ?? "vigie"
            username = try c.decodeIfPresent(String.self, forKey: .username)
            password = try c.decodeIfPresent(String.self, forKey: .password)
        }
    }

    /// An HTTP receiver every event is POSTed to (at least once, from the outbox).
    public struct Webhook: Sendable, Hashable, Decodable {
        /// The receiver's `http://` or `https://` URL.
        public var url: String

        enum CodingKeys: String, CodingKey, CaseIterable { case url }

        /// A webhook.
        public init(url: String) { self.url = url }

        /// Decodes the webhook object, rejecting unknown keys.
        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            url = try decoder.container(keyedBy: CodingKeys.self).decode(String.self, forKey: .url)
        }
    }

    /// An API token: who holds it and what it may do.
    public struct Token: Sendable, Hashable, Decodable {
        /// The holder's name, recorded with each decision (`alice`, `night-shift`).
        public var name: String
        /// The secret sent as `Authorization: Bearer <token>`; at least 16 characters.
        public var token: String
        /// What the holder may do.
        public var role: Role

        enum CodingKeys: String, CodingKey, CaseIterable { case name, token, role }

        /// A token.
        public init(name: String, token: String, role: Role) {
            self.name = name
            self.token = token
            self.role = role
        }

        /// Decodes one token, rejecting unknown keys and unknown roles.
        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            token = try c.decode(String.self, forKey: .token)
            let roleName = try c.decode(String.self, forKey: .role)
            guard let role = Role(rawValue: roleName) else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: c.codingPath + [CodingKeys.role],
                    debugDescription: "unknown role \"\(roleName)\"; expected \"viewer\" or \"operator\""))
            }
            self.role = role
        }
    }

    /// What a token may do: a viewer reads; an operator also records decisions.
    public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
        /// Reads cameras, events, previews and snapshots.
        case viewer
        /// A viewer who also acknowledges events (records the decision).
        case `operator`
    }

    /// The cameras.
    public var cameras: [Camera]
    /// The event store.
    public var storage: Storage
    /// Path of the hash-chained alert journal (events and operator decisions); nil: none.
    public var journal: String?
    /// The HTTP API.
    public var http: HTTP
    /// The MQTT broker; nil: no MQTT delivery.
    public var mqtt: MQTT?
    /// The webhook receiver; nil: none.
    public var webhook: Webhook?
    /// API tokens (at least one).
    public var tokens: [Token]
    /// The folder relative paths are resolved against (the site file's folder).
    public var baseDirectory: String

    enum CodingKeys: String, CodingKey, CaseIterable { case cameras, storage, journal, http, mqtt, webhook, tokens }

    /// A site from its parts.
    public init(cameras: [Camera], storage: Storage, journal: String? = nil, http: HTTP = HTTP(), mqtt: MQTT? = nil,
                webhook: Webhook? = nil, tokens: [Token], baseDirectory: String = ".") {
        self.cameras = cameras
        self.storage = storage
        self.journal = journal
        self.http = http
        self.mqtt = mqtt
        self.webhook = webhook
        self.tokens = tokens
        self.baseDirectory = baseDirectory
    }

    /// Decodes a site object, rejecting unknown keys (use ``init(json:baseDirectory:)``).
    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        cameras = try c.decode([Camera].self, forKey: .cameras)
        storage = try c.decode(Storage.self, forKey: .storage)
        journal = try c.decodeIfPresent(String.self, forKey: .journal)
        http = try c.decodeIfPresent(HTTP.self, forKey: .http) ?? HTTP()
        mqtt = try c.decodeIfPresent(MQTT.self, forKey: .mqtt)
        webhook = try c.decodeIfPresent(Webhook.self, forKey: .webhook)
        tokens = try c.decode([Token].self, forKey: .tokens)
        baseDirectory = "."
    }

    /// Decodes and validates a site file's JSON; relative paths resolve against `baseDirectory`.
    /// - Throws: `SiteConfigurationError` naming the field.
    public init(json data: Data, baseDirectory: String) throws(SiteConfigurationError) {
        do {
            self = try decodeStrictJSON(SiteConfiguration.self, from: data)
        } catch {
            throw SiteConfigurationError(error)
        }
        self.baseDirectory = baseDirectory
        try validate()
    }

    /// Reads, decodes and validates a site file.
    public init(contentsOf path: String) throws(SiteConfigurationError) {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            throw .unreadable(path: path, reason: !exists ? "no such file" : isDirectory.boolValue ? "is a folder" : "cannot be read")
        }
        try self.init(json: data, baseDirectory: URL(fileURLWithPath: path).deletingLastPathComponent().path)
    }

    /// `path` resolved against ``baseDirectory`` unless absolute.
    public func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : URL(fileURLWithPath: baseDirectory).appendingPathComponent(path).path
    }

    /// Checks ranges and references; throws the first problem.
    public func validate() throws(SiteConfigurationError) {
        func fail(_ field: String, _ reason: String) -> SiteConfigurationError { .invalidValue(field: field, reason: reason) }
        guard !cameras.isEmpty else { throw fail("cameras", "needs at least one camera") }
        var ids = Set<String>()
        for (i, camera) in cameras.enumerated() {
            let field = "cameras[\(i)]"
            guard !camera.id.isEmpty, camera.id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
                throw fail("\(field).id", "\"\(camera.id)\" must be letters, digits, '-', '_' or '.' (it is an MQTT topic level and a URL path segment)")
            }
            guard ids.insert(camera.id).inserted else { throw fail("\(field).id", "\"\(camera.id)\" is used twice") }
            if case .simulated = camera.input {} else if camera.scene == nil {
                throw fail("\(field).scene", "missing (required unless the camera is simulated)")
            }
            if let fps = camera.fps, !(fps > 0 && fps <= 240) { throw fail("\(field).fps", "must be in 0…240, got \(fps)") }
            switch camera.input {
            case let .url(url):
                guard let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(),
                      ["rtsp", "rtsps", "http", "https", "rtmp", "udp", "srt"].contains(scheme), parsed.host != nil else {
                    throw fail("\(field).url", "\"\(url)\" is not an rtsp://, http(s)://, rtmp://, udp:// or srt:// URL")
                }
            case let .ffmpeg(args):
                guard args.contains("-i") else { throw fail("\(field).ffmpeg", "the argument list needs an input (\"-i\", …)") }
            case let .path(path):
                guard !path.isEmpty else { throw fail("\(field).input", "empty path") }
            case .simulated: break
            }
        }
        guard storage.retentionDays >= 1 else {
            throw fail("storage.retentionDays", "must be at least 1, got \(storage.retentionDays)")
        }
        guard !storage.path.isEmpty else { throw fail("storage.path", "empty path") }
        guard http.hostAndPort != nil else { throw fail("http.bind", "\"\(http.bind)\" is not HOST:PORT") }
        guard http.maxBodyBytes >= 1024 && http.maxBodyBytes <= 16 << 20 else {
            throw fail("http.maxBodyBytes", "must be in 1024…16777216, got \(http.maxBodyBytes)")
        }
        if let mqtt {
            guard (1...65_535).contains(mqtt.port) else { throw fail("mqtt.port", "must be in 1…65535, got \(mqtt.port)") }
            guard !mqtt.host.isEmpty else { throw fail("mqtt.host", "empty host") }
            guard !mqtt.topicPrefix.isEmpty, !mqtt.topicPrefix.contains(where: { "#+".contains($0) }) else {
                throw fail("mqtt.topicPrefix", "must be non-empty, without '#' or '+'")
            }
        }
        if let webhook {
            guard let url = URL(string: webhook.url), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                throw fail("webhook.url", "\"\(webhook.url)\" is not an http:// or https:// URL")
            }
        }
        guard !tokens.isEmpty else { throw fail("tokens", "needs at least one token (the API refuses every request without one)") }
        var secrets = Set<String>()
        for (i, token) in tokens.enumerated() {
            guard token.token.count >= 16 else { throw fail("tokens[\(i)].token", "must be at least 16 characters") }
            guard secrets.insert(token.token).inserted else { throw fail("tokens[\(i)].token", "is used twice") }
            guard !token.name.isEmpty else { throw fail("tokens[\(i)].name", "empty name") }
        }
    }
}

/// Where a camera's frames come from.
public enum CameraInput: Sendable, Hashable {
    /// Any `INPUT` of the CLI: a folder of JPEG frames, a `.jpg`, a `.y4m`, an `.mjpeg`, a FIFO.
    case path(String)
    /// A stream URL (`rtsp://…`, `http://…`) read by a supervised `ffmpeg` child.
    case url(String)
    /// `ffmpeg` input arguments (`["-re", "-i", "clip.mp4"]`) for a supervised `ffmpeg` child,
    /// which adds `-f yuv4mpegpipe -pix_fmt yuv420p -`.
    case ffmpeg([String])
    /// A built-in simulated camera (the demo).
    case simulated(DemoSite.Simulation)

    /// A short description for the API (`rtsp://host/…`, `ffmpeg -i clip.mp4`, `simulated school-gate`);
    /// a URL's user and password are left out.
    public var summary: String {
        switch self {
        case let .path(path):
            return path
        case let .url(url):
            guard var parts = URLComponents(string: url) else { return url }
            parts.user = nil
            parts.password = nil
            return parts.string ?? url
        case let .ffmpeg(args):
            return "ffmpeg " + args.joined(separator: " ")
        case let .simulated(name):
            return "simulated \(name.rawValue)"
        }
    }
}

/// Why a site file was rejected; every message names the field or file and the reason.
public enum SiteConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A field is missing, has the wrong type or an out-of-range value, or is an unknown key.
    case invalidValue(field: String, reason: String)
    /// The site file could not be read.
    case unreadable(path: String, reason: String)
    /// The bytes are not JSON; `reason` carries the line and column.
    case invalidJSON(reason: String)
    /// A camera's scene file is invalid.
    case scene(camera: String, path: String, error: SceneFileError)

    init(_ error: SceneFileError) {
        switch error {
        case let .invalidValue(field, reason): self = .invalidValue(field: field, reason: reason)
        case let .unreadable(path, reason): self = .unreadable(path: path, reason: reason)
        case let .invalidJSON(reason): self = .invalidJSON(reason: reason)
        }
    }

    /// `field: reason`, `cannot read PATH: reason`, `invalid JSON: reason` or
    /// `camera CAM: scene PATH: …`.
    public var description: String {
        switch self {
        case let .invalidValue(field, reason): "\(field): \(reason)"
        case let .unreadable(path, reason): "cannot read \(path): \(reason)"
        case let .invalidJSON(reason): "invalid JSON: \(reason)"
        case let .scene(camera, path, error): "camera \(camera): scene \(path): \(error)"
        }
    }
}
