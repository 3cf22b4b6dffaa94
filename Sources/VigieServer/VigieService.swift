import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import VigieMQTT
import VigieRules

/// `vigie serve`: the reference deployment of the SDK for a supervision centre.
///
/// ```
/// cameras (own threads, ffmpeg children) ─▶ EventStore (SQLite) + journal
///                                               ├─▶ outbox ─▶ MQTT broker, webhook
///                                               └─▶ HTTP API, SSE, console, /metrics
/// ```
///
/// Everything long-lived is a swift-service-lifecycle `Service` in one `ServiceGroup`; SIGTERM or
/// SIGINT shut it down in order: the HTTP server stops (SSE streams end), the cameras end their
/// open events (stored and journaled), the outbox delivers what it can for a few seconds, and the
/// process exits 0. What is not delivered yet is delivered after the next start.
public struct VigieService: Sendable {
    /// The site.
    public let configuration: SiteConfiguration
    /// Extra delivery channels (the MQTT channel is added from the site's `mqtt` object).
    public var channels: [any DeliveryChannel]
    private let logger: Logger

    /// A service for `configuration`.
    public init(configuration: SiteConfiguration, channels: [any DeliveryChannel] = [], logger: Logger) {
        self.configuration = configuration
        self.channels = channels
        self.logger = logger
    }

    /// Loads each camera's scene (a simulated camera brings its own).
    /// - Throws: `SiteConfigurationError.scene` naming the camera and the file.
    func loadScenes() throws(SiteConfigurationError) -> [(SiteConfiguration.Camera, Scene, Data?)] {
        var out: [(SiteConfiguration.Camera, Scene, Data?)] = []
        for camera in configuration.cameras {
            if case let .simulated(simulation) = camera.input, camera.scene == nil {
                do {
                    out.append((camera, try DemoSite.scene(simulation, cameraID: camera.id), Data(DemoSite.schoolGateSceneJSON.utf8)))
                } catch {
                    throw .scene(camera: camera.id, path: "(built-in)", error: error)
                }
                continue
            }
            let path = configuration.resolve(camera.scene ?? "")
            let data: Data
            let scene: Scene
            do {
                scene = try Scene(contentsOf: URL(fileURLWithPath: path))
                data = (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data()
            } catch {
                throw .scene(camera: camera.id, path: path, error: error)
            }
            guard scene.cameraID == camera.id else {
                throw .invalidValue(field: "cameras[\(out.count)].id",
                                    reason: "\"\(camera.id)\" differs from the cameraID \"\(scene.cameraID)\" of \(path)")
            }
            out.append((camera, scene, data))
        }
        return out
    }

    /// Runs until SIGTERM or SIGINT. `onListening` receives the bound host and port once the HTTP
    /// server listens (port 0 in the site file picks a free one).
    public func run(onListening: @escaping @Sendable (String, Int) -> Void = { _, _ in }) async throws {
        let scenes = try loadScenes()
        let store = try EventStore(path: configuration.resolve(configuration.storage.path), logger: logger)
        let journal = try configuration.journal.map { try JournalRecorder(path: configuration.resolve($0)) }
        for (camera, _, data) in scenes {
            if let data { try journal?.recordConfiguration(sceneData: data, cameraID: camera.id) }
        }
        let metrics = ServerMetrics()
        var cameraLogger = logger
        cameraLogger[metadataKey: "vigie.component"] = "camera"
        let cameras = scenes.map { camera, scene, _ in
            var camera = camera
            if case let .path(path) = camera.input, path != "-" { camera.input = .path(configuration.resolve(path)) }
            metrics.register(camera: camera.id)
            return CameraWorker(camera: camera, scene: scene, store: store, journal: journal, metrics: metrics, logger: cameraLogger)
        }
        var channels = self.channels
        if let webhook = configuration.webhook, let url = URL(string: webhook.url) { channels.append(WebhookChannel(url: url)) }
        var mqttLogger = logger
        mqttLogger[metadataKey: "vigie.component"] = "mqtt"
        if let mqtt = configuration.mqtt { channels.append(MQTTChannel(configuration: mqtt, logger: mqttLogger)) }
        let node = VigieNode(configuration: configuration, store: store, cameras: cameras, journal: journal, metrics: metrics,
                             sinkNames: channels.map(\.name), logger: logger)

        let (host, port) = configuration.http.hostAndPort ?? ("127.0.0.1", 8080)
        let app = Application(
            router: APIRouter.build(node: node),
            configuration: .init(address: .hostname(host, port: port), serverName: "vigie"),
            onServerRunning: { channel in
                onListening(host, channel.localAddress?.port ?? port)
            },
            logger: logger)
        let status: [any Service] = configuration.mqtt.map {
            [MQTTStatusService(configuration: $0, cameras: cameras.map(\.camera.id), logger: mqttLogger)]
        } ?? []
        let services: [any Service] = status
            + channels.map { OutboxService(store: store, channel: $0, logger: logger) as any Service }
            + [RetentionService(store: store, days: configuration.storage.retentionDays, logger: logger),
               CameraService(cameras: cameras, logger: logger), app, ShutdownNotice(node: node)]
        let group = ServiceGroup(configuration: .init(
            services: services.map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        journal?.close()
    }
}

/// Starts every camera and, at shutdown, stops them: each ends its open events (stored and
/// journaled) within about 1.5 s; a camera blocked on a stalled input has them ended for it.
struct CameraService: Service {
    let cameras: [CameraWorker]
    let logger: Logger

    func run() async throws {
        for camera in cameras { camera.start() }
        try? await gracefulShutdown()
        for camera in cameras { camera.stop() }
        let deadline = Date(timeIntervalSinceNow: 1.5)
        for camera in cameras {
            let finished = await Task.detached { camera.waitUntilFinished(timeout: max(0, deadline.timeIntervalSinceNow)) }.value
            if !finished {
                let ended = camera.endOpenSituations(reason: "shutdown")
                logger.warning("camera did not stop (stalled input); its open events were ended for it",
                               metadata: ["vigie.camera": "\(camera.camera.id)", "vigie.ended": "\(ended)"])
            }
        }
    }
}

/// The first service told of a graceful shutdown (services stop in reverse order): it tells the
/// node, whose live streams then end, so the HTTP server is not held open by them.
struct ShutdownNotice: Service {
    let node: VigieNode

    func run() async throws {
        try? await gracefulShutdown()
        node.beginShutdown()
    }
}

/// Deletes alerts older than the retention period, at start and every hour.
struct RetentionService: Service {
    let store: EventStore
    let days: Int
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let deleted = try store.deleteAlerts(startedBefore: Date(timeIntervalSinceNow: -Double(days) * 86_400))
                    if deleted > 0 { logger.info("retention: alerts deleted", metadata: ["vigie.count": "\(deleted)"]) }
                } catch {
                    logger.error("retention failed", metadata: ["vigie.error": "\(error)"])
                }
                try await Task.sleep(nanoseconds: 3_600_000_000_000)
            }
        }
    }
}
