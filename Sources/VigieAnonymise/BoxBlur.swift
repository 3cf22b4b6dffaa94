import VigieKernels

// Box blur of radius r: each output pixel is the rounded mean of the (2r + 1) x (2r + 1) window
// centred on it, clipped to the image (pixels outside do not count; the divisor is the number of
// pixels inside). Separable: a horizontal mean then a vertical mean of the horizontal means, each
// rounded to 8 bits, so the fast version below and the reference agree exactly. Repeated three
// times it approximates a Gaussian of standard deviation ≈ r.

/// Reference horizontal-then-vertical box blur, in pixels; readable, slow.
/// `destination` has the size of `source`; `scratch` too. No aliasing.
package func boxBlurReference(_ source: ImageView, into destination: MutableImageView, radius r: Int,
                              scratch: MutableImageView) {
    precondition(destination.width == source.width && destination.height == source.height
                 && scratch.width == source.width && scratch.height == source.height && r >= 0,
                 "box blur: sizes differ or negative radius")
    let w = source.width, h = source.height
    for y in 0..<h {
        for x in 0..<w {
            let a = max(x - r, 0), b = min(x + r, w - 1)
            var sum = 0
            for sx in a...b { sum += Int(source[sx, y]) }
            let n = b - a + 1
            scratch[x, y] = UInt8((sum + n / 2) / n)
        }
    }
    for y in 0..<h {
        for x in 0..<w {
            let a = max(y - r, 0), b = min(y + r, h - 1)
            var sum = 0
            for sy in a...b { sum += Int(scratch[x, sy]) }
            let n = b - a + 1
            destination[x, y] = UInt8((sum + n / 2) / n)
        }
    }
}

/// Fast box blur with the reference's exact result: running sums along each row, then running
/// column sums over whole rows (the vertical pass adds one row and subtracts one per output row,
/// loops the compiler vectorises). `columnSums` holds at least `source.width` elements.
/// `destination` may be `source` (in place); `scratch` must differ from both.
package func boxBlur(_ source: ImageView, into destination: MutableImageView, radius r: Int,
                     scratch: MutableImageView, columnSums: UnsafeMutablePointer<UInt32>) {
    precondition(destination.width == source.width && destination.height == source.height
                 && scratch.width == source.width && scratch.height == source.height && r >= 0,
                 "box blur: sizes differ or negative radius")
    let w = source.width, h = source.height
    guard w > 0, h > 0 else { return }
    // Horizontal: a running sum over the clipped window.
    for y in 0..<h {
        let s = source.row(y), t = scratch.row(y)
        var sum = 0
        for x in 0..<min(r, w - 1) + 1 { sum += Int(s[x]) }  // window of x = 0: [0, r]
        for x in 0..<w {
            let a = max(x - r, 0), b = min(x + r, w - 1)
            let n = b - a + 1
            t[x] = UInt8(truncatingIfNeeded: (sum + n / 2) / n)
            if x + r + 1 < w { sum += Int(s[x + r + 1]) }
            if x - r >= 0 { sum -= Int(s[x - r]) }
        }
    }
    // Vertical: column sums of the clipped window of rows.
    let sums = UnsafeMutableBufferPointer(start: columnSums, count: w)
    sums.update(repeating: 0)
    for sy in 0..<min(r, h - 1) + 1 {
        let t = scratch.row(sy)
        for x in 0..<w { sums[x] &+= UInt32(t[x]) }
    }
    for y in 0..<h {
        let a = max(y - r, 0), b = min(y + r, h - 1)
        let n = UInt32(b - a + 1), half = n / 2
        let out = destination.row(y)
        for x in 0..<w { out[x] = UInt8(truncatingIfNeeded: (sums[x] &+ half) / n) }
        if y + r + 1 < h {
            let t = scratch.row(y + r + 1)
            for x in 0..<w { sums[x] &+= UInt32(t[x]) }
        }
        if y - r >= 0 {
            let t = scratch.row(y - r)
            for x in 0..<w { sums[x] &-= UInt32(t[x]) }
        }
    }
}
