import Foundation
import Testing
@testable import VigieDetection

/// A grey test image, row after row.
func testImage(width: Int, height: Int, seed: UInt64) -> [UInt8] {
    var state = seed
    return (0..<(width * height)).map { i in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        let x = i % width, y = i / width
        // Smooth structure plus noise: gradients of every orientation and strength.
        return UInt8(truncatingIfNeeded: (x * x / 5 + y * 3 + (x * y) / 9) % 200 + Int(state >> 60))
    }
}

@Suite("HOG features and kernels")
struct HOGKernelTests {
    /// The layout the published models were trained on, checked against OpenCV's own descriptor of
    /// the same image (the fixture was written by `cv2.HOGDescriptor().compute`).
    @Test func theDescriptorIsTheOneThePublishedModelsExpect() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/opencv-hog-64x128.txt")
        let expected = try String(contentsOf: fixture, encoding: .utf8).split(separator: "\n")
            .filter { !$0.hasPrefix("#") }.compactMap { Float($0) }
        #expect(expected.count == HOGPersonModel.length)
        var image = [UInt8](repeating: 0, count: 64 * 128)
        for y in 0..<128 {
            for x in 0..<64 { image[y * 64 + x] = UInt8((x * x + (3 * y * y) / 4 + x * y) / 7 % 256) }
        }
        let features = HOGFeatures(pixels: image, width: 64, height: 128)
        #expect(features.blocksAcross == 7 && features.blocksDown == 15)
        let window = features.window(blockX: 0, blockY: 0)
        let worst = zip(window, expected).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst < 1e-3, "largest difference from OpenCV's descriptor: \(worst)")
    }

    @Test func thePolynomialArctangentIsWithinAMillionthOfARadian() {
        var worst: Float = 0
        for i in 0..<20000 {
            let theta = Float(i) / 20000 * 2 * .pi
            let dx = cosf(theta) * 7, dy = sinf(theta) * 7
            var reference = atan2f(dy, dx)
            if reference < 0 { reference += .pi }
            if reference >= .pi { reference -= .pi }
            var e = abs(unsignedAngle(dx, dy) - reference)
            e = min(e, abs(e - .pi))
            worst = max(worst, e)
        }
        #expect(worst < 1e-6, "\(worst)")
        #expect(unsignedAngle(0, 0) == 0)
    }

    @Test func gradientsMatchTheReference() {
        for (w, h, seed) in [(16, 16, UInt64(1)), (37, 23, 2), (64, 128, 3)] {
            let image = testImage(width: w, height: h, seed: seed)
            let fast = hogGradients(image, width: w, height: h)
            let reference = hogGradientsReference(image, width: w, height: h)
            for i in 0..<(w * h) {
                let magnitude = reference.lowShare[i] + reference.highShare[i]
                let sameBins = fast.lowBin[i] == reference.lowBin[i] && fast.highBin[i] == reference.highBin[i]
                if sameBins {
                    #expect(abs(fast.lowShare[i] - reference.lowShare[i]) <= 1e-4 * max(1, magnitude), "pixel \(i)")
                    #expect(abs(fast.highShare[i] - reference.highShare[i]) <= 1e-4 * max(1, magnitude), "pixel \(i)")
                } else {
                    // Only on a bin boundary, where one share is (almost) the whole magnitude, and
                    // both put it in the same bin.
                    let tiny = 1e-4 * max(1, magnitude)
                    #expect(min(reference.lowShare[i], reference.highShare[i]) <= tiny, "pixel \(i)")
                    #expect(min(fast.lowShare[i], fast.highShare[i]) <= tiny, "pixel \(i)")
                    let referenceBin = reference.lowShare[i] >= reference.highShare[i] ? reference.lowBin[i] : reference.highBin[i]
                    let fastBin = fast.lowShare[i] >= fast.highShare[i] ? fast.lowBin[i] : fast.highBin[i]
                    #expect(fastBin == referenceBin || magnitude <= tiny, "pixel \(i)")
                }
            }
        }
    }

    @Test func blockHistogramsMatchTheReference() {
        for (w, h, seed) in [(16, 16, UInt64(4)), (40, 33, 5), (64, 128, 6)] {
            let g = hogGradients(testImage(width: w, height: h, seed: seed), width: w, height: h)
            let across = (w - 16) / 8 + 1, down = (h - 16) / 8 + 1
            let fast = hogBlockHistograms(g, width: w, blocksAcross: across, blocksDown: down)
            let reference = hogBlockHistogramsReference(g, width: w, blocksAcross: across, blocksDown: down)
            #expect(fast.count == reference.count)
            let worst = zip(fast, reference).map { abs($0 - $1) }.max() ?? 0
            #expect(worst < 1e-5, "\(w)x\(h): \(worst)")
            #expect(fast.allSatisfy { $0 >= 0 && $0 <= 1 })
        }
    }

    @Test func windowScoresMatchTheReference() {
        var state: UInt64 = 9
        let weights = (0..<HOGPersonModel.length).map { _ -> Float in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int(state >> 53) - 1024) / 1024
        }
        for (w, h) in [(64, 128), (80, 136), (100, 150)] {
            let features = HOGFeatures(pixels: testImage(width: w, height: h, seed: UInt64(w)), width: w, height: h)
            let fast = hogWindowScores(features, weights: weights, bias: -0.5)
            let reference = hogWindowScoresReference(features, weights: weights, bias: -0.5)
            #expect(fast.count == ((w - 64) / 8 + 1) * ((h - 128) / 8 + 1))
            #expect(fast.count == reference.count)
            for (a, b) in zip(fast, reference) { #expect(abs(a - b) <= 1e-3 * max(1, abs(b)), "\(a) vs \(b)") }
        }
    }
}
