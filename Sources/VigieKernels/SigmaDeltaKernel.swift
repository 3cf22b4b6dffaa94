// The sigma-delta background estimator (Manzanera and Richefeu, 2004): the background moves one
// level per frame toward the frame, the variance estimate moves one level per frame toward N
// times the difference, and a pixel is foreground when its difference exceeds the variance.
// Every operation is a byte compare, add or subtract, so the loop runs on packed bytes.

import CVigieKernels

/// Reference: the maths, one pixel at a time. Returns the foreground decision.
@inline(__always)
package func sigmaDeltaPixel(_ i: UInt8, background m: inout UInt8, variance v: inout UInt8,
                             minimumVariance: UInt8, maximumVariance: UInt8) -> Bool {
    if i > m { m += 1 } else if i < m { m -= 1 }
    let d = i > m ? i - m : m - i
    if d != 0 {
        let n = UInt8(min(Int(d) * 4, 255))
        if n > v { v += 1 } else if n < v { v -= 1 }
    }
    v = min(max(v, minimumVariance), maximumVariance)
    return d > v
}

/// Reference row: `sigmaDeltaPixel` over a row, OR-ed with a chroma decision (`chromaWide`
/// above `chromaThreshold`, one byte per luma pixel).
package func sigmaDeltaRowReference(_ luma: UnsafePointer<UInt8>, chromaWide: UnsafePointer<UInt8>,
                                    background: UnsafeMutablePointer<UInt8>, variance: UnsafeMutablePointer<UInt8>,
                                    mask: UnsafeMutablePointer<UInt8>, width: Int,
                                    minimumVariance: UInt8, maximumVariance: UInt8, chromaThreshold: UInt8) {
    for x in 0..<width {
        let fg = sigmaDeltaPixel(luma[x], background: &background[x], variance: &variance[x],
                                 minimumVariance: minimumVariance, maximumVariance: maximumVariance)
        mask[x] = fg || chromaWide[x] > chromaThreshold ? 255 : 0
    }
}

/// Fast row: the same maths branch-free on bytes, in C (`CVigieKernels`) on the
/// instruction-set path in use (or `path`): 16, 32 or 64 bytes per vector.
package func sigmaDeltaRow(_ luma: UnsafePointer<UInt8>, chromaWide: UnsafePointer<UInt8>,
                           background: UnsafeMutablePointer<UInt8>, variance: UnsafeMutablePointer<UInt8>,
                           mask: UnsafeMutablePointer<UInt8>, width: Int,
                           minimumVariance: UInt8, maximumVariance: UInt8, chromaThreshold: UInt8,
                           path: KernelPath? = nil) {
    vg_sigma_delta_row_on(KernelPath.raw(path), luma, chromaWide, background, variance, mask, width, minimumVariance,
                          maximumVariance, chromaThreshold)
}

/// One chroma row of the sigma-delta model, in C on the instruction-set path in use (or
/// `path`): backgrounds step one level toward the frame, and the distance |ΔCb| + |ΔCr|
/// (saturated) is written twice per chroma pixel to line up with luma.
package func sigmaDeltaChromaRow(cb: UnsafePointer<UInt8>, cr: UnsafePointer<UInt8>,
                                 backgroundCb: UnsafeMutablePointer<UInt8>, backgroundCr: UnsafeMutablePointer<UInt8>,
                                 out: UnsafeMutablePointer<UInt8>, width: Int, path: KernelPath? = nil) {
    vg_sigma_delta_chroma_row_on(KernelPath.raw(path), cb, cr, backgroundCb, backgroundCr, out, width)
}

/// Reference for `sigmaDeltaChromaRow`: readable maths.
package func sigmaDeltaChromaRowReference(cb: UnsafePointer<UInt8>, cr: UnsafePointer<UInt8>,
                                          backgroundCb: UnsafeMutablePointer<UInt8>,
                                          backgroundCr: UnsafeMutablePointer<UInt8>,
                                          out: UnsafeMutablePointer<UInt8>, width: Int) {
    for x in 0..<width {
        if cb[x] > backgroundCb[x] { backgroundCb[x] += 1 } else if cb[x] < backgroundCb[x] { backgroundCb[x] -= 1 }
        if cr[x] > backgroundCr[x] { backgroundCr[x] += 1 } else if cr[x] < backgroundCr[x] { backgroundCr[x] -= 1 }
        let distance = abs(Int(cb[x]) - Int(backgroundCb[x])) + abs(Int(cr[x]) - Int(backgroundCr[x]))
        out[2 * x] = UInt8(min(distance, 255))
        out[2 * x + 1] = UInt8(min(distance, 255))
    }
}
