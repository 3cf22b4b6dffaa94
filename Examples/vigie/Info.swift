import ArgumentParser
import Foundation
import Vigie

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print an input's kind, frame size, chroma format and frame count (or frame rate for streams).")

    @Argument(help: "A folder of JPEG frames, a .jpg, a .y4m, an .mjpeg, or - for stdin.")
    var input: String?

    @Flag(help: "Describe a built-in generated test frame instead of an input (needs no file).")
    var sample = false

    func validate() throws {
        if sample == (input != nil) {
            throw ValidationError("give exactly one of INPUT or --sample")
        }
    }

    func run() throws {
        if sample {
            try describeSample()
            return
        }
        let description: InputDescription
        do {
            description = try InputDescription.inspect(input!)
        } catch {
            throw fail(error)
        }
        print("input: \(input!)")
        print("kind: \(description.kind.rawValue)")
        print("frame size: \(description.width)x\(description.height)")
        print("chroma: \(description.chroma)")
        if let count = description.frameCount { print("frames: \(count)") }
        if let fps = description.framesPerSecond { print("frame rate: \(formatRate(fps)) fps") }
    }

    /// Generates a test card, round-trips it through the Y4M reader, and describes it.
    private func describeSample() throws {
        let card = TestCard.y4mStream(width: 640, height: 360, frames: 25)
        let description: InputDescription
        var source: Y4MSource
        do {
            source = try Y4MSource(bytes: card, name: "built-in test card")
            var frames = 0
            while try source.next() != nil { frames += 1 }
            description = InputDescription(kind: .y4m, width: source.header.width, height: source.header.height,
                                           chroma: "YCbCr 4:2:0 (C\(source.header.colourSpace))", frameCount: frames,
                                           framesPerSecond: source.header.framesPerSecond)
        } catch {
            throw fail(error)
        }
        print("input: built-in test card (generated in memory)")
        print("kind: \(description.kind.rawValue)")
        print("frame size: \(description.width)x\(description.height)")
        print("chroma: \(description.chroma)")
        print("frames: \(description.frameCount!)")
        print("frame rate: \(formatRate(description.framesPerSecond!)) fps")
    }
}

func formatRate(_ fps: Double) -> String {
    fps == fps.rounded() ? String(Int(fps)) : String(format: "%.3f", fps)
}
