import Foundation
import SharedTestData
import Testing
import VigieAnonymise
import VigieEvaluation

/// Issue 20, pixel-exact: textured people and real vehicle cut-outs composited on a real road with
/// exact ground truth, through the real chain (`vigie-bench privacy-leaks` prints the same table).
@Suite("Anonymiser: pixel-exact leaks on composited footage (release builds)")
struct PixelLeakTests {
    static var highway: String { SharedTestData.root + "/cdnet/baseline/highway" }
    static var hasHighway: Bool { FileManager.default.fileExists(atPath: highway + "/temporalROI.txt") }

    /// Every case of `PrivacyLeakComposite`, default anonymiser (silhouette mode).
    @Test(.enabled(if: Self.hasHighway, "needs ../shared/data/cdnet/baseline/highway (CI always has it)"),
          .enabled(if: SharedTestData.isReleaseBuild, "whole-sequence test: runs in the release build of .ci/run"))
    func defaultAnonymiserMeetsTheTargets() throws {
        try Self.check(every: 1)
    }

    /// `vigie serve` and the report render a frame a second (and each frame where an alert starts)
    /// and follow the others (`Anonymiser.observe`): the images they serve meet the same targets.
    @Test(.enabled(if: Self.hasHighway, "needs ../shared/data/cdnet/baseline/highway (CI always has it)"),
          .enabled(if: SharedTestData.isReleaseBuild, "whole-sequence test: runs in the release build of .ci/run"))
    func oneImageASecondMeetsTheTargets() throws {
        try Self.check(every: Int(PrivacyLeakComposite.framesPerSecond))
    }

    /// Every case of `PrivacyLeakComposite`, default anonymiser (silhouette mode), rendering one
    /// frame in `every` and following the others.
    static func check(every: Int) throws {
        let composite = try PrivacyLeakComposite(highwayPath: Self.highway)
        var total = PrivacyLeakComposite.Figures(name: "all")
        for aCase in composite.cases {
            let f = try composite.run(aCase, anonymiseEvery: every)
            print("one frame in \(every): \(f)")
            total.add(f)
            // The case really has people to leak after warm-up.
            #expect(f.warmFrames * every > 50 && (f.distinct.values.reduce(0, +)) * every > 10_000, "\(f.name): too little measured")
            #expect(f.firstFrameLeaks == 0, "\(f.name): \(f.firstFrameLeaks) pixels leaked in the first frame")
            #expect(f.fraction([.moving]) <= 0.001, "\(f.name): moving \(f.fraction([.moving]))")
            #expect(f.fraction([.still]) <= 0.001, "\(f.name): still \(f.fraction([.still]))")
            #expect(f.fraction([.entering]) <= 0.001, "\(f.name): entering \(f.fraction([.entering]))")
            #expect(f.worstFrameFraction <= 0.001, "\(f.name): frame #\(f.worstFrame) leaked \(f.worstFrameFraction)")
            // People (the simulated cases: the highway's are vehicles with unlabelled shadows, reported apart).
            if aCase.isPeople {
                #expect(f.areaRatio <= 1.5, "\(f.name): redacted \(f.areaRatio)x the people's true area")
            }
        }
        print(total)
        #expect((total.distinct[.still] ?? 0) * every > 10_000, "the still cases must exercise still people")
        #expect((total.distinct[.entering] ?? 0) * every > 2_000, "the entering cases must exercise the border")
    }
}
