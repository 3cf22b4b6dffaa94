// The anonymiser's per-frame kernels (VigieAnonymise): the redaction region's seed and margins
// (bit-packed, see `BitRows`), its chroma reduction, the empty scene's learning and the
// silhouette fill. Each fast kernel is C in CVigieKernels on the instruction-set path in use (or
// `path`), a row per call; its Swift reference is beside it and the tests compare every path.
// All views of one call have the same size (the reductions' outputs excepted); byte masks are 0/255,
// the region and the known mask of the empty scene are bits.

import CVigieKernels

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

// MARK: - Bit-packed region rows

/// A mask packed 64 pixels to a word: pixel x of row y is bit x & 63 of word x >> 6 of row y,
/// rows `wordsPerRow` words apart. Bits past the last pixel of a row are not pixels. It does not
/// own its words (see `ImageView`).
package struct BitRows {
    /// The first word of row 0.
    package let base: UnsafeMutablePointer<UInt64>
    /// Width in pixels.
    package let width: Int
    /// Height in rows.
    package let height: Int

    /// Words a row of `width` pixels takes.
    package static func wordsPerRow(width: Int) -> Int { (width + 63) / 64 }

    package init(base: UnsafeMutablePointer<UInt64>, width: Int, height: Int) {
        precondition(width >= 0 && height >= 0, "bad bit rows \(width)x\(height)")
        self.base = base
        self.width = width
        self.height = height
    }

    /// Words per row.
    package var wordsPerRow: Int { Self.wordsPerRow(width: width) }

    /// The first word of row `y`.
    @inline(__always)
    package func row(_ y: Int) -> UnsafeMutablePointer<UInt64> { base + y * wordsPerRow }

    /// Pixel (x, y); for tests and reference kernels.
    package subscript(x: Int, y: Int) -> Bool {
        get { (row(y)[x >> 6] >> UInt64(x & 63)) & 1 != 0 }
        nonmutating set {
            let bit: UInt64 = 1 << UInt64(x & 63)
            if newValue { row(y)[x >> 6] |= bit } else { row(y)[x >> 6] &= ~bit }
        }
    }

    /// The band of rows `range` as bit rows of its own.
    package func rows(_ range: Range<Int>) -> BitRows {
        precondition(range.lowerBound >= 0 && range.upperBound <= height, "rows \(range) of \(height)")
        return BitRows(base: row(range.lowerBound), width: width, height: range.count)
    }
}

/// Reference of `regionSeedBits`.
@discardableResult
package func regionSeedBitsReference(_ m: ImageView, _ f: ImageView, _ b: ImageView, _ k: BitRows?, _ p: ImageView?,
                                     _ out: BitRows, threshold: UInt8, changed: UInt8) -> Int {
    var foreground = 0
    for y in 0..<f.height {
        (out.row(y)).update(repeating: 0, count: out.wordsPerRow)
        for x in 0..<f.width {
            let a = f[x, y], c = b[x, y]
            let known = k.map { $0[x, y] } ?? true
            let differs = (a > c ? a - c : c - a) > threshold
            let moved = p.map { q in (a > q[x, y] ? a - q[x, y] : q[x, y] - a) > changed } ?? false
            out[x, y] = m[x, y] >= 128 || (known && differs) || (!known && moved)
            foreground += Int(m[x, y] >> 7)
        }
    }
    return foreground
}

/// The region seed: the foreground `m`, every pixel of the frame `f` whose luma differs from the
/// known empty scene `b` by more than `threshold` (`k`'s bit set where known), and, where the empty
/// scene is not known, every pixel that changed by more than `changed` since the previous frame `p`;
/// packed into `out` as it is computed (bits past the last pixel of a row 0). `k` and `p` nil: the
/// empty scene is known everywhere, and neither the known mask nor the previous frame is read.
/// `foregroundBits` (the same size as `f`, when given): the foreground as bits (those past the last
/// pixel of a row ignored), read instead of `m`. `unknownPerRow` (one count per row, when given): a
/// row whose count is 0 is known everywhere and reads neither. Returns the foreground pixels (≥ 128),
/// counted in the same pass.
@discardableResult
package func regionSeedBits(_ m: ImageView, _ f: ImageView, _ b: ImageView, _ k: BitRows?, _ p: ImageView?,
                            _ out: BitRows, threshold: UInt8, changed: UInt8, foregroundBits: BitRows? = nil,
                            unknownPerRow: [Int]? = nil, path: KernelPath? = nil) -> Int {
    precondition(out.width == f.width && out.height == f.height && (k == nil) == (p == nil)
                 && (k.map { $0.width == f.width && $0.height == f.height } ?? true)
                 && (foregroundBits.map { $0.width == f.width && $0.height == f.height } ?? true)
                 && (unknownPerRow?.count ?? f.height) == f.height,
                 "regionSeedBits: \(f.width)x\(f.height) -> \(out.width)x\(out.height)")
    let raw = KernelPath.raw(path)
    var foreground = 0
    for y in 0..<f.height {
        let rowKnown = unknownPerRow.map { $0[y] == 0 } ?? false
        foreground += vg_region_seed_bits_row_on(raw, m.row(y), foregroundBits.map { UnsafePointer($0.row(y)) }, f.row(y),
                                                 b.row(y), rowKnown ? nil : UnsafePointer(k?.row(y)),
                                                 rowKnown ? nil : p?.row(y), out.row(y), f.width, threshold, changed)
    }
    return foreground
}

/// Reference of `dilateBits`, through bytes and `dilateReference`.
package func dilateBitsReference(_ source: BitRows, into destination: BitRows, radius: Int) {
    let w = source.width, h = source.height
    var bytes = [UInt8](repeating: 0, count: max(1, 2 * w * h))
    bytes.withUnsafeMutableBufferPointer { memory in
        let s = MutableImageView(base: memory.baseAddress!, width: w, height: h, stride: w)
        let d = MutableImageView(base: memory.baseAddress! + w * h, width: w, height: h, stride: w)
        for y in 0..<h { for x in 0..<w { s[x, y] = source[x, y] ? 255 : 0 } }
        dilateReference(s.readOnly, into: d, radius: radius)
        for y in 0..<h { for x in 0..<w { destination[x, y] = d[x, y] != 0 } }
    }
}

/// Dilation of `source` by a (2 radius + 1) square into `destination` (the same size, not the same
/// memory), the window clipped to the rows: a few word operations per 64 pixels. Bits past the
/// last pixel of a row may be set in `destination`.
package func dilateBits(_ source: BitRows, into destination: BitRows, radius: Int, scratch: inout KernelScratch,
                        path: KernelPath? = nil) {
    precondition(destination.width == source.width && destination.height == source.height && radius >= 0,
                 "dilateBits: \(source.width)x\(source.height) -> \(destination.width)x\(destination.height), r \(radius)")
    guard source.width > 0 && source.height > 0 else { return }
    let words = source.wordsPerRow
    let raw = KernelPath.raw(path)
    scratch.withBytes(count: 8 * (2 * (words + 2) + source.height + 1 + 2 * source.height * words) + 8) { memory in
        let aligned = UnsafeMutableRawPointer(memory).alignedUp(for: UInt64.self).assumingMemoryBound(to: UInt64.self)
        vg_dilate_bits_on(raw, source.base, destination.base, words, source.height, radius, aligned)
    }
}

/// Reference of `unpackBits`.
package func unpackBitsReference(_ bits: BitRows, into out: MutableImageView) {
    for y in 0..<out.height { for x in 0..<out.width { out[x, y] = bits[x, y] ? 255 : 0 } }
}

/// The mask `bits` as a 0/255 plane (the region for pixelation and blur).
package func unpackBits(_ bits: BitRows, into out: MutableImageView, path: KernelPath? = nil) {
    precondition(bits.width == out.width && bits.height == out.height,
                 "unpackBits: \(bits.width)x\(bits.height) -> \(out.width)x\(out.height)")
    let raw = KernelPath.raw(path)
    for y in 0..<out.height { vg_unpack_bits_row_on(raw, bits.row(y), out.row(y), out.width) }
}

/// Reference of `addWideWhereUnknown`.
package func addWideWhereUnknownReference(_ region: BitRows, wide: BitRows, known: BitRows) {
    for y in 0..<region.height {
        for x in 0..<region.width where wide[x, y] && !known[x, y] { region[x, y] = true }
    }
}

/// Adds to `region` (the seed with the small margin) the pixels of `wide` (the seed with the wide
/// margin) whose empty scene is not `known`: a word at a time (bits past the last pixel of a row
/// may be set).
package func addWideWhereUnknown(_ region: BitRows, wide: BitRows, known: BitRows) {
    precondition(region.width == known.width && region.height == known.height && wide.width == known.width
                 && wide.height == known.height, "addWideWhereUnknown: sizes differ")
    let words = region.wordsPerRow
    for y in 0..<region.height {
        let r = region.row(y), w = wide.row(y), k = known.row(y)
        for i in 0..<words { r[i] |= w[i] & ~k[i] }
    }
}

/// Reference of `fillRegion`.
package func fillRegionReference(_ f: ImageView, bits g: BitRows, _ o: MutableImageView, _ value: UInt8) {
    for y in 0..<f.height { for x in 0..<f.width { o[x, y] = g[x, y] ? value : f[x, y] } }
}

/// `o` = `value` inside the region `g` (bits), the frame `f` elsewhere (the silhouette composition).
package func fillRegion(_ f: ImageView, bits g: BitRows, _ o: MutableImageView, _ value: UInt8, path: KernelPath? = nil) {
    precondition(g.width == f.width && g.height == f.height, "fillRegion: sizes differ")
    let raw = KernelPath.raw(path)
    for y in 0..<f.height { vg_fill_bits_row_on(raw, f.row(y), g.row(y), o.row(y), f.width, value) }
}

/// Reference of `learnEmptyScene`.
package func learnEmptySceneReference(_ f: ImageView, _ g: BitRows, _ b: MutableImageView, _ k: BitRows,
                                      unknownPerRow: inout [Int], everyRow: Bool = true) -> Int {
    var learnt = 0
    for y in 0..<f.height {
        for x in 0..<f.width where !g[x, y] {
            if k[x, y] {
                guard everyRow else { continue }
                let half = (UInt16(b[x, y]) + UInt16(f[x, y]) + 1) >> 1
                b[x, y] = UInt8(truncatingIfNeeded: (UInt16(b[x, y]) + half + 1) >> 1)
            } else {
                b[x, y] = f[x, y]
                k[x, y] = true
                learnt += 1
                unknownPerRow[y] -= 1
            }
        }
    }
    return learnt
}

/// Learns the empty scene `b` where the region `g` (bits) is clear: a known pixel (`k`'s bit set) moves
/// a quarter of the way towards the frame `f` (the rounded average of itself and the rounded average
/// of itself and the frame, two byte averages), an unknown one takes the frame's value and becomes
/// known. Returns the number of pixels that became known, and takes them off `unknownPerRow`
/// (one count per row).
/// With `everyRow` false, only the pixels not known yet are learnt (those of the rows that still hold
/// some): the known ones wait for the next frame learnt on every row.
package func learnEmptyScene(_ f: ImageView, _ g: BitRows, _ b: MutableImageView, _ k: BitRows,
                             unknownPerRow: inout [Int], everyRow: Bool = true, path: KernelPath? = nil) -> Int {
    precondition(unknownPerRow.count == f.height && g.width == f.width && g.height == f.height
                 && k.width == f.width && k.height == f.height,
                 "learnEmptyScene: \(unknownPerRow.count) row counts, \(g.width)x\(g.height) region for \(f.width)x\(f.height)")
    let raw = KernelPath.raw(path)
    var learnt = 0
    for y in 0..<f.height where everyRow || unknownPerRow[y] > 0 {
        let n = vg_learn_bits_row_on(raw, f.row(y), g.row(y), b.row(y), k.row(y), f.width, everyRow ? 0 : 1)
        unknownPerRow[y] -= n
        learnt += n
    }
    return learnt
}

/// Reference of `reduce2x2Max(bits:into:path:)`.
@discardableResult
package func reduce2x2MaxReference(bits g: BitRows, into out: BitRows) -> Int {
    for cy in 0..<out.height {
        out.row(cy).update(repeating: 0, count: out.wordsPerRow)
        let y0 = 2 * cy, y1 = min(2 * cy + 1, g.height - 1)
        for cx in 0..<out.width {
            let x0 = 2 * cx, x1 = min(2 * cx + 1, g.width - 1)
            out[cx, cy] = g[x0, y0] || g[x1, y0] || g[x0, y1] || g[x1, y1]
        }
    }
    return g.count
}

/// The chroma region (ceil(w/2) x ceil(h/2) bits, bits past the last pixel of a row 0) of the
/// region `g`: a chroma pixel is in the region when any luma pixel it colours is. Returns the set
/// pixels of `g`, counted in the same pass, when `counting` (else 0).
@discardableResult
package func reduce2x2Max(bits g: BitRows, into out: BitRows, counting: Bool = true, path: KernelPath? = nil) -> Int {
    precondition(out.width == (g.width + 1) / 2 && out.height == (g.height + 1) / 2,
                 "reduce2x2Max: \(g.width)x\(g.height) -> \(out.width)x\(out.height)")
    let raw = KernelPath.raw(path)
    var set = 0
    for cy in 0..<out.height {
        let hasBottom = 2 * cy + 1 < g.height
        set += vg_reduce_bits_2x2_row_on(raw, g.row(2 * cy), g.row(hasBottom ? 2 * cy + 1 : 2 * cy), out.row(cy), g.width,
                                         counting ? (hasBottom ? 2 : 1) : 0)
    }
    return set
}

extension BitRows {
    /// The set pixels (bits past the last pixel of a row left out).
    package var count: Int {
        let words = wordsPerRow, spare = width & 63
        let last: UInt64 = spare == 0 ? ~0 : (1 << UInt64(spare)) - 1
        var n = 0
        for y in 0..<height {
            let r = row(y)
            for i in 0..<words { n += (i == words - 1 ? r[i] & last : r[i]).nonzeroBitCount }
        }
        return n
    }

    /// Whether every pixel of the rectangle (already clipped to the rows) is set; stops at the
    /// first clear one.
    package func allSet(_ x: Int, _ y: Int, width w: Int, height h: Int) -> Bool {
        precondition(x >= 0 && y >= 0 && x + w <= width && y + h <= height, "allSet \(x),\(y) \(w)x\(h) of \(width)x\(height)")
        guard w > 0 else { return true }
        for yy in y..<(y + h) {
            let r = row(yy)
            var p = x
            while p < x + w {
                let bit = p & 63, n = min(64 - bit, x + w - p)
                let ones: UInt64 = n == 64 ? ~0 : ((1 << UInt64(n)) - 1) << UInt64(bit)
                if r[p >> 6] & ones != ones { return false }
                p += n
            }
        }
        return true
    }

    /// Sets every pixel of the rectangle (already clipped to the rows).
    package func fill(_ x: Int, _ y: Int, width w: Int, height h: Int) { update(x, y, width: w, height: h, to: true) }

    /// Clears every pixel of the rectangle (already clipped to the rows).
    package func clear(_ x: Int, _ y: Int, width w: Int, height h: Int) { update(x, y, width: w, height: h, to: false) }

    private func update(_ x: Int, _ y: Int, width w: Int, height h: Int, to value: Bool) {
        precondition(x >= 0 && y >= 0 && x + w <= width && y + h <= height, "rectangle \(x),\(y) \(w)x\(h) of \(width)x\(height)")
        guard w > 0 else { return }
        for yy in y..<(y + h) {
            let r = row(yy)
            var p = x
            while p < x + w {
                let bit = p & 63, n = min(64 - bit, x + w - p)
                let ones: UInt64 = n == 64 ? ~0 : ((1 << UInt64(n)) - 1) << UInt64(bit)
                if value { r[p >> 6] |= ones } else { r[p >> 6] &= ~ones }
                p += n
            }
        }
    }
}
