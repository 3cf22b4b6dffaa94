import Foundation
import SharedTestData
import Testing
import VigieBackground
import VigieDetection
import VigieEvaluation
import VigieIO
import VigiePipeline

/// TUD-Stadtmitte (179 frames, 640x480, people walking in groups at head height) tracked from
/// the HOG person detector's boxes with the classical pedestrian model: issue 18's target is
/// MOTA ≥ 0.30 and IDF1 ≥ 0.40 with no neural network.
@Suite("People tracked from the HOG detector on TUD-Stadtmitte (release builds)")
struct TUDPersonTrackingTests {
    static let ffmpeg: String? = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg", "/opt/homebrew/bin/ffmpeg"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    /// `VIGIE_HOG_MODEL`, or the file `.ci/run` writes.
    static let modelPath = ProcessInfo.processInfo.environment["VIGIE_HOG_MODEL"]
        ?? packageRoot + "/.build/hog-people-model.txt"

    @Test(.enabled(if: ffmpeg != nil, "needs ffmpeg to decode the frames"),
          .enabled(if: SharedTestData.isReleaseBuild, "179 frames of 640x480 through the detector: release build only (.ci/run)"))
    func meetsTheIssueTargets() throws {
        let tud = SharedTestData.root + "/tud/cvpr10_tud_stadtmitte"
        let groundTruthPath = SharedTestData.root + "/motchallenge-gt/TUD-Stadtmitte/gt.txt"
        try #require(FileManager.default.fileExists(atPath: tud + "/DaMultiview-seq7022.png"),
                     "TUD-Stadtmitte absent from ../shared/data (\(tud))")
        try #require(FileManager.default.fileExists(atPath: Self.modelPath), """
            no HOG person model at \(Self.modelPath): Benchmarks/opencv/export_hog_people_model.py writes it from the \
            opencv-contrib-python-headless package (.ci/run does), or set VIGIE_HOG_MODEL
            """)
        let model = try HOGPersonModel(contentsOf: Self.modelPath)
        // The frames as the negatives suite decodes them (25 fps, numbered from 1).
        let clip = try #require(NegativesSuite.clips(sharedData: SharedTestData.root).first { $0.name == "TUD-Stadtmitte" })
        let y4m = try NegativesSuite.decode(clip, ffmpeg: Self.ffmpeg!)
        defer { try? FileManager.default.removeItem(atPath: y4m) }
        var source = try Y4MSource(path: y4m)
        var pipeline = TrackingPipeline(model: AdaptiveBackground(), minimumBlobArea: .frameDividedBy(2000, atLeast: 4),
                                        detector: HOGPersonDetector(model: model))
        pipeline.tracksBlobs = false
        var hypotheses: [MOTBox] = []
        var frames = 0
        while let frame = try source.next() {
            frames += 1
            for t in try pipeline.process(frame).tracks ?? [] where t.state == .confirmed {
                hypotheses.append(MOTBox(frame: frame.number, id: t.id, left: Double(t.box.x), top: Double(t.box.y),
                                         width: Double(t.box.width), height: Double(t.box.height)))
            }
        }
        #expect(frames == 179)
        let scores = MOTMetrics.evaluate(groundTruth: try MOTChallengeFile.read(groundTruthPath), hypotheses: hypotheses)
        print(scores.table)
        // Issue 18's target is 0.30 and 0.40; measured 0.544 and 0.548: a fall of 5 points fails.
        #expect(scores.mota >= 0.50, "\(scores.jsonLine)")
        #expect(scores.idf1 >= 0.50, "\(scores.jsonLine)")
    }
}
