// Erosion and dilation with a square structuring element of radius r: the window of pixel
// (x, y) is the (2r + 1) x (2r + 1) square centred on it. Erosion takes the minimum of the
// window, dilation the maximum; on 0/255 masks that is "all set" and "any set". Pixels
// outside the image do not count: the window is clipped to the image, which is the same as
// treating outside pixels as set for erosion (borders do not erode from the frame edge) and
// as unset for dilation. Radius 0 copies.

/// Reference erosion: the minimum over each clipped window, in pixels.
/// `destination` has the size of `source` and must not share memory with it.
package func erodeReference(_ source: ImageView, into destination: MutableImageView, radius: Int) {
    windowExtremumReference(source, into: destination, radius: radius, minimum: true)
}

/// Reference dilation: the maximum over each clipped window, in pixels.
/// `destination` has the size of `source` and must not share memory with it.
package func dilateReference(_ source: ImageView, into destination: MutableImageView, radius: Int) {
    windowExtremumReference(source, into: destination, radius: radius, minimum: false)
}

private func windowExtremumReference(_ source: ImageView, into destination: MutableImageView, radius r: Int,
                                     minimum: Bool) {
    precondition(destination.width == source.width && destination.height == source.height && r >= 0,
                 "morphology: \(source.width)x\(source.height) -> \(destination.width)x\(destination.height), r \(r)")
    let w = source.width, h = source.height
    for y in 0..<h {
        for x in 0..<w {
            var value: UInt8 = minimum ? 255 : 0
            for sy in max(y - r, 0)...min(y + r, h - 1) {
                for sx in max(x - r, 0)...min(x + r, w - 1) {
                    value = minimum ? min(value, source[sx, sy]) : max(value, source[sx, sy])
                }
            }
            destination[x, y] = value
        }
    }
}

/// Fast erosion: separable, a horizontal minimum pass into `scratch` then a vertical one into
/// `destination`, each a set of branch-free loops over row pointers (2r + 1 row sweeps per
/// pass) that the release build (baseline x86-64) turns into 16-byte `pminub`, two vectors per
/// iteration. `scratch` has the size of
/// `source` and is overwritten; `destination` has the size of `source` and may be the same
/// memory as `source` (in place), but not as `scratch`.
package func erode(_ source: ImageView, into destination: MutableImageView, radius: Int, scratch: MutableImageView) {
    separableExtremum(source, into: destination, radius: radius, scratch: scratch, minimum: true)
}

/// Fast dilation: as `erode`, with maxima (`pmaxub`). Same size and aliasing rules.
package func dilate(_ source: ImageView, into destination: MutableImageView, radius: Int, scratch: MutableImageView) {
    separableExtremum(source, into: destination, radius: radius, scratch: scratch, minimum: false)
}

private func separableExtremum(_ source: ImageView, into destination: MutableImageView, radius r: Int,
                               scratch: MutableImageView, minimum: Bool) {
    precondition(destination.width == source.width && destination.height == source.height
                 && scratch.width == source.width && scratch.height == source.height && r >= 0,
                 "morphology: \(source.width)x\(source.height) -> \(destination.width)x\(destination.height), "
                 + "scratch \(scratch.width)x\(scratch.height), r \(r)")
    precondition(scratch.base != destination.base && UnsafeRawPointer(scratch.base) != UnsafeRawPointer(source.base),
                 "morphology: scratch must not be the source or destination")
    let w = source.width, h = source.height
    // Horizontal pass: t[x] = extremum of s[x - r...x + r] clipped to the row.
    for y in 0..<h {
        let s = source.row(y), t = scratch.row(y)
        t.update(from: s, count: w)
        var d = 1
        while d <= r && d < w {
            // Offsets go into the pointers, not the indices: a checked `x + d` in the loop
            // body would be a possible trap, which stops the vectoriser.
            let n = w - d, sd = s + d, td = t + d
            if minimum {
                for x in 0..<n { t[x] = min(t[x], sd[x]) }  // right neighbour at distance d
                for x in 0..<n { td[x] = min(td[x], s[x]) }  // left neighbour at distance d
            } else {
                for x in 0..<n { t[x] = max(t[x], sd[x]) }
                for x in 0..<n { td[x] = max(td[x], s[x]) }
            }
            d += 1
        }
    }
    // Vertical pass: out row y = extremum of the scratch rows y - r...y + r clipped to the image.
    for y in 0..<h {
        let out = destination.row(y)
        out.update(from: scratch.row(y), count: w)
        for sy in max(y - r, 0)...min(y + r, h - 1) where sy != y {
            let t = scratch.row(sy)
            if minimum {
                for x in 0..<w { out[x] = min(out[x], t[x]) }
            } else {
                for x in 0..<w { out[x] = max(out[x], t[x]) }
            }
        }
    }
}
