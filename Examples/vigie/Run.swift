import ArgumentParser
import Foundation
import Vigie

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scene's rules on an input and print events as JSON Lines.",
        discussion: """
            The standard chain: background model, mask cleanup, blobs, identity-free tracker, the scene's \
            rules. Events (started / updated / ended) go to stdout as JSON Lines, or to --events FILE \
            (appended, flushed per event). Open events are ended at the end of the input.
            """)

    @Option(help: "The camera's scene file (JSON).")
    var scene: String

    @Option(help: "A folder of JPEG frames, a .jpg, a .y4m, an .mjpeg, or - for stdin.")
    var input: String

    @Option(help: "Append events to this JSON Lines file instead of stdout.")
    var events: String?

    @Option(help: "Background model: \(BackgroundModelKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: BackgroundModelKind = .adaptive

    @Option(help: "Frame rate for inputs that carry no timing (JPEG folders, MJPEG); default: the scene's hint, else 25.")
    var fps: Double?

    func run() throws {
        let sceneFile: Scene
        do {
            sceneFile = try Scene(contentsOf: URL(fileURLWithPath: scene))
        } catch {
            throw fail(error)
        }
        var sink: JSONLinesSink
        var source: any FrameSource
        do {
            sink = try events.map { try JSONLinesSink(path: $0, mode: .append) } ?? JSONLinesSink(standardOutput: ())
            source = try FrameInput.open(input, format: .ycbcr420, framesPerSecond: fps ?? sceneFile.frameRate ?? 25)
        } catch {
            throw fail(error)
        }
        var pipeline = ScenePipeline(scene: sceneFile, model: model.makeModel())
        for (id, reason) in pipeline.rules.unsupported { note("vigie: rule \(id) skipped: \(reason)") }
        var count = 0, frames = 0
        do {
            while let frame = try source.nextSkippingCorruptFrames(report: { note("vigie: skipped: \($0)") }) {
                for event in try pipeline.process(frame) {
                    try sink.send(event)
                    count += 1
                }
                frames += 1
                if frames % 500 == 0 { note("vigie: \(frames) frames, \(count) events") }
            }
            for event in try pipeline.finish() {
                try sink.send(event)
                count += 1
            }
            try sink.flush()
        } catch {
            // Whatever was open is ended and written before reporting the failure: nothing is lost.
            if let closing = try? pipeline.finish() { for event in closing { try? sink.send(event) } }
            throw fail(error)
        }
        note("vigie: \(frames) frames, \(count) events")
    }
}
