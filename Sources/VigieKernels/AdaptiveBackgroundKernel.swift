// The per-pixel step of the adaptive background model (VigieBackground.AdaptiveBackground):
// classify one row of pixels against the model, then update the model. All state is fixed
// point: backgrounds and deviations are UInt16 in 8.8 (value * 256).
//
// Updates move by at most a fixed step per frame toward the new value (the background tracks a
// running *median*, as in sigma-delta estimation, rather than a mean): a car passing over a
// road pixel pulls it by one step per frame, not by a fraction of the car's contrast, so busy
// scenes do not smear vehicles and people into the background.

import CVigieKernels

/// Parameters of one adaptive-model step, in pixel levels and right-shift learning rates.
package struct AdaptiveParameters {
    /// Threshold multiplier on the mean absolute deviation, in 1/16 (48 = 3.0).
    package var deviationScale16: UInt16
    /// Lowest and highest luma threshold, levels.
    package var minimumThreshold: UInt16
    package var maximumThreshold: UInt16
    /// Chroma distance (|ΔCb| + |ΔCr|) above which a pixel is foreground, levels.
    package var chromaThreshold: UInt16
    /// A darker pixel is shadow when luma/background ≥ shadowLow/256 and ≤ shadowHigh/256 and
    /// chroma distance ≤ shadowChroma.
    package var shadowLow: UInt16
    package var shadowHigh: UInt16
    package var shadowChroma: UInt16
    /// Largest change per frame (8.8 fixed point) of the background of background pixels, of
    /// foreground and shadow pixels (much slower: ghosts and stopped objects are absorbed
    /// eventually), and of the deviation.
    package var backgroundStep: UInt16
    package var foregroundStep: UInt16
    package var deviationStep: UInt16
    /// After this many consecutive foreground frames a pixel learns at the background rate
    /// (ghost removal: a pixel that stays "foreground" that long is background that changed).
    package var absorbAfterFrames: UInt16
    /// Whether a shadow that exceeds the threshold is marked `shadowCandidate` for the texture
    /// test (`resolveShadowRow`); when false it is shadow (0) at once and its counter restarts.
    package var marksShadowCandidates: Bool

    package init(deviationScale16: UInt16, minimumThreshold: UInt16, maximumThreshold: UInt16,
                 chromaThreshold: UInt16, shadowLow: UInt16, shadowHigh: UInt16, shadowChroma: UInt16,
                 backgroundStep: UInt16, foregroundStep: UInt16, deviationStep: UInt16,
                 absorbAfterFrames: UInt16, marksShadowCandidates: Bool = true) {
        self.deviationScale16 = deviationScale16
        self.minimumThreshold = minimumThreshold
        self.maximumThreshold = maximumThreshold
        self.chromaThreshold = chromaThreshold
        self.shadowLow = shadowLow
        self.shadowHigh = shadowHigh
        self.shadowChroma = shadowChroma
        self.backgroundStep = backgroundStep
        self.foregroundStep = foregroundStep
        self.deviationStep = deviationStep
        self.absorbAfterFrames = absorbAfterFrames
        self.marksShadowCandidates = marksShadowCandidates
    }
}

/// One pixel, readable: returns the new (background, deviation, foreground frames) and the mask
/// value: 255 foreground, 0 background, `shadowCandidate` for a pixel that differs from the
/// background enough to be foreground but whose brightness and chroma say shadow (the shadow
/// texture test, `resolveShadowRow`, decides it; its counter is kept until then).
@inline(__always)
package func adaptivePixel(y: UInt8, chromaDistance cd: UInt16, background bg: UInt16, deviation dev: UInt16,
                           envelopeMin: UInt8, envelopeMax: UInt8, foregroundFrames count: UInt16,
                           _ p: AdaptiveParameters)
    -> (background: UInt16, deviation: UInt16, foregroundFrames: UInt16, mask: UInt8) {
    let b = Int(bg >> 8)
    let v = Int(y)
    let d = abs(v - b)
    // Distance to the 3x3 neighbourhood's background envelope: a pixel that matches a
    // neighbour's background (camera jitter, swaying leaves) is not foreground.
    let e = max(0, v - Int(envelopeMax), Int(envelopeMin) - v)
    let t = min(max((Int(dev) * Int(p.deviationScale16)) >> 12, Int(p.minimumThreshold)), Int(p.maximumThreshold))
    let shadow = v < b && v * 256 >= b * Int(p.shadowLow) && v * 256 <= b * Int(p.shadowHigh)
        && Int(cd) <= Int(p.shadowChroma)
    let foreground = (e > t && !shadow) || Int(cd) > Int(p.chromaThreshold)
    let candidate = !foreground && shadow && e > t && p.marksShadowCandidates
    let target = v << 8
    let newCount = foreground ? min(Int(count) + 1, 65535) : candidate ? Int(count) : 0
    let absorbing = newCount > Int(p.absorbAfterFrames)
    // Shadows are not the background's appearance: they learn as slowly as foreground.
    let slow = (foreground && !absorbing) || (shadow && !foreground)
    let step = Int(slow ? p.foregroundStep : p.backgroundStep)
    let newBackground = Int(bg) + min(max(target - Int(bg), -step), step)
    var newDeviation = Int(dev)
    if !foreground && !shadow {
        newDeviation += min(max((min(d, 255) << 8) - newDeviation, -Int(p.deviationStep)), Int(p.deviationStep))
    }
    return (UInt16(newBackground), UInt16(newDeviation), UInt16(newCount),
            foreground ? 255 : candidate ? shadowCandidate : 0)
}

/// Reference: one row through `adaptivePixel`, chroma distance looked up at x/2.
package func adaptiveRowReference(luma: UnsafePointer<UInt8>, chromaDistance: UnsafePointer<UInt8>,
                                  envelopeMin: UnsafePointer<UInt8>, envelopeMax: UnsafePointer<UInt8>,
                                  background: UnsafeMutablePointer<UInt16>, deviation: UnsafeMutablePointer<UInt16>,
                                  foregroundFrames: UnsafeMutablePointer<UInt16>,
                                  mask: UnsafeMutablePointer<UInt8>, width: Int, _ p: AdaptiveParameters) {
    for x in 0..<width {
        let r = adaptivePixel(y: luma[x], chromaDistance: UInt16(chromaDistance[x >> 1]), background: background[x],
                              deviation: deviation[x], envelopeMin: envelopeMin[x], envelopeMax: envelopeMax[x],
                              foregroundFrames: foregroundFrames[x], p)
        background[x] = r.background
        deviation[x] = r.deviation
        foregroundFrames[x] = r.foregroundFrames
        mask[x] = r.mask
    }
}

/// Fast: the same maths, branch-free on 32-bit lanes, in C (`CVigieKernels`), compiled for
/// each instruction-set path and run on the one in use (`KernelPath`); the chroma distance must
/// first be widened to luma resolution (`chromaWide`, one byte per luma pixel). Returns the
/// row's foreground pixels (mask 255), counted in the same pass.
@discardableResult
package func adaptiveRow(luma: UnsafePointer<UInt8>, chromaWide: UnsafePointer<UInt8>,
                         envelopeMin: UnsafePointer<UInt8>, envelopeMax: UnsafePointer<UInt8>,
                         background: UnsafeMutablePointer<UInt16>, deviation: UnsafeMutablePointer<UInt16>,
                         foregroundFrames: UnsafeMutablePointer<UInt16>,
                         mask: UnsafeMutablePointer<UInt8>, width: Int, _ p: AdaptiveParameters,
                         path: KernelPath? = nil) -> Int {
    var c = vg_adaptive_parameters(
        deviation_scale16: Int32(p.deviationScale16), minimum_threshold: Int32(p.minimumThreshold),
        maximum_threshold: Int32(p.maximumThreshold), chroma_threshold: Int32(p.chromaThreshold),
        shadow_low: Int32(p.shadowLow), shadow_high: Int32(p.shadowHigh), shadow_chroma: Int32(p.shadowChroma),
        background_step: Int32(p.backgroundStep), foreground_step: Int32(p.foregroundStep),
        deviation_step: Int32(p.deviationStep), absorb_after_frames: Int32(p.absorbAfterFrames),
        marks_shadow_candidates: p.marksShadowCandidates ? 1 : 0)
    return vg_adaptive_row_on(KernelPath.raw(path), luma, chromaWide, envelopeMin, envelopeMax, background, deviation,
                              foregroundFrames, mask, width, &c)
}

/// Chroma distance |Cb - bgCb| + |Cr - bgCr| (saturated to 255) for one chroma row, written
/// twice per chroma pixel so it lines up with the luma row (`out` has `2 * width` bytes); in C
/// (`CVigieKernels`) on the instruction-set path in use.
package func chromaRow(cb: UnsafePointer<UInt8>, cr: UnsafePointer<UInt8>,
                       backgroundCb: UnsafeMutablePointer<UInt16>, backgroundCr: UnsafeMutablePointer<UInt16>,
                       out: UnsafeMutablePointer<UInt8>, width: Int, path: KernelPath? = nil) {
    vg_chroma_row_on(KernelPath.raw(path), cb, cr, backgroundCb, backgroundCr, out, width)
}

/// Reference for `chromaRow`: readable maths.
package func chromaRowReference(cb: UnsafePointer<UInt8>, cr: UnsafePointer<UInt8>,
                                backgroundCb: UnsafePointer<UInt16>, backgroundCr: UnsafePointer<UInt16>,
                                out: UnsafeMutablePointer<UInt8>, width: Int) {
    for x in 0..<width {
        let distance = abs(Int(cb[x]) - Int(backgroundCb[x] >> 8)) + abs(Int(cr[x]) - Int(backgroundCr[x] >> 8))
        out[2 * x] = UInt8(min(distance, 255))
        out[2 * x + 1] = UInt8(min(distance, 255))
    }
}

/// In C (`CVigieKernels`) on the instruction-set path in use. Moves chroma backgrounds toward the
/// frame by at most `backgroundStep` (8.8) where the luma mask (sampled at the chroma pixel's
/// top-left luma pixel) is not foreground (< 128: background, and shadow candidates not yet
/// resolved, which learn chroma as shadows always have), `foregroundStep` where it is (255).
package func chromaUpdateRow(cb: UnsafePointer<UInt8>, cr: UnsafePointer<UInt8>,
                             backgroundCb: UnsafeMutablePointer<UInt16>, backgroundCr: UnsafeMutablePointer<UInt16>,
                             lumaMask: UnsafePointer<UInt8>, width: Int, backgroundStep: Int32, foregroundStep: Int32,
                             path: KernelPath? = nil) {
    vg_chroma_update_row_on(KernelPath.raw(path), cb, cr, backgroundCb, backgroundCr, lumaMask, width, backgroundStep,
                            foregroundStep)
}

/// Reference for `chromaUpdateRow`: readable maths.
package func chromaUpdateRowReference(cb: UnsafePointer<UInt8>, cr: UnsafePointer<UInt8>,
                                      backgroundCb: UnsafeMutablePointer<UInt16>,
                                      backgroundCr: UnsafeMutablePointer<UInt16>, lumaMask: UnsafePointer<UInt8>,
                                      width: Int, backgroundStep: Int32, foregroundStep: Int32) {
    for x in 0..<width {
        let step = Int(lumaMask[2 * x] >= 128 ? foregroundStep : backgroundStep)
        let cb8 = Int(cb[x]) << 8, cr8 = Int(cr[x]) << 8
        backgroundCb[x] = UInt16(Int(backgroundCb[x]) + min(max(cb8 - Int(backgroundCb[x]), -step), step))
        backgroundCr[x] = UInt16(Int(backgroundCr[x]) + min(max(cr8 - Int(backgroundCr[x]), -step), step))
    }
}

/// The 3x3 minimum and maximum of the background (integer levels, from 8.8) around each pixel,
/// edges replicated. Reference: direct nine-sample loops.
package func backgroundEnvelopeReference(_ background: UnsafePointer<UInt16>, width: Int, height: Int,
                                         minimum: MutableImageView, maximum: MutableImageView) {
    for y in 0..<height {
        for x in 0..<width {
            var lo: UInt16 = 255, hi: UInt16 = 0
            for dy in -1...1 {
                for dx in -1...1 {
                    let yy = min(max(y + dy, 0), height - 1), xx = min(max(x + dx, 0), width - 1)
                    let b = background[yy * width + xx] >> 8
                    lo = min(lo, b)
                    hi = max(hi, b)
                }
            }
            minimum[x, y] = UInt8(lo)
            maximum[x, y] = UInt8(hi)
        }
    }
}

/// Fast envelope, in one pass over the background: each row is converted to levels and its
/// 3-wide minimum and maximum kept in a ring of three row pairs (`scratch`: 7 x width bytes), so
/// each output row is the element-wise min/max of three ring rows, with no copies between rows.
/// In C (`CVigieKernels`) on the instruction-set path in use (or `path`).
package func backgroundEnvelope(_ background: UnsafePointer<UInt16>, width: Int, height: Int,
                                minimum: MutableImageView, maximum: MutableImageView,
                                scratch: UnsafeMutablePointer<UInt8>, path: KernelPath? = nil) {
    precondition(minimum.width == width && maximum.width == width && minimum.height == height
                 && maximum.height == height, "envelope sizes")
    guard width > 0, height > 0 else { return }
    vg_background_envelope_on(KernelPath.raw(path), background, width, height, minimum.base, minimum.stride,
                              maximum.base, maximum.stride, scratch)
}
