import ArgumentParser
import Foundation
import Vigie

struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write an anonymised, annotated copy of an input: zones, lines, tracks and alert banners.",
        discussion: """
            For people who would rather look than read. Per frame: the scene's standard chain (background, \
            cleanup, blobs, tracker, rules) and the anonymiser; on the anonymised frame, the scene's zones and \
            lines, every track's box and id, the time, and a banner for each alert while it lasts. People are \
            redacted as in `vigie anonymise` (fails closed). OUT is a .y4m file, - for Y4M on stdout, or a \
            folder for JPEG frames (renderNNNNNN.jpg). --events also writes the events as JSON Lines.
            """)

    @Option(help: "The camera's scene file (JSON).")
    var scene: String

    @Option(help: "A folder of JPEG frames, a .jpg, a .y4m, an .mjpeg, or - for stdin.")
    var input: String

    @Option(help: "A .y4m file, - for Y4M on stdout, or a folder for JPEG frames.")
    var output: String

    @Option(help: "Redaction: \(AnonymisationMode.allCases.map(\.rawValue).joined(separator: ", ")).")
    var mode: AnonymisationMode = .silhouette

    @Option(help: "Also append the events to this JSON Lines file.")
    var events: String?

    @Option(help: "Frame rate for inputs that carry no timing (JPEG folders, MJPEG), and of the Y4M written for them (a Y4M input keeps its own); default: the scene's hint, else 25.")
    var fps: Double?

    func validate() throws {
        if let fps, fps <= 0 { throw ValidationError("--fps must be positive") }
        try validateImageOutput(output)
    }

    func run() throws {
        let sceneFile: Scene
        var source: any FrameSource
        var y4m: Y4MWriter?
        var folder: String?
        var createdFolder = false
        var sink: JSONLinesSink?
        do {
            sceneFile = try Scene(contentsOf: URL(fileURLWithPath: scene))
            let rate = fps ?? sceneFile.frameRate ?? 25
            source = try FrameInput.open(input, format: .ycbcr420, framesPerSecond: rate)
            if output == "-" {
                y4m = Y4MWriter(standardOutput: (), framesPerSecond: y4mRate(for: source, fps: rate))
            } else if output.lowercased().hasSuffix(".y4m") {
                y4m = try Y4MWriter(path: output, framesPerSecond: y4mRate(for: source, fps: rate))
            } else {
                createdFolder = !FileManager.default.fileExists(atPath: output)
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
                folder = output
            }
            sink = try events.map { try JSONLinesSink(path: $0, mode: .append) }
        } catch {
            throw fail(error)
        }
        defer { y4m?.close() }
        var pipeline = ScenePipeline(scene: sceneFile)
        for (id, reason) in pipeline.rules.unsupported { note("vigie: rule \(id) skipped: \(reason)") }
        var configuration = Anonymiser.Configuration()
        configuration.mode = mode
        var anonymiser = Anonymiser(configuration, privacyMasks: sceneFile.privacyMasks)
        var overlay = Overlay(zones: sceneFile.zones, lines: sceneFile.lines)
        var banners = AlertBanners()
        var frames = 0, alerts = 0
        let progress = Progress(total: knownFrameCount(input))
        do {
            while let frame = try source.nextSkippingCorruptFrames(report: { note("vigie: skipped: \($0)") }) {
                let (raised, foreground) = try pipeline.processKeepingMask(frame)
                for event in raised {
                    try sink?.send(event)
                    if event.phase == .started { alerts += 1 }
                }
                banners.update(with: raised)
                var image = try anonymiser.process(AnonymiserInput(frame: frame, foreground: foreground,
                                                                   tracks: pipeline.tracks, model: pipeline.motion.model))
                overlay.tracks = pipeline.tracks
                overlay.labels = [String(format: "%@ %.1f S", sceneFile.cameraID.uppercased(), frame.timestamp.seconds)]
                    + banners.lines
                image = image.drawing(overlay)
                if let y4m {
                    try y4m.write(image)
                } else if let folder {
                    try JPEGFileWriter.write(image, to: folder + "/" + String(format: "render%06d.jpg", frame.number))
                }
                banners.dropInstants()
                frames += 1
                progress.advance()
            }
            for event in try pipeline.finish() { try sink?.send(event) }
        } catch {
            progress.finish()
            if let closing = try? pipeline.finish() { for event in closing { try? sink?.send(event) } }
            throw fail(error)
        }
        progress.finish()
        guard frames > 0 else {
            y4m?.close()
            throw noFrames(from: input, output: output, createdFolder: createdFolder)
        }
        note("vigie: \(frames) frames rendered to \(output), \(alerts) alerts")
    }
}

/// Banner text for each alert while it lasts (instants — crossings, projectiles — for one frame).
struct AlertBanners {
    private var open: [String: String] = [:]
    private var instants: Set<String> = []

    mutating func update(with events: [Event]) {
        for event in events {
            let text = "\(event.kind.rawValue.uppercased()) \(event.zoneID ?? event.lineID ?? "")"
                + (event.measurements.reason.map { " \($0.uppercased())" } ?? "")
            switch event.phase {
            case .started, .updated: open[event.id] = text
            case .ended:
                if event.endTime == event.startTime { instants.insert(event.id) } else { open[event.id] = nil }
            }
        }
    }

    /// Banners to draw, sorted.
    var lines: [String] { open.values.sorted() }

    /// Ends the banners of instants after they were drawn once.
    mutating func dropInstants() {
        for id in instants { open[id] = nil }
        instants.removeAll()
    }
}
