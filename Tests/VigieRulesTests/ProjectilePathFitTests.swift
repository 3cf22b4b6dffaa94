import Foundation
import Testing
import VigieCore
import VigieTracking

@testable import VigieRules

@Suite("Projectile path fit")
struct ProjectilePathFitTests {
    static func path(_ f: (Double) -> (Double, Double), times: [Double]) -> [TrajectoryPoint] {
        times.map { t in
            let (x, y) = f(t)
            return TrajectoryPoint(footPoint: PixelPoint(x: x, y: y), timestamp: Timestamp(seconds: 10 + t))
        }
    }

    @Test func aThrownArcFitsExactly() throws {
        // x linear, y a parabola (gravity): residual zero, length the sum of the chords.
        let times = (0..<8).map { Double($0) * 0.1 }
        let points = Self.path({ t in (100 + 300 * t, 400 - 500 * t + 490 * t * t) }, times: times)
        let fit = try #require(ProjectileRule.fitPath(points))
        #expect(fit.residual < 1e-6)
        #expect(abs(fit.duration - 0.7) < 1e-6)
        var chords = 0.0
        for i in 1..<points.count {
            chords += hypot(points[i].footPoint.x - points[i - 1].footPoint.x,
                            points[i].footPoint.y - points[i - 1].footPoint.y)
        }
        #expect(abs(fit.distance - chords) < 1e-9)
    }

    @Test func aZigzagLeavesAResidual() throws {
        let times = (0..<8).map { Double($0) * 0.1 }
        let points = Self.path({ t in (100 + 300 * t, 200 + (Int((t * 10).rounded()) % 2 == 0 ? 0 : 40)) }, times: times)
        let fit = try #require(ProjectileRule.fitPath(points))
        // Alternating ±20 px around the best parabola: the RMS residual is close to 20.
        #expect(fit.residual > 15 && fit.residual < 25)
    }

    @Test func pointsAtOneInstantOrTooFewDoNotFit() {
        let same = Self.path({ _ in (5, 5) }, times: [0, 0, 0, 0])
        #expect(ProjectileRule.fitPath(same) == nil)
        #expect(ProjectileRule.fitPath(Self.path({ t in (t, t) }, times: [0, 0.1])) == nil)
        // Three points at two instants: the parabola is undetermined.
        #expect(ProjectileRule.fitPath(Self.path({ t in (t, t) }, times: [0, 0.1, 0.1])) == nil)
    }

    @Test func theClosedFormSolverMatchesAKnownSystem() throws {
        // 2x + y + z = 5, x + 3y + 2z = 8, x = 1  ->  (1, 1, 2)
        let x = try #require(ProjectileRule.solveLinear3(SIMD3(2, 1, 1), SIMD3(1, 3, 2), SIMD3(1, 0, 0), SIMD3(5, 8, 1)))
        #expect(abs(x.x - 1) < 1e-12 && abs(x.y - 1) < 1e-12 && abs(x.z - 2) < 1e-12)
    }
}
