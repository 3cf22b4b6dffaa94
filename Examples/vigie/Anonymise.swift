import ArgumentParser
import Foundation
import Vigie

extension AnonymisationMode: ExpressibleByArgument {}

struct Anonymise: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write an anonymised copy of a video: people redacted, privacy masks filled opaque.",
        discussion: """
            Chain per frame: background model (adaptive) ─▶ standard mask cleanup ─▶ blobs ─▶ tracker ─▶ \
            anonymiser. Redacted: the foreground dilated by 2 % of the image height, every live track's box, \
            whatever differs from the anonymiser's long-term background, and the scene's privacy masks \
            (black). Frames before the model is warm (2 s), after a global change (light, covered camera) or \
            with more than half the frame in motion are flat grey: the command fails closed. \
            OUT is a folder (anonNNNNNN.jpg, numbered as the input numbers its frames), a .y4m file, or - \
            for a Y4M stream on stdout (| ffmpeg -f yuv4mpegpipe -i - out.mp4).
            """)

    @Option(help: "A folder of JPEG frames, a .jpg, a .y4m, an .mjpeg, or - for stdin.")
    var input: String

    @Option(help: "A folder for JPEG frames (created if missing), a .y4m file, or - for Y4M on stdout.")
    var output: String

    @Option(help: "The camera's scene file (JSON); its privacy masks are filled opaque.")
    var scene: String?

    @Option(help: "Redaction: \(AnonymisationMode.allCases.map(\.rawValue).joined(separator: ", ")) (silhouette: nothing of a person survives).")
    var mode: AnonymisationMode = .silhouette

    @Option(help: "Frame rate for inputs that carry no timing (JPEG folders, MJPEG), and of the Y4M written for them (a Y4M input keeps its own); default: the scene's hint, else 25.")
    var fps: Double?

    @Option(help: "JPEG quality for folder output, 1…100.")
    var quality: Int = 85

    @Flag(help: "Draw the scene's zones and lines, track boxes with ids, and the time on the anonymised frames.")
    var overlay = false

    func validate() throws {
        if let fps, fps <= 0 { throw ValidationError("--fps must be positive") }
        guard (1...100).contains(quality) else { throw ValidationError("--quality must be 1…100, got \(quality)") }
        try validateImageOutput(output)
    }

    private enum Sink {
        case folder(String)
        case y4m(Y4MWriter)
    }

    func run() throws {
        var privacyMasks: [PrivacyMask] = []
        var sceneRate: Double?
        var drawing = Overlay()
        if let scene {
            do {
                let file = try Scene(contentsOf: URL(fileURLWithPath: scene))
                if file.statisticsOnly { throw PipelineError.statisticsOnly(cameraID: file.cameraID) }
                privacyMasks = file.privacyMasks
                sceneRate = file.frameRate
                (drawing.zones, drawing.lines) = (file.zones, file.lines)
            } catch {
                throw fail(error)
            }
        }
        var source: any FrameSource
        let sink: Sink
        var createdFolder = false
        do {
            let rate = fps ?? sceneRate ?? 25
            source = try FrameInput.open(input, format: .ycbcr420, framesPerSecond: rate)
            if output == "-" {
                sink = .y4m(Y4MWriter(standardOutput: (), framesPerSecond: y4mRate(for: source, fps: rate)))
            } else if output.lowercased().hasSuffix(".y4m") {
                sink = .y4m(try Y4MWriter(path: output, framesPerSecond: y4mRate(for: source, fps: rate)))
            } else {
                createdFolder = !FileManager.default.fileExists(atPath: output)
                do {
                    try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
                } catch {
                    throw WriteError(path: output, reason: "cannot create folder")
                }
                sink = .folder(output)
            }
        } catch {
            throw fail(error)
        }
        var configuration = Anonymiser.Configuration()
        configuration.mode = mode
        var pipeline = TrackingPipeline(model: AdaptiveBackground(), minimumBlobArea: .frameDividedBy(2000, atLeast: 4))
        var anonymiser = Anonymiser(configuration, privacyMasks: privacyMasks)
        var count = 0, skipped = 0, redacted = 0
        let start = Date()
        let progress = Progress(total: knownFrameCount(input))
        defer { if case let .y4m(writer) = sink { writer.close() } }
        do {
            while let frame = try source.nextSkippingCorruptFrames(report: { error in
                skipped += 1
                note("vigie: skipped: \(error)")
            }) {
                let (mask, tracked) = try pipeline.process(frame)
                let tracks = tracked ?? []
                var image = try anonymiser.process(AnonymiserInput(frame: frame, foreground: mask, tracks: tracks,
                                                                   model: pipeline.motion.model))
                if overlay {
                    drawing.tracks = tracks
                    drawing.labels = [String(format: "%.1f S", frame.timestamp.seconds)]
                    image = image.drawing(drawing)
                }
                if anonymiser.lastFrameFullyRedacted { redacted += 1 }
                switch sink {
                case let .folder(folder):
                    try JPEGFileWriter.write(image, to: folder + "/" + String(format: "anon%06d.jpg", frame.number),
                                             quality: quality)
                case let .y4m(writer):
                    try writer.write(image)
                }
                count += 1
                progress.advance()
            }
        } catch {
            progress.finish()
            throw fail(error)
        }
        progress.finish()
        guard count > 0 else {
            if case let .y4m(writer) = sink { writer.close() }
            throw noFrames(from: input, output: output, createdFolder: createdFolder)
        }
        let seconds = Date().timeIntervalSince(start)
        note("vigie: \(count) frames anonymised (\(mode.rawValue)), \(redacted) fully redacted, to \(output) in "
             + String(format: "%.1f s", seconds) + (skipped > 0 ? ", \(skipped) frames skipped" : ""))
    }
}
