import ArgumentParser
import Foundation
import Vigie

extension BackgroundModelKind: ExpressibleByArgument {}
extension MotionPipeline.CleanupPreset: ExpressibleByArgument {}

struct Motion: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one foreground mask per frame (binNNNNNN.pgm, P5, 0 or 255, full input resolution).")

    @Option(help: "A folder of JPEG frames, a .jpg, a .y4m, an .mjpeg, or - for stdin.")
    var input: String

    @Option(help: "Folder for the masks (created if missing).")
    var output: String

    @Option(help: "Background model: \(BackgroundModelKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: BackgroundModelKind = .adaptive

    @Option(help: "Mask cleanup: \(MotionPipeline.CleanupPreset.allCases.map(\.rawValue).joined(separator: ", ")).")
    var cleanup: MotionPipeline.CleanupPreset = .standard

    @Option(help: "Analyse at 1/SCALE of the input size (1, 2, 4 or 8); masks are written at full size.")
    var scale: Int = 1

    @Option(help: "Frame rate for inputs that carry no timing (JPEG folders, MJPEG).")
    var fps: Double = 25

    func validate() throws {
        guard DCTScale(rawValue: scale) != nil else { throw ValidationError("--scale must be 1, 2, 4 or 8, got \(scale)") }
        guard fps > 0 else { throw ValidationError("--fps must be positive") }
    }

    func run() throws {
        do {
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        } catch {
            throw fail(WriteError(path: output, reason: "cannot create folder"))
        }
        var (source, fullSize) = try openForAnalysis(input, scale: scale, fps: fps)
        var pipeline = MotionPipeline(model: model.makeModel(), cleanup: cleanup.cleanup)
        var count = 0, skipped = 0
        let start = Date()
        let progress = Progress(total: knownFrameCount(input))
        do {
            while let frame = try source.nextSkippingCorruptFrames(report: { error in
                skipped += 1
                note("vigie: skipped: \(error)")
            }) {
                var mask = try pipeline.process(frame)
                if let (w, h) = fullSize, mask.width != w || mask.height != h {
                    mask = mask.upscaled(toWidth: w, height: h)
                }
                let name = String(format: "bin%06d.pgm", frame.number)
                try PGMWriter.write(mask, to: output + "/" + name)
                count += 1
                progress.advance()
            }
        } catch {
            progress.finish()
            throw fail(error)
        }
        progress.finish()
        guard count > 0 else { throw noFrames(from: input, output: nil) }
        let seconds = Date().timeIntervalSince(start)
        note("vigie: \(count) masks written to \(output) in \(String(format: "%.1f", seconds)) s" + (skipped > 0 ? ", \(skipped) frames skipped" : ""))
    }
}
