import ArgumentParser
import Foundation
import Vigie

extension Eval {
    struct Fire: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fire",
            abstract: "Run the fire detector and a fire rule over a clip; score frames against FURG-style boxes.",
            discussion: """
                INPUT is anything `vigie info` reads (a .y4m, a folder of JPEG frames, - for standard input). \
                A video goes through ffmpeg:
                  ffmpeg -i house6.mp4 -f yuv4mpegpipe -pix_fmt yuv420p - | vigie eval fire - --annotations house6.xml
                With --annotations (FURG fire XML, frame numbers from 0) each frame is scored: detected when a \
                region overlaps a fire box. Without, every frame is a negative (false-positive count). Two \
                decisions are scored: the detector's (regions on this frame) and the rule's (a `fire` event open, \
                default minDuration 2 s). Prints a table, then one JSON line.
                """)

        @Argument(help: "The clip (.y4m, JPEG folder, or - for a Y4M stream on stdin).")
        var input: String

        @Option(help: "FURG fire annotation XML; without it every frame counts as a negative.")
        var annotations: String?

        @Option(help: "Frame rate for inputs without timing (JPEG folders).")
        var fps: Double = 25

        @Option(help: "Fire detector: minimum Cr − Cb of a fire-coloured cell (default 40).")
        var minChromaDifference: Double?

        @Option(help: "Fire detector: luma change between frames that counts as flicker (default 5).")
        var deadBand: Double?

        @Option(help: "Fire detector: minimum irregularity (CV of peak intervals) of a flickering cell (default 0.3).")
        var minIrregularity: Double?

        @Option(help: "Fire detector: cell side in pixels (even, 2…16; default from the frame width).")
        var cellSize: Int?

        @Flag(help: "List each frame's regions (box, score, flicker, irregularity) on stderr.")
        var list = false

        func validate() throws {
            if let cellSize, cellSize < 2 || cellSize > 16 || cellSize % 2 != 0 {
                throw ValidationError("--cell-size must be even, 2…16, got \(cellSize)")
            }
        }

        func run() throws {
            do {
                let truth = try annotations.map { try FURGFireAnnotations(path: $0) }
                var source = try FrameInput.open(input, format: .ycbcr420, framesPerSecond: fps)
                let scene = try Scene(json: Data(#"{"cameraID": "eval", "rules": [{"id": "fire", "kind": "fire"}]}"#.utf8))
                var engine = RuleEngine(scene: scene, streamStart: Date(timeIntervalSince1970: 0))
                var configuration = FireDetector.Configuration()
                if let minChromaDifference { configuration.minChromaDifference = minChromaDifference }
                if let deadBand { configuration.deadBand = deadBand }
                if let minIrregularity { configuration.minIrregularity = minIrregularity }
                configuration.cellSize = cellSize
                var detector = FireDetector(configuration: configuration)
                var detectorScores = FireDetectionScores(), ruleScores = FireDetectionScores()
                var open = false, events = 0, lastBoxes: [PixelRect] = []
                var index = 0, elapsed = 0.0, size = (0, 0)
                while let frame = try source.next() {
                    size = (frame.width, frame.height)
                    let start = Date()
                    let cues = try detector.process(frame)
                    elapsed += Date().timeIntervalSince(start)
                    let input = RuleInput(timestamp: frame.timestamp, frameWidth: frame.width, frameHeight: frame.height,
                                          tracks: [], tracked: false, cues: SceneCues(fire: cues))
                    for event in try engine.process(input) where event.kind == .fire {
                        if event.phase == .started { open = true; events += 1 }
                        if event.phase == .ended { open = false }
                    }
                    let boxes = cues.regions.map(\.box)
                    if list && !cues.regions.isEmpty {
                        note("frame \(index): " + cues.regions.map {
                            String(format: "%d,%d %dx%d score %.2f flicker %.2f irregularity %.2f", $0.box.x, $0.box.y,
                                   $0.box.width, $0.box.height, $0.score, $0.flicker, $0.irregularity)
                        }.joined(separator: "; "))
                    }
                    if !boxes.isEmpty { lastBoxes = boxes }
                    let expected = truth?.boxes(atFrame: index) ?? []
                    detectorScores.add(detected: boxes, truth: expected)
                    ruleScores.add(detected: open ? (boxes.isEmpty ? lastBoxes : boxes) : [], truth: expected)
                    index += 1
                    if index % 300 == 0 { note("vigie: \(index) frames") }
                }
                print("input: \(input) (\(size.0)x\(size.1), \(index) frames)")
                print("decision  frames  TP   FP   FN   precision  recall  F1     box precision  box recall  first TP frame")
                for (name, s) in [("detector", detectorScores), ("rule", ruleScores)] {
                    print(String(format: "%-9@ %6d  %4d %4d %4d  %.3f      %.3f   %.3f  %.3f          %.3f       %@",
                                 name as NSString, s.frames, s.truePositiveFrames, s.falsePositiveFrames,
                                 s.falseNegativeFrames, s.precision, s.recall, s.f1, s.boxPrecision, s.boxRecall,
                                 (s.firstDetectionFrame.map { "\($0)" } ?? "-") as NSString))
                }
                print("fire events started: \(events)")
                let ms = index > 0 ? elapsed / Double(index) * 1000 : 0
                note(String(format: "vigie: fire detector %.3f ms per frame", ms))
                func json(_ s: FireDetectionScores) -> String {
                    String(format: #"{"tp":%d,"fp":%d,"fn":%d,"precision":%.4f,"recall":%.4f,"f1":%.4f,"boxPrecision":%.4f,"boxRecall":%.4f,"firstDetectionFrame":%@}"#,
                           s.truePositiveFrames, s.falsePositiveFrames, s.falseNegativeFrames, s.precision, s.recall, s.f1,
                           s.boxPrecision, s.boxRecall, (s.firstDetectionFrame.map { "\($0)" } ?? "null") as NSString)
                }
                print(#"{"frames":\#(index),"events":\#(events),"detector":\#(json(detectorScores)),"rule":\#(json(ruleScores))}"#)
            } catch {
                throw fail(error)
            }
        }
    }
}
