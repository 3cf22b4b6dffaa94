import Foundation
import Testing
@testable import VigieEvaluation

/// `../shared/data/motchallenge-gt` beside the package (CI clones the repository next to `shared/`).
private enum MOTData {
    static let root: String? = {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let candidates = [packageRoot, URL(fileURLWithPath: FileManager.default.currentDirectoryPath)].map {
            $0.deletingLastPathComponent().appendingPathComponent("shared/data/motchallenge-gt").path
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0 + "/TUD-Campus/gt.txt") }
    }()
    static var isAvailable: Bool { root != nil }
}

@Suite("MOT metrics")
struct MOTMetricsTests {
    struct Published: Sendable, CustomTestStringConvertible {
        var sequence: String
        var mota, motp, idf1, idp, idr, recall, precision: Double  // percentages, one decimal
        var fp, fn, idsw, gt, mt, pt, ml: Int
        var testDescription: String { sequence }
    }

    /// py-motmetrics README / MOT Challenge devkit numbers for `test.txt` against `gt.txt`.
    static let published = [
        Published(sequence: "TUD-Campus", mota: 52.6, motp: 72.3, idf1: 55.8, idp: 73.0, idr: 45.1, recall: 58.2,
                  precision: 94.1, fp: 13, fn: 150, idsw: 7, gt: 8, mt: 1, pt: 6, ml: 1),
        Published(sequence: "TUD-Stadtmitte", mota: 56.4, motp: 65.4, idf1: 64.5, idp: 82.0, idr: 53.1, recall: 60.9,
                  precision: 94.0, fp: 45, fn: 452, idsw: 7, gt: 10, mt: 5, pt: 4, ml: 1),
    ]

    @Test("Reproduces the published scores of the MOT Challenge sample tracker output",
          .enabled(if: MOTData.isAvailable, "needs ../shared/data (CI always has it)"), arguments: published)
    func publishedScores(_ expected: Published) throws {
        let folder = MOTData.root! + "/" + expected.sequence
        let s = MOTMetrics.evaluate(groundTruth: try MOTChallengeFile.read(folder + "/gt.txt"),
                                    hypotheses: try MOTChallengeFile.read(folder + "/test.txt"))
        func pct(_ v: Double) -> Double { (v * 1000).rounded() / 10 }
        #expect(s.falsePositives == expected.fp)
        #expect(s.falseNegatives == expected.fn)
        #expect(s.identitySwitches == expected.idsw)
        #expect(pct(s.mota) == expected.mota)
        #expect(pct(s.motp) == expected.motp)
        #expect(pct(s.idf1) == expected.idf1)
        #expect(pct(s.idPrecision) == expected.idp)
        #expect(pct(s.idRecall) == expected.idr)
        #expect(pct(s.recall) == expected.recall)
        #expect(pct(s.precision) == expected.precision)
        let counts: [Int] = [s.groundTruthObjects, s.mostlyTracked, s.partiallyTracked, s.mostlyLost]
        let expectedCounts: [Int] = [expected.gt, expected.mt, expected.pt, expected.ml]
        #expect(counts == expectedCounts)
    }

    @Test("A perfect output scores 1; an id swap mid-sequence costs one switch per object and halves IDF1")
    func synthetic() {
        var gt: [MOTBox] = []
        for f in 1...10 {
            gt.append(MOTBox(frame: f, id: 1, left: Double(10 * f), top: 0, width: 20, height: 40))
            gt.append(MOTBox(frame: f, id: 2, left: Double(300 - 10 * f), top: 100, width: 20, height: 40))
        }
        let perfect = MOTMetrics.evaluate(groundTruth: gt, hypotheses: gt.map { var b = $0; b.id += 10; return b })
        #expect(perfect.mota == 1.0)
        #expect(perfect.idf1 == 1.0)
        #expect(perfect.motp == 1.0)
        #expect(perfect.identitySwitches == 0)
        let swapped = gt.map { b -> MOTBox in var b = b; if b.frame > 5 { b.id = 3 - b.id }; return b }
        let s = MOTMetrics.evaluate(groundTruth: gt, hypotheses: swapped)
        #expect(s.identitySwitches == 2 && s.falsePositives == 0 && s.falseNegatives == 0)
        #expect(abs(s.mota - 0.9) < 1e-12 && abs(s.idf1 - 0.5) < 1e-12)
    }

    @Test("A match is kept while its IoU stays at or above 0.5, even when another track fits better")
    func keepsPreviousMatch() {
        let gt = (1...3).map { MOTBox(frame: $0, id: 1, left: 0, top: 0, width: 10, height: 10) }
        // Track 7 matches in frame 1; in frame 2 track 8 fits exactly but 7 still overlaps 0.6.
        let hyp = [MOTBox(frame: 1, id: 7, left: 0, top: 0, width: 10, height: 10),
                   MOTBox(frame: 2, id: 7, left: 0, top: 0, width: 10, height: 6),
                   MOTBox(frame: 2, id: 8, left: 0, top: 0, width: 10, height: 10),
                   MOTBox(frame: 3, id: 8, left: 0, top: 0, width: 10, height: 10)]
        let s = MOTMetrics.evaluate(groundTruth: gt, hypotheses: hyp)
        #expect(s.matches == 3 && s.falsePositives == 1 && s.identitySwitches == 1)
    }

    @Test("Malformed lines name the file, the line and the reason")
    func parseErrors() throws {
        #expect(throws: MOTFileError.invalidLine(path: "t.txt", line: 2, reason: "field 3 is not a number: \"x\"")) {
            try MOTChallengeFile.parse("1,1,2,3,4,5,1,-1,-1,-1\n1,2,x,3,4,5\n", path: "t.txt")
        }
        #expect(throws: MOTFileError.self) { try MOTChallengeFile.parse("1,1,2\n") }
        let boxes = try MOTChallengeFile.parse("\n3,4,1.5,2,10,20,0.9,-1,-1,-1\n")
        #expect(boxes == [MOTBox(frame: 3, id: 4, left: 1.5, top: 2, width: 10, height: 20, confidence: 0.9)])
        #expect(MOTChallengeFile.line(boxes[0]) == "3,4,1.50,2,10,20,0.90,-1,-1,-1")
    }
}
