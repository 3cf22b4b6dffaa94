import ArgumentParser
import Foundation
import Vigie

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score Vigie against annotated data.",
        subcommands: [CDnet.self, Fire.self])

    struct CDnet: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cdnet",
            abstract: "Run a background model over a CDnet-layout sequence and print the CDnet metrics.",
            discussion: """
                SEQUENCE_DIR holds input/inNNNNNN.jpg, groundtruth/gtNNNNNN.png, temporalROI.txt and ROI.bmp. \
                Every frame is fed from the first (frames before the temporal ROI warm the model up); frames \
                in the temporal ROI are scored inside the ROI mask. Ground truth 255 is foreground, 0 and 50 \
                (hard shadow) background; 85 and 170 are not scored. Prints a table, then one JSON line.
                """)

        @Argument(help: "A CDnet-layout sequence folder.")
        var sequenceDir: String

        @Option(help: "Background model: \(BackgroundModelKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        var model: BackgroundModelKind = .adaptive

        @Option(help: "Mask cleanup: \(MotionPipeline.CleanupPreset.allCases.map(\.rawValue).joined(separator: ", ")).")
        var cleanup: MotionPipeline.CleanupPreset = .standard

        @Option(help: "Analyse at 1/SCALE of the size (1, 2, 4 or 8: frames downscaled by 2x2 averages, as Y4M inputs are at an analysis size); masks are enlarged back (nearest neighbour) and scored at full size.")
        var scale: Int = 1

        func validate() throws {
            guard DCTScale(rawValue: scale) != nil else { throw ValidationError("--scale must be 1, 2, 4 or 8, got \(scale)") }
        }

        func run() throws {
            do {
                let sequence = try CDnetSequence(path: sequenceDir)
                var pipeline = MotionPipeline(model: model.makeModel(), cleanup: cleanup.cleanup)
                let start = Date()
                let scores = try CDnetEvaluator.evaluate(sequence: sequence, progress: { done, total in
                    if done % 200 == 0 { note("vigie: \(done)/\(total) frames") }
                }, segment: { frame in
                    var small = frame
                    var s = scale
                    while s > 1 { small = small.downscaled2x(); s /= 2 }
                    let mask = try pipeline.process(small)
                    return scale == 1 ? mask : mask.upscaled(toWidth: frame.width, height: frame.height)
                })
                let seconds = Date().timeIntervalSince(start)
                print("sequence: \(sequenceDir)")
                print("model: \(model.rawValue)" + (scale == 1 ? "" : ", analysed at 1/\(scale) size"))
                print(scores.table)
                note(String(format: "vigie: evaluated in %.1f s (decoding and scoring included)", seconds))
                print(scores.jsonLine)
            } catch {
                throw fail(error)
            }
        }
    }
}
