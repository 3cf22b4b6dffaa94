import VigieCore
import VigieKernels

// The anonymiser's mode-specific kernels (the per-frame ones are in VigieKernels, Redaction.swift).
// All views of one call have the same size; masks are 0/255.

/// Sets every pixel of `rect` (already clipped) to `value`.
func fillRect(_ v: MutableImageView, _ rect: PixelRect, _ value: UInt8) {
    for y in rect.y..<(rect.y + rect.height) { (v.row(y) + rect.x).update(repeating: value, count: rect.width) }
}

/// Sets every pixel to `value`.
func fillAll(_ v: MutableImageView, _ value: UInt8) {
    for y in 0..<v.height { v.row(y).update(repeating: value, count: v.width) }
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
