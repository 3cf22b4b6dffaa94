// 2x downscaling by 2x2 box averaging with rounding. An odd last column or row is
// averaged with itself (edge replication), so the result is ceil(w/2) x ceil(h/2).

/// Reference: readable maths. `destination` must be ceil(w/2) x ceil(h/2).
package func downscale2xReference(_ source: ImageView, into destination: MutableImageView) {
    precondition(destination.width == (source.width + 1) / 2 && destination.height == (source.height + 1) / 2,
                 "downscale2x: \(source.width)x\(source.height) -> \(destination.width)x\(destination.height)")
    for y in 0..<destination.height {
        let y0 = 2 * y, y1 = min(2 * y + 1, source.height - 1)
        for x in 0..<destination.width {
            let x0 = 2 * x, x1 = min(2 * x + 1, source.width - 1)
            let sum = Int(source[x0, y0]) + Int(source[x1, y0]) + Int(source[x0, y1]) + Int(source[x1, y1])
            destination[x, y] = UInt8((sum + 2) >> 2)
        }
    }
}

/// Fast: per output row, the vertical sums of the two source rows go into a UInt16 row on the
/// stack (contiguous, vectorised: `punpcklbw`/`paddw`), then adjacent pairs are added, rounded
/// and narrowed (`pshuflw`/`paddw`/`psrlw`/`packuswb`); the odd edge column follows the reference rule.
package func downscale2x(_ source: ImageView, into destination: MutableImageView) {
    precondition(destination.width == (source.width + 1) / 2 && destination.height == (source.height + 1) / 2,
                 "downscale2x: \(source.width)x\(source.height) -> \(destination.width)x\(destination.height)")
    let pairs = source.width / 2
    withUnsafeTemporaryAllocation(of: UInt16.self, capacity: source.width + 1) { sums in
        let s = sums.baseAddress!
        for y in 0..<destination.height {
            let a = source.row(2 * y)
            let b = source.row(min(2 * y + 1, source.height - 1))
            let out = destination.row(y)
            for x in 0..<source.width { s[x] = UInt16(a[x]) &+ UInt16(b[x]) }
            for x in 0..<pairs {
                out[x] = UInt8(truncatingIfNeeded: (s[2 * x] &+ s[2 * x + 1] &+ 2) >> 2)
            }
            if source.width & 1 == 1 {
                out[pairs] = UInt8(truncatingIfNeeded: (2 &* s[source.width - 1] &+ 2) >> 2)
            }
        }
    }
}
