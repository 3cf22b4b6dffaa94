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

/// Fast: the full pairs of each row pair in a branch-free loop over UInt16 sums that the
/// compiler vectorises (packed `pmaddubsw`/`paddw`/`psrlw`/`packuswb` in the release build),
/// then the odd edge column with the reference rule.
package func downscale2x(_ source: ImageView, into destination: MutableImageView) {
    precondition(destination.width == (source.width + 1) / 2 && destination.height == (source.height + 1) / 2,
                 "downscale2x: \(source.width)x\(source.height) -> \(destination.width)x\(destination.height)")
    let pairs = source.width / 2
    for y in 0..<destination.height {
        let a = source.row(2 * y)
        let b = source.row(min(2 * y + 1, source.height - 1))
        let out = destination.row(y)
        for x in 0..<pairs {
            let s = UInt16(a[2 * x]) &+ UInt16(a[2 * x + 1]) &+ UInt16(b[2 * x]) &+ UInt16(b[2 * x + 1]) &+ 2
            out[x] = UInt8(truncatingIfNeeded: s >> 2)
        }
        if source.width & 1 == 1 {
            let x0 = source.width - 1
            let s = 2 &* (UInt16(a[x0]) &+ UInt16(b[x0])) &+ 2
            out[pairs] = UInt8(truncatingIfNeeded: s >> 2)
        }
    }
}
