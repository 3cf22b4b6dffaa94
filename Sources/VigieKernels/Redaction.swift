// The anonymiser's per-frame kernels (VigieAnonymise): the redaction region's seed, its wide margin
// where the empty scene is unknown, its chroma reduction, the empty scene's learning and the
// silhouette fill. Each fast kernel is C in CVigieKernels on the instruction-set path in use (or
// `path`), a row per call; its Swift reference is beside it and the tests compare every path.
// All views of one call have the same size (the reduction's output excepted); masks are 0/255.

import CVigieKernels

/// Reference of `regionSeed`: `out` = foreground ∪ (known ∧ |frame − background| > threshold)
/// ∪ (¬known ∧ |frame − previous| > changed); returns the foreground pixels (≥ 128).
@discardableResult
package func regionSeedReference(_ m: ImageView, _ f: ImageView, _ b: ImageView, _ k: ImageView, _ p: ImageView,
                                 _ out: MutableImageView, threshold: UInt8, changed: UInt8) -> Int {
    var foreground = 0
    for y in 0..<f.height {
        let mr = m.row(y), fr = f.row(y), br = b.row(y), kr = k.row(y), pr = p.row(y), o = out.row(y)
        for x in 0..<f.width {
            let a = fr[x], c = br[x], q = pr[x]
            let d = a > c ? a &- c : c &- a
            let e = a > q ? a &- q : q &- a
            let differs: UInt8 = d > threshold ? kr[x] : 0
            let moved: UInt8 = e > changed ? ~kr[x] : 0
            o[x] = mr[x] | differs | moved
            foreground += Int(mr[x] >> 7)
        }
    }
    return foreground
}

/// The region seed: the foreground `m`, every pixel of the frame `f` whose luma differs from the
/// known empty scene `b` by more than `threshold` (`k` = 255 where known), and, where the empty
/// scene is not known, every pixel that changed by more than `changed` since the previous frame `p`.
/// Returns the foreground pixels (≥ 128), counted in the same pass.
@discardableResult
package func regionSeed(_ m: ImageView, _ f: ImageView, _ b: ImageView, _ k: ImageView, _ p: ImageView,
                        _ out: MutableImageView, threshold: UInt8, changed: UInt8, path: KernelPath? = nil) -> Int {
    let raw = KernelPath.raw(path)
    var foreground = 0
    for y in 0..<f.height {
        foreground += vg_region_seed_row_on(raw, m.row(y), f.row(y), b.row(y), k.row(y), p.row(y), out.row(y), f.width,
                                            threshold, changed)
    }
    return foreground
}

/// Reference of `addWhereUnknown`: `region` |= `wide` ∧ ¬`known`.
package func addWhereUnknownReference(_ wide: ImageView, _ known: ImageView, _ region: MutableImageView) {
    for y in 0..<region.height {
        let t = wide.row(y), k = known.row(y), s = region.row(y)
        for x in 0..<region.width { s[x] |= t[x] & ~k[x] }
    }
}

/// Adds to `region` the pixels of `wide` (the seed with the wide margin) whose empty scene is not known.
package func addWhereUnknown(_ wide: ImageView, _ known: ImageView, _ region: MutableImageView, path: KernelPath? = nil) {
    let raw = KernelPath.raw(path)
    for y in 0..<region.height { vg_add_where_unknown_row_on(raw, wide.row(y), known.row(y), region.row(y), region.width) }
}

/// Reference of `reduce2x2Max`.
@discardableResult
package func reduce2x2MaxReference(_ m: ImageView, into out: MutableImageView) -> Int {
    for cy in 0..<out.height {
        let a = m.row(2 * cy), b = m.row(min(2 * cy + 1, m.height - 1))
        let o = out.row(cy)
        for cx in 0..<out.width {
            let x0 = 2 * cx, x1 = min(2 * cx + 1, m.width - 1)
            o[cx] = max(max(a[x0], a[x1]), max(b[x0], b[x1]))
        }
    }
    return (0..<m.height).reduce(0) { n, y in n + (0..<m.width).reduce(0) { $0 + Int(m[$1, y] >> 7) } }
}

/// `out` (ceil(w/2) x ceil(h/2)) = the maximum of each 2x2 block of `m` (the last row or column
/// alone when the size is odd): a chroma pixel is in a region when any luma pixel it colours is.
/// Returns the set pixels (≥ 128) of `m`, counted in the same pass.
@discardableResult
package func reduce2x2Max(_ m: ImageView, into out: MutableImageView, path: KernelPath? = nil) -> Int {
    precondition(out.width == (m.width + 1) / 2 && out.height == (m.height + 1) / 2,
                 "reduce2x2Max: \(m.width)x\(m.height) -> \(out.width)x\(out.height)")
    let raw = KernelPath.raw(path)
    var set = 0
    for cy in 0..<out.height {
        let hasBottom = 2 * cy + 1 < m.height
        set += vg_reduce_2x2_max_row_on(raw, m.row(2 * cy), m.row(hasBottom ? 2 * cy + 1 : 2 * cy), out.row(cy), m.width,
                                        hasBottom ? 1 : 0)
    }
    return set
}

/// Reference of `fillRegion`.
package func fillRegionReference(_ f: ImageView, _ g: ImageView, _ o: MutableImageView, _ value: UInt8) {
    for y in 0..<f.height {
        let fr = f.row(y), gr = g.row(y), orow = o.row(y)
        for x in 0..<f.width { orow[x] = gr[x] != 0 ? value : fr[x] }
    }
}

/// `o` = `value` inside the region `g`, the frame `f` elsewhere (the silhouette composition).
package func fillRegion(_ f: ImageView, _ g: ImageView, _ o: MutableImageView, _ value: UInt8, path: KernelPath? = nil) {
    let raw = KernelPath.raw(path)
    for y in 0..<f.height { vg_fill_region_row_on(raw, f.row(y), g.row(y), o.row(y), f.width, value) }
}

/// Reference of `learnEmptyScene`.
package func learnEmptySceneReference(_ f: ImageView, _ g: ImageView, _ b: MutableImageView, _ k: MutableImageView,
                                      unknownPerRow: inout [Int]) -> Int {
    var learnt = 0
    for y in 0..<f.height {
        let fr = f.row(y), gr = g.row(y), br = b.row(y), kr = k.row(y)
        for x in 0..<f.width where gr[x] == 0 {
            if kr[x] != 0 {
                let half = (UInt16(br[x]) + UInt16(fr[x]) + 1) >> 1
                br[x] = UInt8(truncatingIfNeeded: (UInt16(br[x]) + half + 1) >> 1)
            } else {
                br[x] = fr[x]
                kr[x] = 255
                learnt += 1
                unknownPerRow[y] -= 1
            }
        }
    }
    return learnt
}

/// Learns the empty scene `b` where the region `g` is clear: a known pixel (`k` = 255) moves a
/// quarter of the way towards the frame `f` (the rounded average of itself and the rounded average
/// of itself and the frame, two byte averages), an unknown one takes the frame's value and becomes
/// known. Returns the number of pixels that became known, and takes them off `unknownPerRow`
/// (one count per row).
package func learnEmptyScene(_ f: ImageView, _ g: ImageView, _ b: MutableImageView, _ k: MutableImageView,
                             unknownPerRow: inout [Int], path: KernelPath? = nil) -> Int {
    precondition(unknownPerRow.count == f.height, "learnEmptyScene: \(unknownPerRow.count) row counts for \(f.height) rows")
    let raw = KernelPath.raw(path)
    var learnt = 0
    for y in 0..<f.height {
        let n = vg_learn_row_on(raw, f.row(y), g.row(y), b.row(y), k.row(y), f.width)
        unknownPerRow[y] -= n
        learnt += n
    }
    return learnt
}
