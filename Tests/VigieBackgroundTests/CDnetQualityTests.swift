import Foundation
import Testing
@testable import VigieBackground
@testable import VigieEvaluation

enum SharedData {
    /// `../shared/data` beside the repository (CI clones the repository next to `shared/`).
    static let root: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data").path
    static var highway: String { root + "/cdnet/baseline/highway" }
    static var hasHighway: Bool { FileManager.default.fileExists(atPath: highway + "/temporalROI.txt") }

    /// Whole-sequence tests run in release builds only: pixel loops are hundreds of times slower
    /// in debug. `.ci/run` runs the suites in release too.
    static var isReleaseBuild: Bool {
        #if DEBUG
        false
        #else
        true
        #endif
    }
}

@Suite("CDnet quality (whole sequence, release builds)")
struct CDnetQualityTests {
    static let minimumF: [BackgroundModelKind: Double] = [.adaptive: 0.95, .sigmaDelta: 0.85, .dualRate: 0.92]

    @Test(.enabled(if: SharedData.hasHighway, "needs ../shared/data/cdnet/baseline/highway (CI always has it)"),
          .enabled(if: SharedData.isReleaseBuild, "whole-sequence test: runs in the release build of .ci/run"),
          arguments: BackgroundModelKind.allCases)
    func highwayFMeasure(kind: BackgroundModelKind) throws {
        let sequence = try CDnetSequence(path: SharedData.highway)
        var pipeline = MotionPipeline(model: kind.makeModel())
        let scores = try CDnetEvaluator.evaluate(sequence: sequence) { try pipeline.process($0) }
        let minimum = Self.minimumF[kind]!
        #expect(scores.fMeasure >= minimum, "\(kind.rawValue): F = \(scores.fMeasure), recall \(scores.recall), precision \(scores.precision)")
        // Scored pixels: frames 470…1700 inside the ROI, ground truth 85 and 170 left out. The
        // OpenCV comparison script (Benchmarks/opencv/bgs.py) counts the same 92,112,458.
        #expect(scores.tp + scores.fp + scores.fn + scores.tn == 92_112_458)
    }
}
