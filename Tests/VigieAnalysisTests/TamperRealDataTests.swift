import Foundation
import Testing
import VigieAnalysis
import VigieBackground
import VigieCore
import VigieIO

/// The tamper detector on real footage (PETS 2009 S2L1 View 001, 768x576, a static camera with
/// people walking): no condition may hold once the view is learned, and the detector's cost
/// against the motion stage on the same frames. Release builds only (whole sequence).
@Suite("Tamper detector on PETS 2009 (release builds)")
struct TamperRealDataTests {
    /// The clip decoded to Y4M (7 frames per second, as recorded) with ffmpeg.
    static func frames() throws -> [Frame] {
        let out = try RealData.decode(RealData.pets)
        defer { try? FileManager.default.removeItem(atPath: out) }
        var source = try Y4MSource(path: out)
        var frames: [Frame] = []
        while let f = try source.next() { frames.append(f) }
        return frames
    }

    @Test(.enabled(if: RealData.hasPETS, "needs ../shared/data/pets2009/S2L1_View001/vtest.avi and ffmpeg"),
          .enabled(if: RealData.isReleaseBuild, "whole-sequence test: runs in the release build"))
    func noConditionOnANormalCameraAndCostAgainstTheMotionStage() throws {
        let frames = try Self.frames()
        try #require(frames.count > 500)
        #expect(frames[0].width == 768 && frames[0].height == 576)

        var detector = TamperDetector()
        var flagged: [String] = []
        for frame in frames {
            let cues = try detector.process(frame, foreground: nil, globalChange: false)
            if !cues.conditions.isEmpty { flagged.append("\(frame.timestamp): \(cues.conditions.map(\.rawValue))") }
        }
        #expect(flagged.isEmpty, "\(flagged.prefix(10))")

        // Cost: the same frames through the motion stage and through the detector, best of 3.
        let sample = Array(frames.prefix(300))
        func seconds(_ body: () throws -> Void) rethrows -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        }
        var motionBest = Double.infinity, tamperBest = Double.infinity
        for _ in 0..<3 {
            var motion = MotionPipeline(model: AdaptiveBackground())
            motionBest = min(motionBest, try seconds { for f in sample { _ = try motion.process(f) } })
            var tamper = TamperDetector()
            tamperBest = min(tamperBest, try seconds {
                for f in sample { _ = try tamper.process(f, foreground: nil, globalChange: false) }
            })
        }
        let n = Double(sample.count)
        let ratio = tamperBest / motionBest
        print("tamper cost at 768x576: motion \(String(format: "%.3f", motionBest / n * 1000)) ms/frame, "
              + "tamper \(String(format: "%.4f", tamperBest / n * 1000)) ms/frame, ratio \(String(format: "%.2f", ratio * 100)) %")
        // The issue's budget is 3 %; measured 1.8 % (Documentation/Performance.md). This bound
        // catches large regressions on a shared machine, not the target.
        #expect(ratio < 0.10, "tamper analyser costs \(ratio * 100) % of the motion stage (target 3 %)")
    }
}
