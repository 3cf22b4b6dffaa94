import Foundation
import Testing
import VigieCore
@testable import VigieDetection

/// An upright figure (head, body, legs) in `width`x`height` grey pixels on a flat background,
/// drawn in a box `scale` times the model window (64x128) whose top-left is (`left`, `top`).
func drawFigure(into pixels: inout [UInt8], width: Int, left: Int, top: Int, scale: Double) {
    func fill(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, _ v: UInt8) {
        for y in Int(Double(top) + y0 * scale)..<Int(Double(top) + y1 * scale) {
            for x in Int(Double(left) + x0 * scale)..<Int(Double(left) + x1 * scale) { pixels[y * width + x] = v }
        }
    }
    fill(26, 16, 38, 30, 40)  // head
    fill(20, 30, 44, 72, 60)  // body
    fill(14, 32, 20, 66, 70)  // arms
    fill(44, 32, 50, 66, 70)
    fill(22, 72, 30, 112, 50)  // legs
    fill(34, 72, 42, 112, 50)
}

/// Intersection over union of two boxes.
func iou(_ a: PixelRect, _ b: PixelRect) -> Double {
    let w = max(0, min(a.x + a.width, b.x + b.width) - max(a.x, b.x))
    let h = max(0, min(a.y + a.height, b.y + b.height) - max(a.y, b.y))
    let inter = Double(w * h)
    return inter / (Double(a.width * a.height + b.width * b.height) - inter)
}

@Suite("HOG person detector")
struct HOGPersonDetectorTests {
    /// A linear model that is the figure's own descriptor: it fires where the figure is, at the
    /// figure's size, and nowhere on the empty background.
    static let templateModel: HOGPersonModel = {
        var window = [UInt8](repeating: 180, count: 64 * 128)
        drawFigure(into: &window, width: 64, left: 0, top: 0, scale: 1)
        let d = HOGFeatures(pixels: window, width: 64, height: 128).window(blockX: 0, blockY: 0)
        let energy = d.reduce(0) { $0 + $1 * $1 }
        return try! HOGPersonModel(weights: d, bias: -0.6 * energy)  // 3,780 finite values by construction
    }()

    static func frame(_ pixels: [UInt8], width: Int, height: Int) throws -> Frame {
        Frame(luma: try Plane(width: width, height: height, copying: pixels), timestamp: .zero, number: 1)
    }

    @Test func findsTheFigureAtItsPlaceAndSizeAndNothingOnAnEmptyScene() throws {
        let (w, h) = (320, 240)
        var pixels = [UInt8](repeating: 180, count: w * h)
        // The figure 1.5 times the window (96x192), and a plain box that is not one.
        drawFigure(into: &pixels, width: w, left: 150, top: 30, scale: 1.5)
        for y in 150..<200 { for x in 20..<110 { pixels[y * w + x] = 90 } }
        var detector = HOGPersonDetector(model: Self.templateModel)
        let found = detector.detect(try Self.frame(pixels, width: w, height: h))
        #expect(found.count == 1, "\(found.map(\.box))")
        let person = try #require(found.first)
        // The body: the middle half across and three quarters down of the 96x192 window.
        let expected = PixelRect(x: 150 + 24, y: 30 + 24, width: 48, height: 144)
        #expect(iou(person.box, expected) > 0.6, "\(person.box) vs \(expected)")
        #expect(person.objectClass == "person" && person.confidence > 0 && person.confidence <= 1)

        var empty = HOGPersonDetector(model: Self.templateModel)
        #expect(empty.detect(try Self.frame([UInt8](repeating: 180, count: w * h), width: w, height: h)).isEmpty)
    }

    @Test func aFrameSmallerThanTheWindowHasNoDetection() throws {
        var detector = HOGPersonDetector(model: Self.templateModel)
        #expect(detector.detect(try Self.frame([UInt8](repeating: 9, count: 60 * 100), width: 60, height: 100)).isEmpty)
    }

    @Test func windowsThatAgreeAreGroupedAndLoneOnesDropped() {
        typealias W = HOGPersonDetector.Window
        let cluster = (0..<4).map { k in W(x: 100 + Double(k), y: 50, width: 64, height: 128, score: Float(k)) }
        let lone = W(x: 300, y: 50, width: 64, height: 128, score: 5)
        let groups = HOGPersonDetector.group(cluster + [lone], configuration: .init())
        #expect(groups.count == 1)
        #expect(abs(groups[0].x - 101.5) < 1e-9 && groups[0].score == 3, "mean box, best score")
    }

    @Test func threeAgreeingWindowsMakeAPersonTwoDoNot() {
        typealias W = HOGPersonDetector.Window
        let three = (0..<3).map { k in W(x: 10 + Double(k), y: 10, width: 64, height: 128, score: 1) }
        #expect(HOGPersonDetector.group(three, configuration: .init()).count == 1)
        #expect(HOGPersonDetector.group(Array(three.prefix(2)), configuration: .init()).isEmpty)
    }

    @Test func aGroupInsideABetterSupportedOneIsDropped() {
        typealias W = HOGPersonDetector.Window
        // A person (5 windows, 96x192) and, inside their box, a smaller group of 3 (their legs).
        let person = (0..<5).map { k in W(x: 100 + Double(k), y: 40, width: 96, height: 192, score: 2) }
        let legs = (0..<3).map { k in W(x: 120 + Double(k), y: 110, width: 64, height: 128, score: 1) }
        let groups = HOGPersonDetector.group(person + legs, configuration: .init())
        #expect(groups.count == 1 && abs(groups[0].width - 96) < 1e-9, "\(groups)")
        // Beside the person instead, it stays.
        let apart = (0..<3).map { k in W(x: 400 + Double(k), y: 110, width: 64, height: 128, score: 1) }
        #expect(HOGPersonDetector.group(person + apart, configuration: .init()).count == 2)
    }

    @Test func aConfigurationOutOfRangeIsRefusedByName() throws {
        var c = HOGPersonDetector.Configuration()
        c.scaleStep = 1
        #expect(throws: HOGPersonDetector.ConfigurationError(reason: "scaleStep must be over 1 and at most 2, got 1.0")) {
            try HOGPersonDetector(model: Self.templateModel, configuration: c)
        }
        c = .init()
        c.bodyHeight = .nan
        #expect(throws: HOGPersonDetector.ConfigurationError.self) { try HOGPersonDetector(model: Self.templateModel, configuration: c) }
        c = .init()
        c.maximumLevels = -1
        #expect(throws: HOGPersonDetector.ConfigurationError.self) { try HOGPersonDetector(model: Self.templateModel, configuration: c) }
        c = .init()
        c.scaleStep = 1.2
        #expect(try HOGPersonDetector(model: Self.templateModel, configuration: c).configuration.scaleStep == 1.2)
    }

    @Test func modelsMadeInCodeAreCheckedToo() {
        #expect(throws: HOGPersonModel.LoadError.wrongCount(path: "<weights>", count: 4)) {
            try HOGPersonModel(weights: [1, 2, 3], bias: 0)
        }
        #expect(throws: HOGPersonModel.LoadError.notANumber(path: "<weights>", value: "inf")) {
            try HOGPersonModel(weights: [Float](repeating: 0, count: HOGPersonModel.length), bias: .infinity)
        }
    }

    @Test func modelFilesAreCheckedWithClearErrors() throws {
        let dir = FileManager.default.temporaryDirectory
        let good = dir.appendingPathComponent("vigie-hog-\(UUID()).txt").path
        let short = dir.appendingPathComponent("vigie-hog-\(UUID()).txt").path
        let bad = dir.appendingPathComponent("vigie-hog-\(UUID()).txt").path
        defer { for f in [good, short, bad] { try? FileManager.default.removeItem(atPath: f) } }
        let numbers = (0...HOGPersonModel.length).map { String(Float($0) / 1000) }
        try ("# a comment\n" + numbers[..<100].joined(separator: ", ") + "\n" + numbers[100...].joined(separator: "\n"))
            .write(toFile: good, atomically: true, encoding: .utf8)
        let model = try HOGPersonModel(contentsOf: good)
        #expect(model.weights.count == HOGPersonModel.length && model.weights[1] == 0.001 && model.bias == 3.78)
        try numbers[..<10].joined(separator: "\n").write(toFile: short, atomically: true, encoding: .utf8)
        #expect(throws: HOGPersonModel.LoadError.wrongCount(path: short, count: 10)) { try HOGPersonModel(contentsOf: short) }
        try "1\n2\nthree\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let infinite = bad + ".inf"
        defer { try? FileManager.default.removeItem(atPath: infinite) }
        try "1\ninf\n".write(toFile: infinite, atomically: true, encoding: .utf8)
        #expect(throws: HOGPersonModel.LoadError.notANumber(path: infinite, value: "inf")) { try HOGPersonModel(contentsOf: infinite) }
        #expect(throws: HOGPersonModel.LoadError.notANumber(path: bad, value: "three")) { try HOGPersonModel(contentsOf: bad) }
        #expect(throws: HOGPersonModel.LoadError.unreadable(path: "/nonexistent/model.txt")) {
            try HOGPersonModel(contentsOf: "/nonexistent/model.txt")
        }
        #expect(HOGPersonModel.LoadError.wrongCount(path: "m.txt", count: 10).description.contains("3781 numbers"))
    }
}
