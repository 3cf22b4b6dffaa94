import ArgumentParser
import Foundation
import Logging
import Vigie
import VigieServer

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the service: many cameras, an event store, MQTT and webhook delivery, an HTTP API and the operator console.",
        discussion: """
            --config SITE.json names the cameras (scene file and input: a file, a FIFO, an rtsp:// or http:// \
            URL or an ffmpeg argument list), the SQLite store, the journal, the HTTP bind address, the MQTT \
            broker, the webhook and the API tokens (Documentation/Service.md). Without --config, a built-in demo \
            site runs: two simulated school-gate cameras in real time, the store and journal in --demo-directory, \
            the console at http://127.0.0.1:8080/ (the demo tokens are printed at start).

            SIGTERM or SIGINT: the HTTP server stops, every camera ends its open events (stored and journaled), \
            the outbox delivers what it can for a few seconds, and the process exits 0. Undelivered events are \
            delivered after the next start.
            """)

    @Option(help: "The site file (JSON). Without it, the built-in demo site.")
    var config: String?

    @Option(help: "Listen on HOST:PORT instead of the site's http.bind (port 0: any free port).")
    var bind: String?

    @Option(help: "The widest image every camera is analysed at, in pixels (64…16384; a wider camera at 1/2, 1/4 or 1/8 size); default: each camera's analysisMaxWidth, else its scene's, else \(Scene.defaultAnalysisMaxWidth).")
    var analysisMaxWidth: Int?

    @Option(help: "The demo site's folder for its store and journal.")
    var demoDirectory = "vigie-demo"

    @Option(help: "The demo site's MQTT broker, HOST:PORT (none by default).")
    var demoMQTT: String?

    func run() async throws {
        var site: SiteConfiguration
        do {
            if let config {
                site = try SiteConfiguration(contentsOf: config)
            } else {
                var mqtt: SiteConfiguration.MQTT?
                if let demoMQTT {
                    let parts = demoMQTT.split(separator: ":")
                    guard parts.count == 2, let port = Int(parts[1]) else {
                        throw ValidationError("--demo-mqtt takes HOST:PORT, got \(demoMQTT)")
                    }
                    mqtt = .init(host: String(parts[0]), port: port)
                }
                site = DemoSite.configuration(directory: demoDirectory, mqtt: mqtt)
                note("vigie: demo site (no --config): 2 simulated cameras; store and journal in \(demoDirectory)/")
                note("vigie: demo tokens: operator \(DemoSite.operatorToken), viewer \(DemoSite.viewerToken)")
            }
            if let width = analysisMaxWidth {
                guard (64...16_384).contains(width) else {
                    throw ValidationError("--analysis-max-width must be 64…16384 pixels, got \(width)")
                }
                for i in site.cameras.indices { site.cameras[i].analysisMaxWidth = width }
            }
            if let bind {
                site.http.bind = bind
                try site.validate()
            }
        } catch let error as ValidationError {
            throw error
        } catch {
            throw fail(error)
        }
        var logger = Logger(label: "vigie", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .info
        do {
            try await VigieService(configuration: site, logger: logger).run { host, port in
                note("vigie: listening on http://\(host.contains(":") ? "[\(host)]" : host):\(port)/")
            }
        } catch {
            throw fail(error)
        }
        note("vigie: stopped")
    }
}
