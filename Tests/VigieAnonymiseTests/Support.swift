import Foundation
import VigieAnonymise
import VigieBackground
import VigieBlobs
import VigieCore
import VigieKernels
import VigieRules
import VigieSimulator
import VigieTracking

/// The real chain, as `vigie anonymise` runs it: MotionPipeline(AdaptiveBackground) → BlobExtraction →
/// Tracker → Anonymiser, on a simulated scene with ground truth.
struct Chain {
    var motion = MotionPipeline(model: AdaptiveBackground())
    var blobs = BlobExtraction()
    var tracker = Tracker()
    var anonymiser: Anonymiser
    var lastTracks: [Track] = []
    var lastForeground: Mask?

    init(_ configuration: Anonymiser.Configuration = .init(), privacyMasks: [PrivacyMask] = [],
         model: AdaptiveBackground.Configuration = .init()) {
        motion = MotionPipeline(model: AdaptiveBackground(model))
        anonymiser = Anonymiser(configuration, privacyMasks: privacyMasks)
    }

    mutating func process(_ frame: Frame) throws -> AnonymisedFrame {
        let mask = try motion.process(frame)
        var tracks: [Track] = []
        if motion.model.isWarm && !motion.model.sawGlobalChange {
            blobs.minimumArea = max(frame.width * frame.height / 2000, 4)
            tracks = try tracker.process(Tracker.Input(timestamp: frame.timestamp, frameWidth: frame.width,
                                                       frameHeight: frame.height, blobs: blobs.process(mask)))
        }
        lastTracks = tracks
        lastForeground = mask
        return try anonymiser.process(AnonymiserInput(frame: frame, foreground: mask, tracks: tracks, model: motion.model))
    }
}

/// Pixel statistics of one actor in one frame: its texture pixels (ground-truth mask inside its box).
struct PatchLeak {
    /// Pearson correlation between anonymised and original luma over the patch (0 when either is flat).
    var correlation: Double
    /// Fraction of patch pixels whose anonymised luma equals the original at the same place, minus the
    /// fraction equal to another texture pixel of the actor two pixels away (equal by chance: a flat fill that happens
    /// to match a texture value). Copied-through texture shows as a large excess.
    var copiedFraction: Double
    /// Variance of the anonymised luma over the patch.
    var anonymisedVariance: Double
    /// Pearson correlation of the high-pass detail (pixel minus its 3x3 mean) of both images.
    var detailCorrelation: Double
    var pixels: Int
}

func lumaArray(_ frame: Frame) -> [UInt8] { frame.luma.packedPixels }

func leak(original: Frame, anonymised: AnonymisedFrame, truth: GroundTruth, box: PixelRect,
          pool: inout ([Double], [Double], [Double], [Double])) -> PatchLeak {
    let w = original.width, h = original.height
    let o = lumaArray(original), a = lumaArray(anonymised.frame), m = truth.mask.plane.packedPixels
    func highPass(_ p: [UInt8], _ x: Int, _ y: Int) -> Double {
        var s = 0.0, n = 0.0
        for yy in max(0, y - 1)...min(h - 1, y + 1) { for xx in max(0, x - 1)...min(w - 1, x + 1) { s += Double(p[yy * w + xx]); n += 1 } }
        return Double(p[y * w + x]) - s / n
    }
    var xs: [Double] = [], ys: [Double] = [], dx: [Double] = [], dy: [Double] = []
    var copied = 0, chance = 0
    for y in box.y..<(box.y + box.height) {
        for x in box.x..<(box.x + box.width) where m[y * w + x] != 0 {
            xs.append(Double(o[y * w + x]))
            ys.append(Double(a[y * w + x]))
            dx.append(highPass(o, x, y))
            dy.append(highPass(a, x, y))
            if o[y * w + x] == a[y * w + x] { copied += 1 }
            // Chance baseline: another texture pixel of the same actor nearby.
            let near = [(x + 2, y), (x - 2, y), (x, y + 2), (x, y - 2)].first { p in
                p.0 >= 0 && p.0 < w && p.1 >= 0 && p.1 < h && m[p.1 * w + p.0] != 0
            }
            if let (nx, ny) = near { if o[ny * w + nx] == a[y * w + x] { chance += 1 } }
            else if o[y * w + x] == a[y * w + x] { chance += 1 }
        }
    }
    pool.0 += xs; pool.1 += ys; pool.2 += dx; pool.3 += dy
    let n = Double(max(xs.count, 1))
    let meanA = ys.reduce(0, +) / n
    return PatchLeak(correlation: pearson(xs, ys), copiedFraction: Double(copied - chance) / n,
                     anonymisedVariance: ys.reduce(0) { $0 + ($1 - meanA) * ($1 - meanA) } / n,
                     detailCorrelation: pearson(dx, dy), pixels: xs.count)
}

func pearson(_ x: [Double], _ y: [Double]) -> Double {
    guard x.count > 1 else { return 0 }
    let n = Double(x.count)
    let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for i in x.indices {
        sxy += (x[i] - mx) * (y[i] - my)
        sxx += (x[i] - mx) * (x[i] - mx)
        syy += (y[i] - my) * (y[i] - my)
    }
    guard sxx > 1e-9, syy > 1e-9 else { return 0 }
    return sxy / (sxx * syy).squareRoot()
}

/// Whether every luma pixel is `luma` and every chroma pixel neutral (a fully redacted frame).
func isFlat(_ image: AnonymisedFrame, luma: UInt8 = 128) -> Bool {
    let f = image.frame
    guard f.luma.packedPixels.allSatisfy({ $0 == luma }) else { return false }
    if let cb = f.cb, let cr = f.cr {
        return cb.packedPixels.allSatisfy { $0 == 128 } && cr.packedPixels.allSatisfy { $0 == 128 }
    }
    return true
}

/// Runs a scene through the chain; returns the worst leak over all actors and frames after warm-up,
/// checking `body` on each frame.
struct LeakReport {
    var maxCorrelation = 0.0, maxAbsCorrelation = 0.0, maxCopied = 0.0, maxVariance = 0.0, maxDetailCorrelation = 0.0
    var patches = 0
    var warmFrames = 0
    /// Correlations pooled over every patch pixel of every frame (original, anonymised luma and detail).
    var pooled: ([Double], [Double], [Double], [Double]) = ([], [], [], [])
    var pooledCorrelation: Double { pearson(pooled.0, pooled.1) }
    var pooledDetailCorrelation: Double { pearson(pooled.2, pooled.3) }
    var worst = ""
    /// Copied-through pixels beyond chance over all patches, as a fraction of all patch pixels.
    var pooledCopied: Double { Double(copiedTotal) / Double(max(pooled.0.count, 1)) }
    var copiedTotal = 0
}

func measure(_ scene: SimulatedScene, _ configuration: Anonymiser.Configuration = .init(),
             model: AdaptiveBackground.Configuration = .init(),
             each: (Int, Frame, GroundTruth, AnonymisedFrame, inout Chain) -> Void = { _, _, _, _, _ in }) throws -> LeakReport {
    var simulator = SceneSimulator(scene)
    var chain = Chain(configuration, model: model)
    var report = LeakReport()
    var index = 0
    while let (frame, truth) = simulator.nextWithTruth() {
        let out = try chain.process(frame)
        each(index, frame, truth, out, &chain)
        index += 1
        guard chain.motion.model.isWarm else { continue }
        report.warmFrames += 1
        for object in truth.objects {
            let l = leak(original: frame, anonymised: out, truth: truth, box: object.box, pool: &report.pooled)
            report.copiedTotal += Int((l.copiedFraction * Double(l.pixels)).rounded())
            guard l.pixels >= 20 else { continue }
            if abs(l.correlation) > report.maxAbsCorrelation || l.copiedFraction > report.maxCopied {
                report.worst = "frame \(frame.number) actor \(object.id) box \(object.box): \(l), "
                    + "tracks \(chain.lastTracks.map { "\($0.state) \($0.box)" })"
            }
            report.patches += 1
            report.maxCorrelation = max(report.maxCorrelation, l.correlation)
            report.maxAbsCorrelation = max(report.maxAbsCorrelation, abs(l.correlation))
            report.maxCopied = max(report.maxCopied, l.copiedFraction)
            report.maxVariance = max(report.maxVariance, l.anonymisedVariance)
            report.maxDetailCorrelation = max(report.maxDetailCorrelation, abs(l.detailCorrelation))
        }
    }
    return report
}
