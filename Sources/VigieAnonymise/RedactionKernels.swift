import VigieCore
import VigieKernels

// Row kernels of the anonymiser. All views of one call have the same size; masks are 0/255.

/// Reference of `regionSeed`: `out` = foreground ∪ (known ∧ |frame − background| > threshold)
/// ∪ (|frame − previous| > changed).
func regionSeedReference(_ m: ImageView, _ f: ImageView, _ b: ImageView, _ k: ImageView, _ p: ImageView,
                         _ out: MutableImageView, threshold: UInt8, changed: UInt8) {
    for y in 0..<f.height {
        let mr = m.row(y), fr = f.row(y), br = b.row(y), kr = k.row(y), pr = p.row(y), o = out.row(y)
        for x in 0..<f.width {
            let a = fr[x], c = br[x], q = pr[x]
            let d = a > c ? a &- c : c &- a
            let e = a > q ? a &- q : q &- a
            let differs: UInt8 = d > threshold ? kr[x] : 0
            o[x] = mr[x] | differs | (e > changed ? 255 : 0)
        }
    }
}

/// Fast `regionSeedReference`: 16 pixels a step in `SIMD16<UInt8>` (absolute differences as
/// max − min, comparisons as lane masks), the row tail scalar. Masks are 0/255.
func regionSeed(_ m: ImageView, _ f: ImageView, _ b: ImageView, _ k: ImageView, _ p: ImageView,
                _ out: MutableImageView, threshold: UInt8, changed: UInt8) {
    typealias V = SIMD16<UInt8>
    let t = V(repeating: threshold), u = V(repeating: changed), full = V(repeating: 255), zero = V()
    for y in 0..<f.height {
        let mr = UnsafeRawPointer(m.row(y)), fr = UnsafeRawPointer(f.row(y)), br = UnsafeRawPointer(b.row(y))
        let kr = UnsafeRawPointer(k.row(y)), pr = UnsafeRawPointer(p.row(y)), o = UnsafeMutableRawPointer(out.row(y))
        var x = 0
        while x + 16 <= f.width {
            let a = fr.loadUnaligned(fromByteOffset: x, as: V.self), c = br.loadUnaligned(fromByteOffset: x, as: V.self)
            let q = pr.loadUnaligned(fromByteOffset: x, as: V.self)
            let d = pointwiseMax(a, c) &- pointwiseMin(a, c), e = pointwiseMax(a, q) &- pointwiseMin(a, q)
            let differs = zero.replacing(with: kr.loadUnaligned(fromByteOffset: x, as: V.self), where: d .> t)
            let moved = zero.replacing(with: full, where: e .> u)
            o.storeBytes(of: mr.loadUnaligned(fromByteOffset: x, as: V.self) | differs | moved, toByteOffset: x, as: V.self)
            x += 16
        }
        let mt = m.row(y), ft = f.row(y), bt = b.row(y), kt = k.row(y), pt = p.row(y), ot = out.row(y)
        while x < f.width {
            let a = ft[x], c = bt[x], q = pt[x]
            let d = a > c ? a &- c : c &- a
            let e = a > q ? a &- q : q &- a
            ot[x] = mt[x] | (d > threshold ? kt[x] : 0) | (e > changed ? 255 : 0)
            x += 1
        }
    }
}

/// Sets every pixel of `rect` (already clipped) to `value`.
func fillRect(_ v: MutableImageView, _ rect: PixelRect, _ value: UInt8) {
    for y in rect.y..<(rect.y + rect.height) { (v.row(y) + rect.x).update(repeating: value, count: rect.width) }
}

/// Sets every pixel to `value`.
func fillAll(_ v: MutableImageView, _ value: UInt8) {
    for y in 0..<v.height { v.row(y).update(repeating: value, count: v.width) }
}

/// `out` (ceil(w/2) x ceil(h/2)) = maximum of each 2x2 block of `m`: a chroma pixel is in a region
/// when any of the four luma pixels it colours is.
func reduce2x2Max(_ m: ImageView, into out: MutableImageView) {
    for cy in 0..<out.height {
        let a = m.row(2 * cy), b = m.row(min(2 * cy + 1, m.height - 1))
        let o = out.row(cy)
        for cx in 0..<out.width {
            let x0 = 2 * cx, x1 = min(2 * cx + 1, m.width - 1)
            o[cx] = max(max(a[x0], a[x1]), max(b[x0], b[x1]))
        }
    }
}

/// Learns the background where the region is clear: a new pixel is copied, a known one moves a
/// quarter of the way towards the frame; `known` is set.
func learn(_ f: ImageView, _ g: ImageView, _ b: MutableImageView, _ k: MutableImageView) {
    for y in 0..<f.height {
        let fr = f.row(y), gr = g.row(y), br = b.row(y), kr = k.row(y)
        for x in 0..<f.width {
            let fv = UInt16(fr[x]), bv = UInt16(br[x])
            let blended = UInt8(truncatingIfNeeded: (3 &* bv &+ fv &+ 2) >> 2)
            let learnt = kr[x] != 0 ? blended : fr[x]
            br[x] = gr[x] == 0 ? learnt : br[x]
            kr[x] = gr[x] == 0 ? 255 : kr[x]
        }
    }
}

/// As `learn` with `known` read only (two chroma planes share it; `markKnown` sets it after both).
func learnKnown(_ f: ImageView, _ g: ImageView, _ b: MutableImageView, _ k: ImageView) {
    for y in 0..<f.height {
        let fr = f.row(y), gr = g.row(y), br = b.row(y), kr = k.row(y)
        for x in 0..<f.width {
            let fv = UInt16(fr[x]), bv = UInt16(br[x])
            let blended = UInt8(truncatingIfNeeded: (3 &* bv &+ fv &+ 2) >> 2)
            let learnt = kr[x] != 0 ? blended : fr[x]
            br[x] = gr[x] == 0 ? learnt : br[x]
        }
    }
}

/// Marks as known every pixel where the region is clear.
func markKnown(_ g: ImageView, _ k: MutableImageView) {
    for y in 0..<g.height {
        let gr = g.row(y), kr = k.row(y)
        for x in 0..<g.width { kr[x] = gr[x] == 0 ? 255 : kr[x] }
    }
}

/// Silhouette composition: outside the region the frame; in the silhouette `fill`; elsewhere in
/// the region the learnt background, or `unknown` where it has not been learnt.
func compose(_ f: ImageView, _ g: ImageView, _ s: ImageView, _ b: ImageView, _ k: ImageView,
             _ o: MutableImageView, fill: UInt8, unknown: UInt8) {
    for y in 0..<f.height {
        let fr = f.row(y), gr = g.row(y), sr = s.row(y), br = b.row(y), kr = k.row(y), orow = o.row(y)
        for x in 0..<f.width {
            let redacted = kr[x] != 0 ? br[x] : unknown
            let inside = sr[x] != 0 ? fill : redacted
            orow[x] = gr[x] != 0 ? inside : fr[x]
        }
    }
}

/// Outside the region the frame, inside it `b` (a blurred copy).
func select(_ f: ImageView, _ g: ImageView, _ b: ImageView, _ o: MutableImageView) {
    for y in 0..<f.height {
        let fr = f.row(y), gr = g.row(y), br = b.row(y), orow = o.row(y)
        for x in 0..<f.width { orow[x] = gr[x] != 0 ? br[x] : fr[x] }
    }
}

/// Pixelation on a fixed grid of `block` x `block` cells: every cell that touches the region gets
/// the rounded mean of the frame over the cell, written to its region pixels; the rest is the frame.
func pixelate(_ f: ImageView, _ g: ImageView, _ o: MutableImageView, block: Int) {
    copyRows(f, o)
    let n = max(1, block)
    var by = 0
    while by < f.height {
        let y1 = min(by + n, f.height)
        var bx = 0
        while bx < f.width {
            let x1 = min(bx + n, f.width)
            var touches = false, sum = 0
            for y in by..<y1 {
                let gr = g.row(y), fr = f.row(y)
                for x in bx..<x1 {
                    touches = touches || gr[x] != 0
                    sum &+= Int(fr[x])
                }
            }
            if touches {
                let count = (y1 - by) * (x1 - bx)
                let mean = UInt8((sum + count / 2) / count)
                for y in by..<y1 {
                    let gr = g.row(y), orow = o.row(y)
                    for x in bx..<x1 where gr[x] != 0 { orow[x] = mean }
                }
            }
            bx = x1
        }
        by = y1
    }
}

/// Paints `value` where `p` is set.
func paint(_ p: ImageView, _ o: MutableImageView, _ value: UInt8) {
    for y in 0..<p.height {
        let pr = p.row(y), orow = o.row(y)
        for x in 0..<p.width { orow[x] = pr[x] != 0 ? value : orow[x] }
    }
}

private func copyRows(_ f: ImageView, _ o: MutableImageView) {
    for y in 0..<f.height { o.row(y).update(from: f.row(y), count: f.width) }
}
