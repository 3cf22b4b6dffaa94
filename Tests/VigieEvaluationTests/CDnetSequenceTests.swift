import Foundation
import Testing
import VigieIO
@testable import VigieCore
@testable import VigieEvaluation

/// The ground truth's moving pixels as a mask: what a perfect segmentation would output.
func perfectMask(_ groundTruth: Plane) -> Mask {
    var plane = groundTruth
    plane.withMutableView { view in
        for y in 0..<view.height {
            let row = view.row(y)
            for x in 0..<view.width { row[x] = row[x] == 255 ? 255 : 0 }
        }
    }
    return Mask(plane: plane)
}

@Suite("CDnet sequence and evaluator")
struct CDnetSequenceTests {
    static let labels: [UInt8] = [0, 50, 85, 170, 255]

    /// A small CDnet-style sequence in a temporary folder: `frames` JPEG frames of 16x8, grey
    /// ground truth cycling through the labels, an ROI that excludes column 0.
    static func makeSequence(frames: Int = 5, temporalROI: String = "3 5") throws -> String {
        let root = temporaryFolder()
        let manager = FileManager.default
        try manager.createDirectory(atPath: root + "/input", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: root + "/groundtruth", withIntermediateDirectories: true)
        let width = 16, height = 8
        for n in 1...frames {
            let frame = Frame(width: width, height: height, format: .ycbcr420, y: UInt8(20 * n))
            let jpeg = try JPEGCodec.encode(AnonymisedFrame(redacted: frame), quality: 90)
            try Data(jpeg).write(to: URL(fileURLWithPath: root + String(format: "/input/in%06d.jpg", n)))
            let rows = (0..<height).map { y in (0..<width).map { x in labels[(x + 2 * y + n) % labels.count] } }
            let png = TestPNG.encode(width: width, height: height, colourType: 0, rows: rows, filters: [0, 1, 2, 3, 4])
            try Data(png).write(to: URL(fileURLWithPath: root + String(format: "/groundtruth/gt%06d.png", n)))
        }
        let roi = (0..<width * height).map { i in UInt8(i % width == 0 ? 0 : 1) }
        let bmp = TestBMP.encode(width: width, height: height, bitCount: 8, pixels: roi,
                                 palette: [(0, 0, 0), (255, 255, 255)])
        try Data(bmp).write(to: URL(fileURLWithPath: root + "/ROI.bmp"))
        try Data(temporalROI.utf8).write(to: URL(fileURLWithPath: root + "/temporalROI.txt"))
        return root
    }

    @Test("The evaluator feeds every frame and scores the temporal ROI; a perfect mask scores F = 1")
    func evaluatesSyntheticSequence() throws {
        let root = try Self.makeSequence()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let sequence = try CDnetSequence(path: root)
        #expect(sequence.temporalROI == 3...5)
        #expect(sequence.width == 16 && sequence.height == 8)

        var seen: [Int] = []
        var reports: [String] = []
        var expected = CDnetScores()
        for n in 3...5 {
            let gt = try sequence.groundTruth(frame: n)
            for y in 0..<8 {
                for x in 1..<16 {
                    switch gt[x: x, y: y] {
                    case 255: expected.tp += 1
                    case 0, 50: expected.tn += 1
                    default: break
                    }
                }
            }
        }
        let progress: (Int, Int) -> Void = { reports.append("\($0)/\($1)") }
        let scores = try CDnetEvaluator.evaluate(sequence: sequence, progress: progress) { frame in
            seen.append(frame.number)
            #expect(frame.format == .ycbcr420)
            return perfectMask(try sequence.groundTruth(frame: frame.number))
        }
        #expect(seen == [1, 2, 3, 4, 5])
        #expect(reports == ["1/5", "2/5", "3/5", "4/5", "5/5"])
        #expect(scores == expected)
        #expect(scores.tp > 0 && scores.fMeasure == 1 && scores.pwc == 0)
    }

    @Test("Evaluation errors: missing frames, wrong mask size, closure errors")
    func evaluationErrors() throws {
        let root = try Self.makeSequence(frames: 5, temporalROI: "4 7")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let sequence = try CDnetSequence(path: root)
        #expect(throws: EvaluationError.invalidSequence(
            path: root + "/input", reason: "holds 2 of the 4 frames of the temporal ROI 4…7")) {
            try CDnetEvaluator.evaluate(sequence: sequence) { frame in Mask(width: frame.width, height: frame.height) }
        }
        #expect(throws: EvaluationError.sizeMismatch(what: "mask of frame 4", width: 8, height: 8,
                                                     expectedWidth: 16, expectedHeight: 8)) {
            try CDnetEvaluator.evaluate(sequence: sequence) { _ in Mask(width: 8, height: 8) }
        }
        struct Stop: Error, Equatable {}
        #expect(throws: Stop()) {
            try CDnetEvaluator.evaluate(sequence: sequence) { _ in throw Stop() }
        }
    }

    @Test("Opening a malformed sequence is a typed error naming the file")
    func openingErrors() throws {
        #expect(throws: EvaluationError.missingFile(path: "/nonexistent/highway")) {
            try CDnetSequence(path: "/nonexistent/highway")
        }
        let root = try Self.makeSequence(frames: 1, temporalROI: "470")
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(throws: EvaluationError.invalidSequence(
            path: root + "/temporalROI.txt", reason: "expected two frame numbers \"first last\", found 1 field")) {
            try CDnetSequence(path: root)
        }
        try Data("9 3\n".utf8).write(to: URL(fileURLWithPath: root + "/temporalROI.txt"))
        #expect(throws: EvaluationError.self) { try CDnetSequence(path: root) }
        try Data("1 1\n".utf8).write(to: URL(fileURLWithPath: root + "/temporalROI.txt"))
        let sequence = try CDnetSequence(path: root)
        #expect(throws: EvaluationError.missingFile(path: root + "/groundtruth/gt000002.png")) {
            try sequence.groundTruth(frame: 2)
        }
        try FileManager.default.removeItem(atPath: root + "/ROI.bmp")
        #expect(throws: EvaluationError.missingFile(path: root + "/ROI.bmp")) { try CDnetSequence(path: root) }
    }

    // MARK: - Real CDnet data

    @Test(.enabled(if: SharedData.isAvailable, "needs ../shared/data/cdnet (CI always has it)"))
    func highway() throws {
        let sequence = try CDnetSequence(path: SharedData.highway)
        #expect(sequence.temporalROI == 470...1700)
        #expect(sequence.roi.width == 320 && sequence.roi.height == 240)
        #expect(sequence.roi.packedPixels.allSatisfy { $0 != 0 })  // highway scores the whole image
        let values = Set(try sequence.groundTruth(frame: 470).packedPixels)
        #expect(values.isSubset(of: [0, 50, 85, 170, 255]), "unexpected labels \(values.sorted())")
        #expect(values.contains(255))
    }

    @Test(.enabled(if: SharedData.isAvailable, "needs ../shared/data/cdnet (CI always has it)"))
    func highwayGroundTruthScoresPerfectly() throws {
        let sequence = try CDnetSequence(path: SharedData.highway)
        var scores = CDnetScores()
        for frame in 470...474 {
            let gt = try sequence.groundTruth(frame: frame)
            try scores.accumulate(mask: perfectMask(gt), groundTruth: gt, roi: sequence.roi)
        }
        #expect(scores.tp > 0 && scores.fp == 0 && scores.fn == 0)
        #expect(scores.fMeasure == 1 && scores.recall == 1 && scores.precision == 1)
    }
}
