// 3x3 median of a binary mask: a pixel is set (255) when at least 5 of the 9 pixels of its
// 3x3 neighbourhood are set, else 0. A pixel counts as set when its value is >= 128, so 0/255
// masks behave exactly as binary images. Outside the image the edge pixels are replicated.
// For a binary image the median and the majority vote are the same thing.

import CVigieKernels

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

/// Fast: column counts of set pixels moved down one row at a time (subtract the row leaving,
/// add the row entering), then left + centre + right `>= 5`, with one replicated column on each
/// side so the edge columns need no special case; in C (`CVigieKernels`) on the instruction-set
/// path in use (or `path`), 16 to 64 bytes per vector. About 3x fewer instructions per pixel
/// than nine loads per pixel. `destination` has the size of `source` and must not share memory
/// with it.
package func median3x3(_ source: ImageView, into destination: MutableImageView, scratch: inout KernelScratch,
                       path: KernelPath? = nil) {
    precondition(destination.width == source.width && destination.height == source.height,
                 "median3x3: \(source.width)x\(source.height) -> \(destination.width)x\(destination.height)")
    precondition(UnsafeRawPointer(source.base) != UnsafeRawPointer(destination.base), "median3x3 cannot work in place")
    let w = source.width, h = source.height
    guard w > 0 && h > 0 else { return }
    scratch.withBytes(count: w + 2) { v in
        vg_median3x3_on(KernelPath.raw(path), source.base, source.stride, destination.base, destination.stride, w, h,
                        v)
    }
}
