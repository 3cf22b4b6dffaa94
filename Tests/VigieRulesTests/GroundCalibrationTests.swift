import Foundation
import Testing
import VigieCore

@testable import VigieRules

@Suite("Ground calibration")
struct GroundCalibrationTests {
    /// A synthetic homography (row-major) from normalised image to metres, w > 0 on the image.
    static let h: [Double] = [12, 3, -2, 0.5, 20, 1, 0.1, 0.6, 1]

    static func map(_ p: NormalisedPoint) -> GroundPoint {
        let w = h[6] * p.x + h[7] * p.y + h[8]
        return GroundPoint(x: (h[0] * p.x + h[1] * p.y + h[2]) / w, y: (h[3] * p.x + h[4] * p.y + h[5]) / w)
    }

    static let imagePoints = [
        NormalisedPoint(x: 0.2, y: 0.3), NormalisedPoint(x: 0.85, y: 0.25), NormalisedPoint(x: 0.9, y: 0.95),
        NormalisedPoint(x: 0.1, y: 0.8),
    ]

    static func calibration() throws -> GroundCalibration {
        try GroundCalibration(points: imagePoints.map { .init(image: $0, ground: map($0)) })
    }

    @Test func calibrationPointsMapExactly() throws {
        let calibration = try Self.calibration()
        for p in Self.imagePoints {
            let g = try #require(calibration.imageToGround(p))
            let expected = Self.map(p)
            #expect(abs(g.x - expected.x) < 1e-9 && abs(g.y - expected.y) < 1e-9, "\(p) → \(g), expected \(expected)")
        }
    }

    @Test func recoversTheWholeSyntheticHomography() throws {
        let calibration = try Self.calibration()
        for i in 0...10 {
            for j in 0...10 {
                let p = NormalisedPoint(x: Double(i) / 10, y: Double(j) / 10)
                let g = try #require(calibration.imageToGround(p))
                let expected = Self.map(p)
                #expect(abs(g.x - expected.x) < 1e-9 * max(1, abs(expected.x)))
                #expect(abs(g.y - expected.y) < 1e-9 * max(1, abs(expected.y)))
            }
        }
        let n = calibration.homography[8]
        for (a, b) in zip(calibration.homography, Self.h) { #expect(abs(a / n - b) < 1e-9) }
    }

    @Test func platformMidpointIsFartherThanHalfway() throws {
        // Near edge 2 m away, far edge 40 m away: halfway up the image is well beyond 21 m (perspective).
        let calibration = try GroundCalibration(points: [
            .init(image: .init(x: 0.08, y: 1.0), ground: .init(x: 0, y: 2)),
            .init(image: .init(x: 0.95, y: 1.0), ground: .init(x: 6, y: 2)),
            .init(image: .init(x: 0.75, y: 0.36), ground: .init(x: 6, y: 40)),
            .init(image: .init(x: 0.31, y: 0.36), ground: .init(x: 0, y: 40)),
        ])
        // Midpoint of the near-left and far-left corners, in the image: on the left edge of the platform.
        let mid = try #require(calibration.imageToGround(.init(x: (0.08 + 0.31) / 2, y: 0.68)))
        #expect(abs(mid.x) < 1e-9)
        #expect(mid.y > 4 && mid.y < 21, "got \(mid.y) m")
        // The middle of the near edge is 3 m across, 2 m away.
        let near = try #require(calibration.imageToGround(.init(x: (0.08 + 0.95) / 2, y: 1.0)))
        #expect(abs(near.x - 3) < 1e-9 && abs(near.y - 2) < 1e-9)
        // The platform polygon is 6 m × 38 m.
        let area = try #require(
            calibration.groundArea(ofPolygon: [
                .init(x: 0.31, y: 0.36), .init(x: 0.75, y: 0.36), .init(x: 0.95, y: 1.0), .init(x: 0.08, y: 1.0),
            ]))
        #expect(abs(area - 228) < 1e-6)
    }

    @Test func nothingBeyondTheHorizon() throws {
        // A 6 m wide strip whose sides meet at (0.5, 1/3): the horizon is the line y = 1/3.
        let calibration = try GroundCalibration(points: [
            .init(image: .init(x: 0.1, y: 1.0), ground: .init(x: 0, y: 0)),
            .init(image: .init(x: 0.9, y: 1.0), ground: .init(x: 6, y: 0)),
            .init(image: .init(x: 0.6, y: 0.5), ground: .init(x: 6, y: 100)),
            .init(image: .init(x: 0.4, y: 0.5), ground: .init(x: 0, y: 100)),
        ])
        #expect(calibration.imageToGround(.init(x: 0.5, y: 0.2)) == nil)
        #expect(calibration.imageToGround(.init(x: 0.5, y: 1.0 / 3)) == nil)
        let far = try #require(calibration.imageToGround(.init(x: 0.5, y: 0.34)))
        #expect(far.y > 1000)
        #expect(
            calibration.groundArea(ofPolygon: [.init(x: 0.4, y: 0.2), .init(x: 0.6, y: 0.2), .init(x: 0.5, y: 0.9)])
                == nil)
    }

    @Test func identityLikeCalibrationGivesAreasInSquareMetres() throws {
        // The image is a 20 m × 10 m ground rectangle seen from straight above.
        let calibration = try GroundCalibration(points: [
            .init(image: .init(x: 0, y: 0), ground: .init(x: 0, y: 0)),
            .init(image: .init(x: 1, y: 0), ground: .init(x: 20, y: 0)),
            .init(image: .init(x: 1, y: 1), ground: .init(x: 20, y: 10)),
            .init(image: .init(x: 0, y: 1), ground: .init(x: 0, y: 10)),
        ])
        let area = try #require(
            calibration.groundArea(ofPolygon: [
                .init(x: 0.25, y: 0.25), .init(x: 0.75, y: 0.25), .init(x: 0.5, y: 0.75),
            ]))
        #expect(abs(area - 0.5 * 10 * 5) < 1e-9)
    }

    @Test func linearSolverPivots() throws {
        // A zero on the diagonal needs a row swap.
        let x = try #require(solveLinearSystem([0, 2, 1, 1, 1, 1, 2, 1, 0], [5, 4, 4], size: 3))
        for (a, b) in zip(x, [1.0, 2, 1]) { #expect(abs(a - b) < 1e-12) }
        #expect(solveLinearSystem([1, 2, 2, 4], [1, 2], size: 2) == nil)
    }

    @Test func decodesAndEncodesOnlyThePoints() throws {
        let calibration = try Self.calibration()
        let data = try JSONEncoder().encode(calibration)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(Array(object.keys) == ["points"])
        #expect(try JSONDecoder().decode(GroundCalibration.self, from: data) == calibration)
    }
}
