import Foundation
import Testing
@testable import VigieCore
@testable import VigieEvaluation

@Suite("CDnet scores")
struct CDnetScoresTests {
    static func plane(_ width: Int, _ height: Int, _ pixels: [UInt8]) throws -> Plane {
        try Plane(width: width, height: height, copying: pixels)
    }

    /// 4x3, worked by hand:
    /// ```
    /// gt    255 255   0  50     mask 255   0 255   0     roi 1 1 1 1
    ///        85 170 255   0          255 255 255   0         1 1 1 1
    ///         0  50 255 255          255 255   0   7         0 0 9 9
    /// ```
    /// Row 0: TP FN FP TN. Row 1: 85 and 170 not scored, TP TN. Row 2: two pixels outside the
    /// ROI, FN, TP (7 is foreground). So TP 3, FP 1, FN 2, TN 2.
    static func handExample() throws -> (Mask, Plane, Plane) {
        let gt = try plane(4, 3, [255, 255, 0, 50, 85, 170, 255, 0, 0, 50, 255, 255])
        let mask = try plane(4, 3, [255, 0, 255, 0, 255, 255, 255, 0, 255, 255, 0, 7])
        let roi = try plane(4, 3, [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 9, 9])
        return (Mask(plane: mask), gt, roi)
    }

    @Test("Counts and metrics of a hand-worked example")
    func handWorked() throws {
        let (mask, gt, roi) = try Self.handExample()
        var scores = CDnetScores()
        try scores.accumulate(mask: mask, groundTruth: gt, roi: roi)
        #expect(scores == CDnetScores(tp: 3, fp: 1, fn: 2, tn: 2))
        #expect(scores.recall == 0.6)
        #expect(abs(scores.specificity - 2.0 / 3.0) < 1e-15)
        #expect(abs(scores.fpr - 1.0 / 3.0) < 1e-15)
        #expect(scores.fnr == 0.4)
        #expect(scores.pwc == 37.5)
        #expect(scores.precision == 0.75)
        #expect(abs(scores.fMeasure - 2.0 / 3.0) < 1e-12)

        try scores.accumulate(mask: mask, groundTruth: gt, roi: roi)
        #expect(scores == CDnetScores(tp: 6, fp: 2, fn: 4, tn: 4))
    }

    @Test("JSON line has exactly bgs.py's keys; Codable round trip")
    func json() throws {
        let scores = CDnetScores(tp: 3, fp: 1, fn: 2, tn: 2)
        let line = scores.jsonLine
        #expect(!line.contains("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["tp", "fp", "fn", "tn", "recall", "specificity", "fpr", "fnr", "pwc",
                                     "precision", "f_measure"])
        #expect(object["tp"] as? Int == 3 && object["tn"] as? Int == 2)
        #expect(object["pwc"] as? Double == 37.5)
        #expect(abs((object["f_measure"] as? Double ?? 0) - 2.0 / 3.0) < 1e-12)

        let empty = try #require(try JSONSerialization.jsonObject(with: Data(CDnetScores().jsonLine.utf8))
                                 as? [String: Any])
        #expect(empty["f_measure"] is NSNull && empty["recall"] is NSNull && empty["tp"] as? Int == 0)
        #expect(CDnetScores().fMeasure == 0 && CDnetScores().pwc == 0)

        let decoded = try JSONDecoder().decode(CDnetScores.self, from: JSONEncoder().encode(scores))
        #expect(decoded == scores)
        #expect(scores.table.contains("F-measure    0.6667"))
        #expect(scores.table.split(separator: "\n").count == 11)
    }

    @Test("Sizes that differ are a typed error")
    func sizeMismatch() throws {
        let (_, gt, roi) = try Self.handExample()
        var scores = CDnetScores()
        #expect(throws: EvaluationError.sizeMismatch(what: "mask", width: 3, height: 3, expectedWidth: 4,
                                                     expectedHeight: 3)) {
            try scores.accumulate(mask: Mask(width: 3, height: 3), groundTruth: gt, roi: roi)
        }
        #expect(throws: EvaluationError.self) {
            try scores.accumulate(mask: Mask(width: 4, height: 3), groundTruth: gt, roi: Plane(width: 4, height: 2))
        }
        #expect(scores == CDnetScores())
    }

    @Test("The counting loop matches a per-pixel reference", arguments: [(1, 1), (17, 5), (64, 3), (100, 7)])
    func matchesReference(width: Int, height: Int) throws {
        var random = TestRandom(state: UInt64(width * 1000 + height))
        let labels: [UInt8] = [0, 50, 85, 170, 255, 255, 0, 13]
        let gt = try Self.plane(width, height, (0..<width * height).map { _ in labels[random.below(labels.count)] })
        let mask = try Self.plane(width, height, (0..<width * height).map { _ in [0, 255, 1][random.below(3)] })
        let roi = try Self.plane(width, height, (0..<width * height).map { _ in random.below(4) == 0 ? 0 : 255 })
        var reference = CDnetScores()
        for y in 0..<height {
            for x in 0..<width where roi[x: x, y: y] != 0 {
                let g = gt[x: x, y: y], foreground = mask[x: x, y: y] != 0
                if g == 255 { if foreground { reference.tp += 1 } else { reference.fn += 1 } }
                if g == 0 || g == 50 { if foreground { reference.fp += 1 } else { reference.tn += 1 } }
            }
        }
        var scores = CDnetScores()
        try scores.accumulate(mask: Mask(plane: mask), groundTruth: gt, roi: roi)
        #expect(scores == reference)
    }
}
