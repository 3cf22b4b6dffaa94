import ArgumentParser
import Foundation
import Vigie

struct Track: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Track moving objects and write confirmed tracks in the MOT Challenge text format.",
        discussion: """
            Pipeline: background model ─▶ standard mask cleanup ─▶ blobs (at least 1/2000 of the frame) ─▶ tracker; \
            frames before the model is warm (2 s) are not tracked. With --detections, a person detector's boxes \
            (a MOT Challenge det.txt) are tracked beside the blobs, and alone during the warm-up; with \
            --person-model, Vigie's own HOG person detector finds them in each frame. \
            Each line of TRACKS.txt is `frame,id,left,top,width,height,score,-1,-1,-1`: frames numbered as the \
            input numbers them (from 1), boxes in pixels of the input resolution, confirmed tracks only. \
            Any MOT Challenge tool can score it; --ground-truth scores it here (CLEAR MOT and IDF1).
            """)

    @Option(help: "A folder of JPEG frames, a .jpg, a .y4m, an .mjpeg, or - for stdin.")
    var input: String

    @Option(help: "The MOT Challenge text file to write.")
    var output: String

    @Option(help: "Scene file (accepted and checked, not used yet).")
    var scene: String?

    @Option(help: "Background model: \(BackgroundModelKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: BackgroundModelKind = .adaptive

    @Option(help: "Analyse at 1/SCALE of the input size (1, 2, 4 or 8); boxes are written at full size.")
    var scale: Int = 1

    @Option(help: "Frame rate for inputs that carry no timing (JPEG folders, MJPEG).")
    var fps: Double = 25

    @Option(help: "A MOT Challenge ground-truth file: print MOTA, IDF1 and the other scores of the output.")
    var groundTruth: String?

    @Flag(help: "Cut blobs too wide for one upright person into person-wide parts at the valleys of their column profile (experimental: off by default).")
    var splitGroups = false

    @Option(help: "A MOT Challenge detection file (frame,-1,left,top,width,height,score,…; pixels of the input): a person detector's boxes, tracked beside the blobs, and alone while the background model warms up.")
    var detections: String?

    @Option(help: "With --detections: leave out detections scoring under this (in the file's own units).")
    var detectionThreshold: Double?

    @Option(help: "A HOG person model (3,781 numbers: HOGPersonModel): detect people in every frame with it (HOGPersonDetector) and track them beside the blobs, and alone while the background model warms up.")
    var personModel: String?

    @Flag(help: "With --detections or --person-model: track the detections alone, not the blobs.")
    var detectionsOnly = false

    @Flag(help: "Write the blobs the tracker is given instead of its tracks, each with an id of its own (frame × 10000 + its index): scores the detection stage alone.")
    var blobs = false

    func validate() throws {
        guard DCTScale(rawValue: scale) != nil else { throw ValidationError("--scale must be 1, 2, 4 or 8, got \(scale)") }
        guard fps > 0 else { throw ValidationError("--fps must be positive") }
        guard detections != nil || detectionThreshold == nil else {
            throw ValidationError("--detection-threshold needs --detections FILE")
        }
        guard detections != nil || personModel != nil || !detectionsOnly else {
            throw ValidationError("--detections-only needs --detections FILE or --person-model FILE")
        }
        guard detections == nil || personModel == nil else {
            throw ValidationError("--detections and --person-model exclude each other")
        }
        guard !(blobs && (detectionsOnly || detections != nil || personModel != nil)) else {
            throw ValidationError("--blobs writes the blobs alone: it takes no --detections, --person-model or --detections-only")
        }
        guard detectionThreshold?.isFinite ?? true else { throw ValidationError("--detection-threshold must be a finite number") }
    }

    func run() throws {
        if let scene {
            do {
                _ = try Scene(contentsOf: URL(fileURLWithPath: scene))
            } catch {
                throw fail(SceneFileProblem(file: scene, error: error))
            }
            note("vigie: --scene \(scene) is valid but not used by `vigie track` yet", level: .warning)
        }
        var (source, fullSize) = try openForAnalysis(input, scale: scale, fps: fps)
        guard let handle = FileHandle(forWritingAtPath: output) ?? {
            FileManager.default.createFile(atPath: output, contents: nil) ? FileHandle(forWritingAtPath: output) : nil
        }() else {
            throw fail(WriteError(path: output, reason: "cannot create file"))
        }
        defer { try? handle.close() }
        try? handle.truncate(atOffset: 0)

        var detector: (any Detector)?
        do {
            if let detections {
                detector = try ReplayDetector(motChallengeFile: detections, minimumScore: detectionThreshold ?? -.infinity,
                                              scale: scale)
            } else if let personModel {
                detector = HOGPersonDetector(model: try HOGPersonModel(contentsOf: personModel))
            }
        } catch {
            throw fail(error)
        }
        var pipeline = TrackingPipeline(model: model.makeModel(), minimumBlobArea: .frameDividedBy(2000, atLeast: 4),
                                        detector: detector, groupSplitting: splitGroups ? GroupSplitting() : nil)
        pipeline.tracksBlobs = !detectionsOnly
        var written: [MOTBox] = []
        var count = 0, skipped = 0, boxes = 0
        var ids = Set<Int>()
        let start = Date()
        let progress = Progress(total: knownFrameCount(input))
        do {
            while let frame = try source.nextSkippingCorruptFrames(report: { error in
                skipped += 1
                note("vigie: skipped: \(error)")
            }) {
                count += 1
                // Masks are not reliable while the model learns (start-up, a global change).
                let processed = try pipeline.process(frame)
                guard let tracks = processed.tracks else { continue }
                let sx = Double(fullSize?.width ?? frame.width) / Double(frame.width)
                let sy = Double(fullSize?.height ?? frame.height) / Double(frame.height)
                var text = ""
                var objects: [(id: Int, box: PixelRect)] = []
                if self.blobs {
                    // With a detector, frames are tracked during the warm-up too, but their masks mean nothing.
                    guard pipeline.motion.model.isWarm, !pipeline.motion.model.sawGlobalChange else { continue }
                    for (i, b) in pipeline.blobs.process(processed.foreground).enumerated() {
                        objects.append((frame.number * 10000 + i, b.boundingBox))
                    }
                } else {
                    for t in tracks where t.state == .confirmed { objects.append((t.id, t.box)) }
                }
                for (id, b) in objects {
                    let box = MOTBox(frame: frame.number, id: id, left: Double(b.x) * sx, top: Double(b.y) * sy,
                                     width: Double(b.width) * sx, height: Double(b.height) * sy, confidence: 1)
                    text += MOTChallengeFile.line(box) + "\n"
                    if groundTruth != nil { written.append(box) }
                    ids.insert(id)
                    boxes += 1
                }
                if !text.isEmpty { try handle.write(contentsOf: Data(text.utf8)) }
                progress.advance()
            }
        } catch {
            progress.finish()
            throw fail(error)
        }
        progress.finish()
        guard count > 0 else {
            try? handle.close()
            throw noFrames(from: input, output: output)
        }
        let seconds = Date().timeIntervalSince(start)
        let what = blobs ? "\(boxes) blobs" : "\(ids.count) confirmed tracks, \(boxes) boxes"
        note("vigie: \(count) frames, \(what) written to \(output) in "
             + String(format: "%.1f s", seconds) + (skipped > 0 ? ", \(skipped) frames skipped" : ""))
        if let groundTruth {
            do {
                let scores = MOTMetrics.evaluate(groundTruth: try MOTChallengeFile.read(groundTruth), hypotheses: written)
                print(scores.table)
                print(scores.jsonLine)
            } catch {
                throw fail(error)
            }
        }
    }
}
