// Opening and closing of 0/255 masks on bit-packed rows: 64 pixels a word, so a square window
// of radius r costs a few word operations per 64 pixels instead of byte operations per pixel.
// Same window and edge rules as `erode` and `dilate` (Morphology.swift): the (2r + 1) square is
// clipped to the image, which is the same as treating outside pixels as unset for dilation and
// as set for erosion.
//
// Rows are packed eight bytes at a time (`(v >> 7) & 0x01…01`, times 0x0102040810204080: the
// top byte of the product holds the eight pixels' bits, pixel x at bit x) and unpacked the
// other way (the byte times 0x01…01, masked with 0x8040201008040201, then every non-zero byte
// made 0xFF without carries). Horizontally a window is the OR (AND) of shifted copies, built by
// doubling (radius 1, 3, 7, …), each shift carrying bits across word boundaries; vertically it
// is the OR (AND) of the 2r + 1 packed rows. Values computed past the last pixel of a row are
// harmless (they only ever hold pixels of the same window), so only the edges' fill matters.

/// Closing (dilation, then erosion) with a (2r + 1) x (2r + 1) square, in place; the same result
/// as `dilateReference` followed by `erodeReference`. Pixels ≥ 128 are set; the output is 0/255.
package func closeBitPacked(_ mask: MutableImageView, radius: Int, scratch: inout KernelScratch) {
    bitPackedPair(mask, radius: radius, scratch: &scratch, dilateFirst: true)
}

/// Opening (erosion, then dilation) with a (2r + 1) x (2r + 1) square, in place; the same result
/// as `erodeReference` followed by `dilateReference`.
package func openBitPacked(_ mask: MutableImageView, radius: Int, scratch: inout KernelScratch) {
    bitPackedPair(mask, radius: radius, scratch: &scratch, dilateFirst: false)
}

private func bitPackedPair(_ mask: MutableImageView, radius r: Int, scratch: inout KernelScratch, dilateFirst: Bool) {
    precondition(r >= 0, "morphology radius \(r)")
    let w = mask.width, h = mask.height
    guard w > 0 && h > 0 && r > 0 else { return }
    let words = (w + 63) / 64
    let planeWords = words * h
    scratch.withBytes(count: 8 * (2 * planeWords + 2 * words) + 64) { memory in
        let raw = UnsafeMutableRawPointer(memory)
        let aligned = raw.alignedUp(for: UInt64.self).assumingMemoryBound(to: UInt64.self)
        let a = aligned, b = aligned + planeWords
        let t0 = b + planeWords, t1 = t0 + words
        for y in 0..<h { packRow(mask.row(y), width: w, into: a + y * words) }
        for pass in 0..<2 {
            let dilation = (pass == 0) == dilateFirst
            let identity: UInt64 = dilation ? 0 : ~0
            let spare = UInt64(truncatingIfNeeded: w & 63)
            let padding: UInt64 = spare == 0 ? 0 : ~0 << spare  // bits past the last pixel
            for y in 0..<h {
                let row = a + y * words
                // The first pass's input has zero padding from packing; reset it to the identity.
                if dilation { row[words - 1] &= ~padding } else { row[words - 1] |= padding }
                horizontalBits(row, into: b + y * words, words: words, radius: r, dilation: dilation,
                               identity: identity, scratch: (t0, t1))
            }
            verticalBits(b, into: a, words: words, height: h, radius: r, dilation: dilation)
        }
        for y in 0..<h { unpackRow(a + y * words, width: w, into: mask.row(y)) }
    }
}

/// Packs one 0/255 row (≥ 128 set) into `(width + 63) / 64` words, pixel x at bit x & 63 of
/// word x >> 6; bits past the last pixel are 0.
@inline(__always)
private func packRow(_ row: UnsafePointer<UInt8>, width w: Int, into out: UnsafeMutablePointer<UInt64>) {
    let raw = UnsafeRawPointer(row)
    var x = 0, word = 0
    while x + 64 <= w {
        var bits: UInt64 = 0, any: UInt64 = 0
        for k in 0..<8 { any |= raw.loadUnaligned(fromByteOffset: x + 8 * k, as: UInt64.self) }
        if any != 0 {  // an empty stretch (most of a mask) packs to 0 without the multiplies
            for k in 0..<8 {
                let v = raw.loadUnaligned(fromByteOffset: x + 8 * k, as: UInt64.self)
                bits |= ((((v >> 7) & 0x0101_0101_0101_0101) &* 0x0102_0408_1020_4080) >> 56) << (8 * k)
            }
        }
        out[word] = bits
        x += 64
        word += 1
    }
    if x < w {
        var bits: UInt64 = 0
        for i in x..<w where row[i] >= 128 { bits |= 1 << UInt64(i - x) }
        out[word] = bits
    }
}

/// Unpacks `width` pixels of a packed row into 0/255 bytes.
@inline(__always)
private func unpackRow(_ bits: UnsafePointer<UInt64>, width w: Int, into row: UnsafeMutablePointer<UInt8>) {
    let raw = UnsafeMutableRawPointer(row)
    var x = 0
    // Whole words first: an empty or full word (most of a mask) is eight plain stores.
    while x + 64 <= w {
        let word = bits[x >> 6]
        if word == 0 || word == ~0 {
            let fill: UInt64 = word == 0 ? 0 : ~0
            for k in 0..<8 { raw.storeBytes(of: fill, toByteOffset: x + 8 * k, as: UInt64.self) }
        } else {
            for k in 0..<8 {
                let byte = (word >> UInt64(8 * k)) & 0xFF
                let spread = (byte &* 0x0101_0101_0101_0101) & 0x8040_2010_0804_0201
                let high = ((spread &+ 0x7F7F_7F7F_7F7F_7F7F) | spread) & 0x8080_8080_8080_8080
                raw.storeBytes(of: (high >> 7) &* 0xFF, toByteOffset: x + 8 * k, as: UInt64.self)
            }
        }
        x += 64
    }
    while x + 8 <= w {
        let byte = (bits[x >> 6] >> UInt64(x & 63)) & 0xFF
        let spread = (byte &* 0x0101_0101_0101_0101) & 0x8040_2010_0804_0201
        let high = ((spread &+ 0x7F7F_7F7F_7F7F_7F7F) | spread) & 0x8080_8080_8080_8080
        raw.storeBytes(of: (high >> 7) &* 0xFF, toByteOffset: x, as: UInt64.self)
        x += 8
    }
    while x < w {
        row[x] = (bits[x >> 6] >> UInt64(x & 63)) & 1 == 0 ? 0 : 255
        x += 1
    }
}

/// Horizontal window OR (dilation) or AND (erosion) of radius r of one packed row, by doubling:
/// each step combines the row with itself shifted by s pixels both ways (s = 1, 2, 4, …, the last
/// one what is left of r, at most 63), bits from past either edge being `identity`.
@inline(__always)
private func horizontalBits(_ source: UnsafePointer<UInt64>, into out: UnsafeMutablePointer<UInt64>, words n: Int,
                            radius r: Int, dilation: Bool, identity: UInt64,
                            scratch: (UnsafeMutablePointer<UInt64>, UnsafeMutablePointer<UInt64>)) {
    var input = UnsafeMutablePointer(mutating: source)
    var covered = 0, size = 1
    var spare = scratch
    while covered < r {
        let s = UInt64(min(size, r - covered, 63))
        let output = covered + Int(s) >= r ? out : spare.0
        for i in 0..<n {
            let x = input[i]
            let right = i + 1 < n ? input[i + 1] : identity
            let left = i > 0 ? input[i - 1] : identity
            let fromRight = (x >> s) | (right << (64 - s))  // pixel x takes pixel x + s
            let fromLeft = (x << s) | (left >> (64 - s))    // pixel x takes pixel x - s
            output[i] = dilation ? x | fromRight | fromLeft : x & fromRight & fromLeft
        }
        covered += Int(s)
        size *= 2
        input = output
        spare = (spare.1, spare.0)
    }
}

/// Vertical window OR (dilation) or AND (erosion) of radius r over the packed rows, rows past the
/// top and bottom edges left out (the identity).
@inline(__always)
private func verticalBits(_ source: UnsafePointer<UInt64>, into out: UnsafeMutablePointer<UInt64>, words n: Int,
                          height h: Int, radius r: Int, dilation: Bool) {
    for y in 0..<h {
        let first = max(0, y - r), last = min(h - 1, y + r)
        let o = out + y * n
        o.update(from: source + first * n, count: n)
        if first < last {
            for yy in (first + 1)...last {
                let s = source + yy * n
                if dilation {
                    for i in 0..<n { o[i] |= s[i] }
                } else {
                    for i in 0..<n { o[i] &= s[i] }
                }
            }
        }
    }
}
