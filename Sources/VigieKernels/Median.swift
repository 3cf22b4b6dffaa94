// 3x3 median of a binary mask: a pixel is set (255) when at least 5 of the 9 pixels of its
// 3x3 neighbourhood are set, else 0. A pixel counts as set when its value is >= 128, so 0/255
// masks behave exactly as binary images. Outside the image the edge pixels are replicated.
// For a binary image the median and the majority vote are the same thing.

/// Reference: counts the set pixels of each clamped 3x3 window.
/// `destination` has the size of `source` and must not share memory with it.
package func median3x3Reference(_ source: ImageView, into destination: MutableImageView) {
    precondition(destination.width == source.width && destination.height == source.height,
                 "median3x3: \(source.width)x\(source.height) -> \(destination.width)x\(destination.height)")
    let w = source.width, h = source.height
    for y in 0..<h {
        for x in 0..<w {
            var count = 0
            for dy in -1...1 {
                for dx in -1...1 {
                    let sx = min(max(x + dx, 0), w - 1), sy = min(max(y + dy, 0), h - 1)
                    if source[sx, sy] >= 128 { count += 1 }
                }
            }
            destination[x, y] = count >= 5 ? 255 : 0
        }
    }
}

/// Fast: the interior columns of each row in one branch-free loop over three row pointers
/// (nine loads of `p >> 7`, byte sums, one compare), then the two edge columns with the
/// reference rule. The release build (baseline x86-64, SSE2) vectorises the interior loop
/// 16 pixels at a time: each `p >> 7` becomes a signed `pcmpgtb` against zero subtracted
/// with `psubb`, and `>= 5` becomes `pmaxub` + `pcmpeqb`. `destination` has the size of
/// `source` and must not share memory with it.
package func median3x3(_ source: ImageView, into destination: MutableImageView) {
    precondition(destination.width == source.width && destination.height == source.height,
                 "median3x3: \(source.width)x\(source.height) -> \(destination.width)x\(destination.height)")
    precondition(UnsafeRawPointer(source.base) != UnsafeRawPointer(destination.base), "median3x3 cannot work in place")
    let w = source.width, h = source.height
    guard w > 0 else { return }
    for y in 0..<h {
        let a = source.row(max(y - 1, 0)), b = source.row(y), c = source.row(min(y + 1, h - 1))
        let out = destination.row(y)
        if w >= 3 {
            for x in 1..<(w - 1) {
                let left = (a[x - 1] >> 7) &+ (b[x - 1] >> 7) &+ (c[x - 1] >> 7)
                let centre = (a[x] >> 7) &+ (b[x] >> 7) &+ (c[x] >> 7)
                let right = (a[x + 1] >> 7) &+ (b[x + 1] >> 7) &+ (c[x + 1] >> 7)
                out[x] = left &+ centre &+ right >= 5 ? 255 : 0
            }
        }
        out[0] = clampedMajority(a, b, c, x: 0, width: w)
        if w >= 2 { out[w - 1] = clampedMajority(a, b, c, x: w - 1, width: w) }
    }
}

/// Majority of the 3x3 window at column `x` of three rows, with edge columns replicated.
@inline(__always)
private func clampedMajority(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ c: UnsafePointer<UInt8>,
                             x: Int, width: Int) -> UInt8 {
    var count: UInt8 = 0
    for dx in -1...1 {
        let sx = min(max(x + dx, 0), width - 1)
        count &+= (a[sx] >> 7) &+ (b[sx] >> 7) &+ (c[sx] >> 7)
    }
    return count >= 5 ? 255 : 0
}
