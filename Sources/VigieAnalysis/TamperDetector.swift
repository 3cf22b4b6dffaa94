import VigieCore
import VigieKernels

/// Watches the camera itself: covered, moved, defocused, too dark, blinded or frozen.
///
/// It reads one luma row in `factor` (the factor that brings the width down to about
/// ``Configuration/analysisWidth``, 8 at 768x576) and builds from those rows, in one pass:
///
/// ```
/// sampled rows ─┬─▶ block means ──▶ coarse image (96x72 at 768x576) ─┬─ brightness, saturation, contrast
///               │                                                    ├─ change vs the learned view
///               │                                                    └─ shift search vs the learned view
///               ├─▶ gradient energy / mean² ─────────────────────────── sharpness vs the learned one
///               └─▶ pixels changed since the previous frame ─────────── frozen picture
/// ```
///
/// The learned view (coarse image, sharpness, contrast, brightness) follows the scene slowly
/// (``Configuration/referenceTimeConstant``) and only while no condition holds, so a covered or
/// moved camera is compared with the view from before the tampering until it is restored.
///
/// - `covered`: the coarse image's standard deviation below ``Configuration/coveredContrastRatio``
///   of the learned one, and its correlation with the learned view below
///   ``Configuration/coveredCorrelation``: the structure is gone, not dimmed (a light switched off
///   keeps the correlation).
/// - `defocused`: sharpness below ``Configuration/defocusedSharpnessRatio`` of the learned one
///   while brightness stays within a factor 2 and the view is not covered.
/// - `tooDark`, `tooBright`: mean luma below ``Configuration/tooDarkLuma``; at least
///   ``Configuration/tooBrightFraction`` of the coarse image at or above
///   ``Configuration/saturatedLuma``. Absolute: they hold before anything is learned.
/// - `frozen`: fewer than ``Configuration/frozenChangedFraction`` of the sampled pixels changed
///   from one frame to the next, for ``Configuration/frozenAfter`` seconds. A live sensor always
///   has noise; a replayed or stuck picture has none.
/// - `moved`: every ``Configuration/shiftCheckInterval`` seconds (and at once on a frame that
///   differs from the learned view over half its area) the coarse image is matched against the
///   learned one shifted by up to ``Configuration/maxShiftFraction`` of its size (coarse to fine,
///   brightness-compensated mean absolute difference). A shift of at least
///   ``Configuration/movedFraction`` that explains the change (its error below
///   ``Configuration/shiftImprovement`` of the unshifted error) is `moved`, until the view comes
///   back. A smaller shift is a pan step: the learned view is re-anchored on the current one, so a
///   slow pan (below `movedFraction` per check: 8 % of the view per second by default) is
///   followed and never flagged, while a jump that stays is.
public struct TamperDetector {
    /// The detector's thresholds and time constants. Defaults are general (not tuned to a clip):
    /// each says why it has its value.
    public struct Configuration: Sendable, Hashable {
        /// Width the frame is brought down to for the coarse image, pixels (the sampling factor is
        /// `max(1, width / analysisWidth)`). 96: enough structure for a shift search at 1 % steps,
        /// and one row in 8 read at 768x576.
        public var analysisWidth: Int = 96
        /// Shortest time between two analysed frames, seconds; frames in between return the last
        /// analysis. 0.15 s (about 7 analyses per second): every condition takes seconds to
        /// confirm, and at 25 fps this reads one frame in four.
        public var analysisInterval: Double = 0.15
        /// Seconds of normal view before the learned view is trusted. 2 s.
        public var warmUp: Double = 2
        /// Time constant of the learned view while normal, seconds. 10 s: follows dusk and
        /// lights in tens of seconds, far slower than any tampering lasts before it alerts.
        public var referenceTimeConstant: Double = 10
        /// Mean luma below which the image is `tooDark`. 20: below it a camera shows nothing an
        /// operator could use; a night scene at 1/3 of day brightness stays above.
        public var tooDarkLuma: Double = 20
        /// Luma counted as saturated. 235: the top of the video range (Rec. 601 white).
        public var saturatedLuma: UInt8 = 235
        /// Fraction of saturated coarse pixels that makes the image `tooBright`. 0.6: a torch
        /// flooding the view, not a lit sign or a sunlit patch.
        public var tooBrightFraction: Double = 0.6
        /// `covered` below this ratio of the learned coarse image's standard deviation. 0.5: a hand
        /// or cloth leaves little structure; a crowd or a vehicle in front keeps or raises it.
        public var coveredContrastRatio: Double = 0.5
        /// `covered` also needs the correlation with the learned view below this. 0.4: the view's
        /// structure is gone (a light switched off keeps it near 1, a bus in front of half the
        /// view near 0.5 or more).
        public var coveredCorrelation: Double = 0.4
        /// `defocused` below this ratio of learned sharpness. 0.35: a blur of a few pixels removes
        /// most gradient energy; noise and people keep a normal view far above.
        public var defocusedSharpnessRatio: Double = 0.35
        /// Coarse-image difference (luma levels, after brightness compensation) counted as a
        /// changed pixel, at least; 15 % of the learned mean if larger. 12.
        public var changeThreshold: Double = 12
        /// Shift, as a fraction of the width or height, from which a matched shift is `moved`.
        /// 0.04: "a few percent", four coarse pixels at 96 wide, beyond vibration and sway.
        public var movedFraction: Double = 0.04
        /// Largest shift searched, fraction of the width or height. 0.15.
        public var maxShiftFraction: Double = 0.15
        /// Seconds between shift checks. 0.5: a PTZ pan below `movedFraction / shiftCheckInterval`
        /// (8 % of the view per second) is followed step by step.
        public var shiftCheckInterval: Double = 0.5
        /// A shift explains the change when its error is below this fraction of the unshifted
        /// error. 0.6.
        public var shiftImprovement: Double = 0.6
        /// Seconds of identical frames before `frozen`. 1: duplicated frames from a frame-rate
        /// conversion never last that long.
        public var frozenAfter: Double = 1
        /// Fraction of sampled pixels that may change while the frame counts as identical. 0.02:
        /// sensor noise changes most pixels of a live frame.
        public var frozenChangedFraction: Double = 0.02
        /// Seconds after which a moved view is accepted as the new normal (the operator has had
        /// the alert; the scene is relearned). 600.
        public var acceptMovedViewAfter: Double = 600

        /// The defaults.
        public init() {}
    }

    /// The thresholds.
    public let configuration: Configuration

    // Geometry, fixed at the first frame.
    private var width = 0, height = 0, factor = 1, smallWidth = 0, smallHeight = 0
    // Per-frame buffers (allocated once).
    private var previousRows: [UInt8] = []
    private var small: [UInt8] = []
    // The learned view.
    private var reference: [Float] = []
    private var referenceMean = 0.0, referenceSharpness = 0.0
    private var learnedSeconds = 0.0
    // State.
    private var lastTime: Timestamp?     // the last analysed frame
    private var lastSeen: Timestamp?     // the last frame of any kind (time must advance)
    private var lastCues: TamperCues?
    private var frozenSince: Timestamp?
    private var lastShiftCheck: Timestamp?
    private var movedSince: Timestamp?
    private var shift = (x: 0, y: 0)
    private var scratch = ShiftScratch()

    /// A detector with the given thresholds (the defaults by default).
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// One frame's condition.
    /// - Parameters:
    ///   - frame: the frame; only its luma is read, one row in `factor`.
    ///   - foreground: the motion stage's mask, for `foregroundFraction`; nil if none.
    ///   - globalChange: whether the background model saw a sudden global change (triggers a
    ///     shift check at once).
    /// - Throws: `FrameError.frameSizeChanged`, `.nonMonotonicTimestamp`.
    public mutating func process(_ frame: Frame, foreground: Mask?, globalChange: Bool) throws(FrameError) -> TamperCues {
        if lastTime == nil { setUp(width: frame.width, height: frame.height) }
        guard frame.width == width, frame.height == height else {
            throw .frameSizeChanged(expectedWidth: width, expectedHeight: height, width: frame.width, height: frame.height)
        }
        if let lastSeen, frame.timestamp <= lastSeen {
            throw .nonMonotonicTimestamp(previous: lastSeen, current: frame.timestamp)
        }
        lastSeen = frame.timestamp
        // Between analyses, the last one stands (frozen time still counts on).
        if let lastTime, var cues = lastCues, !globalChange,
           frame.timestamp.seconds - lastTime.seconds < configuration.analysisInterval {
            if let since = frozenSince { cues.frozenSeconds = frame.timestamp.seconds - since.seconds }
            return cues
        }
        let t = frame.timestamp
        let dt = lastTime.map { t.seconds - $0.seconds } ?? 0
        let first = lastTime == nil

        // One pass over the sampled rows.
        var energy = 0, changed = 0
        let (w, f, sw, sh) = (width, factor, smallWidth, smallHeight)
        frame.luma.withView { view in
            previousRows.withUnsafeMutableBufferPointer { prev in
                small.withUnsafeMutableBufferPointer { out in
                    for sy in 0..<sh {
                        let s = tamperRowStats(view.row(sy * f + f / 2), previous: prev.baseAddress! + sy * w,
                                               width: w, factor: f, blocks: out.baseAddress! + sy * sw)
                        energy += s.gradientEnergy
                        changed += s.changed
                    }
                }
            }
        }
        var foregroundFraction: Double?
        if let foreground, foreground.width == w, foreground.height == height {
            var set = 0
            foreground.plane.withView { m in
                for sy in 0..<sh { set += countSet(m.row(sy * f + f / 2), w) }
            }
            foregroundFraction = Double(set) / Double(sh * w)
        }

        // Coarse-image statistics.
        var sum = 0, sumSquares = 0, saturated = 0
        let saturatedLuma = configuration.saturatedLuma
        for v in small {
            sum += Int(v)
            sumSquares += Int(v) * Int(v)
            saturated += v >= saturatedLuma ? 1 : 0
        }
        let n = Double(small.count)
        let mean = Double(sum) / n
        let variance = max(0, Double(sumSquares) / n - mean * mean)
        let sharpness = Double(energy) / Double(sh * max(w - 1, 1)) / max(mean * mean, 1)

        // Frame identity.
        if first || Double(changed) > configuration.frozenChangedFraction * Double(sh * w) {
            frozenSince = nil
        } else if frozenSince == nil {
            frozenSince = lastTime
        }
        let frozenSeconds = frozenSince.map { t.seconds - $0.seconds } ?? 0

        var conditions: Set<TamperCondition> = []
        if mean < configuration.tooDarkLuma { conditions.insert(.tooDark) }
        if Double(saturated) >= configuration.tooBrightFraction * n { conditions.insert(.tooBright) }
        if frozenSeconds >= configuration.frozenAfter { conditions.insert(.frozen) }

        let learned = learnedSeconds >= configuration.warmUp
        var cues = TamperCues(brightness: mean, isReferenceLearned: learned, foregroundFraction: foregroundFraction,
                              frozenSeconds: frozenSeconds)
        if learned {
            let sharpnessRatio = sharpness / max(referenceSharpness, 1e-9)
            let comparison = compareWithReference(mean: mean)
            let contrastRatio = variance.squareRoot() / max(comparison.referenceDeviation, 1e-9)
            let changedFraction = comparison.changedFraction
            cues.sharpnessRatio = sharpnessRatio
            cues.contrastRatio = contrastRatio
            cues.changedFraction = changedFraction
            cues.correlation = comparison.correlation
            let covered = contrastRatio < configuration.coveredContrastRatio
                && comparison.correlation < configuration.coveredCorrelation
            if covered { conditions.insert(.covered) }
            let brightnessKept = mean > referenceMean / 2 && mean < referenceMean * 2
            if !covered && brightnessKept && sharpnessRatio < configuration.defocusedSharpnessRatio {
                conditions.insert(.defocused)
            }
            // Shift: only on a view with structure to match.
            let matchable = !conditions.contains(.covered) && !conditions.contains(.tooDark) && !conditions.contains(.tooBright)
                && !conditions.contains(.frozen)
            let due = lastShiftCheck.map { t.seconds - $0.seconds >= configuration.shiftCheckInterval } ?? true
            if matchable && (due || globalChange || changedFraction > 0.5) {
                lastShiftCheck = t
                checkShift(at: t, mean: mean)
            }
            if movedSince != nil { conditions.insert(.moved) }
        }
        cues.shiftX = Double(shift.x * f)
        cues.shiftY = Double(shift.y * f)
        cues.shiftFraction = max(Double(abs(shift.x)) / Double(sw), Double(abs(shift.y)) / Double(sh))
        cues.conditions = conditions

        // Learn the normal view.
        if conditions.isEmpty {
            let tau = learned ? configuration.referenceTimeConstant : 0.25
            let alpha = first ? 1 : min(1, dt / tau)
            learn(mean: mean, sharpness: sharpness, rate: alpha)
            learnedSeconds += dt
        }
        lastTime = t
        lastCues = cues
        return cues
    }

    private mutating func setUp(width: Int, height: Int) {
        self.width = width
        self.height = height
        factor = max(1, width / max(8, configuration.analysisWidth))
        smallWidth = max(1, width / factor)
        smallHeight = max(1, height / factor)
        previousRows = [UInt8](repeating: 0, count: smallHeight * width)
        small = [UInt8](repeating: 0, count: smallWidth * smallHeight)
        reference = [Float](repeating: 0, count: smallWidth * smallHeight)
    }

    private mutating func learn(mean: Double, sharpness: Double, rate: Double) {
        let a = Float(rate)
        for i in reference.indices { reference[i] += a * (Float(small[i]) - reference[i]) }
        referenceMean += rate * (mean - referenceMean)
        referenceSharpness += rate * (sharpness - referenceSharpness)
    }

    /// Compares the coarse image with the learned view: the fraction of pixels that differ once
    /// the frame's brightness is scaled to the learned one, their correlation coefficient, and the
    /// learned view's standard deviation.
    private func compareWithReference(mean: Double)
        -> (changedFraction: Double, correlation: Double, referenceDeviation: Double) {
        let gain = Float(referenceMean / max(mean, 1))
        let threshold = Float(max(configuration.changeThreshold, 0.15 * referenceMean))
        let m = Float(mean), rm = Float(referenceMean)
        var count = 0
        var sr: Float = 0, ss: Float = 0, rr: Float = 0
        for i in small.indices {
            let v = Float(small[i]), r = reference[i]
            count += abs(v * gain - r) > threshold ? 1 : 0
            let a = v - m, b = r - rm
            sr += a * b
            ss += a * a
            rr += b * b
        }
        let n = Double(small.count)
        let correlation = ss > 0 && rr > 0 ? Double(sr / (ss.squareRoot() * rr.squareRoot())) : 0
        return (Double(count) / n, correlation, (Double(rr) / n).squareRoot())
    }

    /// Matches the coarse image against the learned view; updates `shift` and `movedSince`, and
    /// re-anchors the learned view on a pan step.
    private mutating func checkShift(at t: Timestamp, mean: Double) {
        let gain = Float(referenceMean / max(mean, 1))
        let maxX = max(1, Int((configuration.maxShiftFraction * Double(smallWidth)).rounded(.up)))
        let maxY = max(1, Int((configuration.maxShiftFraction * Double(smallHeight)).rounded(.up)))
        let match = scratch.bestShift(small, reference, width: smallWidth, height: smallHeight, gain: gain,
                                      maxX: maxX, maxY: maxY)
        let fraction = max(Double(abs(match.x)) / Double(smallWidth), Double(abs(match.y)) / Double(smallHeight))
        let explains = (match.x != 0 || match.y != 0) && match.error < configuration.shiftImprovement * match.zeroError
        if movedSince != nil {
            if let since = movedSince, t.seconds - since.seconds >= configuration.acceptMovedViewAfter {
                reanchor(mean: mean)  // the new view is the normal one now
                movedSince = nil
                shift = (0, 0)
            } else if explains || fraction >= configuration.movedFraction {
                shift = (match.x, match.y)  // still away (a crowd in front of a moved view keeps it)
            } else if match.x == 0 && match.y == 0 || fraction < configuration.movedFraction / 2 {
                movedSince = nil  // back to the learned view
                shift = (match.x, match.y)
            }
            return
        }
        shift = (match.x, match.y)
        guard explains else { return }
        if fraction >= configuration.movedFraction {
            movedSince = t
        } else {
            reanchor(mean: mean)  // a pan step: follow the view
        }
    }

    /// Makes the current coarse image the learned view (pan step, accepted new view); the
    /// sharpness reference is kept.
    private mutating func reanchor(mean: Double) {
        for i in reference.indices { reference[i] = Float(small[i]) }
        referenceMean = mean
    }
}

/// Coarse-to-fine shift search buffers, allocated once.
struct ShiftScratch {
    private var full: [Float] = [], halfA: [Float] = [], halfB: [Float] = []

    /// The integer shift (x, y) of `image` against `reference` minimising the mean absolute
    /// difference of `image * gain` and `reference` shifted, over their overlap; with that
    /// error and the error at zero shift. Searched at half size over ±max/2, refined at full size.
    mutating func bestShift(_ image: [UInt8], _ reference: [Float], width: Int, height: Int, gain: Float,
                            maxX: Int, maxY: Int) -> (x: Int, y: Int, error: Double, zeroError: Double) {
        if full.count != image.count { full = [Float](repeating: 0, count: image.count) }
        for i in image.indices { full[i] = Float(image[i]) * gain }
        let hw = width / 2, hh = height / 2
        var coarse = (x: 0, y: 0)
        if hw >= 8 && hh >= 8 {
            if halfA.count != hw * hh {
                halfA = [Float](repeating: 0, count: hw * hh)
                halfB = halfA
            }
            for y in 0..<hh {
                for x in 0..<hw {
                    let i = 2 * y * width + 2 * x
                    halfA[y * hw + x] = (full[i] + full[i + 1] + full[i + width] + full[i + width + 1]) * 0.25
                    halfB[y * hw + x] = (reference[i] + reference[i + 1] + reference[i + width]
                        + reference[i + width + 1]) * 0.25
                }
            }
            var best = Float.infinity
            let rx = max(1, maxX / 2), ry = max(1, maxY / 2)
            for dy in -ry...ry {
                for dx in -rx...rx {
                    let e = meanAbsoluteDifference(halfA, halfB, width: hw, height: hh, dx: dx, dy: dy)
                    if e < best { best = e; coarse = (dx, dy) }
                }
            }
        }
        var best = Float.infinity, found = (x: 0, y: 0)
        for dy in (2 * coarse.y - 1)...(2 * coarse.y + 1) {
            for dx in (2 * coarse.x - 1)...(2 * coarse.x + 1) where abs(dx) <= maxX && abs(dy) <= maxY {
                let e = meanAbsoluteDifference(full, reference, width: width, height: height, dx: dx, dy: dy)
                if e < best { best = e; found = (dx, dy) }
            }
        }
        let zero = meanAbsoluteDifference(full, reference, width: width, height: height, dx: 0, dy: 0)
        if zero <= best { return (0, 0, Double(zero), Double(zero)) }
        return (found.x, found.y, Double(best), Double(zero))
    }
}

/// Mean |a(x, y) - b(x + dx, y + dy)| over the overlap (infinity if it is under half the image).
private func meanAbsoluteDifference(_ a: [Float], _ b: [Float], width: Int, height: Int, dx: Int, dy: Int) -> Float {
    let x0 = max(0, -dx), x1 = min(width, width - dx)
    let y0 = max(0, -dy), y1 = min(height, height - dy)
    guard x1 > x0, y1 > y0, 2 * (x1 - x0) * (y1 - y0) >= width * height else { return .infinity }
    var total: Float = 0
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            for y in y0..<y1 {
                let ra = y * width + x0, rb = (y + dy) * width + dx + x0
                total += absoluteDifferenceSum(pa.baseAddress! + ra, pb.baseAddress! + rb, count: x1 - x0)
            }
        }
    }
    return total / Float((x1 - x0) * (y1 - y0))
}
