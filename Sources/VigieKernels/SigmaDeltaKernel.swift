// The sigma-delta background estimator (Manzanera and Richefeu, 2004): the background moves one
// level per frame toward the frame, the variance estimate moves one level per frame toward N
// times the difference, and a pixel is foreground when its difference exceeds the variance.
// Every operation is a byte compare, add or subtract, so the loop runs on packed bytes.

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

/// Fast row: the same maths branch-free on bytes, sixteen per SSE2 vector (checked with objdump:
/// unsigned compares as `pmaxub`/`pminub` + `pcmpeqb`, `psubb`, `pand`/`pandn`/`por`/`pxor`;
/// `vp…` forms in a host-tuned AVX2 build).
package func sigmaDeltaRow(_ luma: UnsafePointer<UInt8>, chromaWide: UnsafePointer<UInt8>,
                           background: UnsafeMutablePointer<UInt8>, variance: UnsafeMutablePointer<UInt8>,
                           mask: UnsafeMutablePointer<UInt8>, width: Int,
                           minimumVariance: UInt8, maximumVariance: UInt8, chromaThreshold: UInt8) {
    for x in 0..<width {
        let i = luma[x]
        var m = background[x]
        m = m &+ (i > m ? 1 : 0) &- (i < m ? 1 : 0)
        let d = i > m ? i &- m : m &- i
        let n = d > 63 ? 255 : d &* 4
        var v = variance[x]
        let step: UInt8 = d == 0 ? 0 : 1
        v = v &+ (n > v ? step : 0) &- (n < v ? step : 0)
        v = v < minimumVariance ? minimumVariance : v
        v = v > maximumVariance ? maximumVariance : v
        background[x] = m
        variance[x] = v
        mask[x] = (d > v ? 255 : 0) | (chromaWide[x] > chromaThreshold ? 255 : 0)
    }
}

/// One chroma row of the sigma-delta model (vectorised: `pmaxub`/`pminub`/`pcmpeqb`/`psubb`/`paddb`):
/// backgrounds step one level toward the frame, and
/// the distance |ΔCb| + |ΔCr| (saturated) is written twice per chroma pixel to line up with luma.
package func sigmaDeltaChromaRow(cb: UnsafePointer<UInt8>, cr: UnsafePointer<UInt8>,
                                 backgroundCb: UnsafeMutablePointer<UInt8>, backgroundCr: UnsafeMutablePointer<UInt8>,
                                 out: UnsafeMutablePointer<UInt8>, width: Int) {
    for x in 0..<width {
        let a = cb[x], c = cr[x]
        var ma = backgroundCb[x], mc = backgroundCr[x]
        ma = ma &+ (a > ma ? 1 : 0) &- (a < ma ? 1 : 0)
        mc = mc &+ (c > mc ? 1 : 0) &- (c < mc ? 1 : 0)
        backgroundCb[x] = ma
        backgroundCr[x] = mc
        let da = a > ma ? a &- ma : ma &- a, dc = c > mc ? c &- mc : mc &- c
        let s = da &+ dc
        let b = s < da ? 255 : s  // saturated: the byte sum wrapped
        out[2 * x] = b
        out[2 * x + 1] = b
    }
}
