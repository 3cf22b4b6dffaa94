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

/// Fast erosion: separable and streamed with the doubling scheme, see `windowExtremum`; the
/// release build (baseline x86-64, SSE2) compiles its row loops to 16-byte `pminub`, two vectors
/// per iteration (checked with `objdump -d --no-show-raw-insn` on Morphology.swift.o).
/// `destination` has the size of `source` and may be the same memory (in place).
package func erode(_ source: ImageView, into destination: MutableImageView, radius: Int,
                   scratch: inout KernelScratch) {
    windowExtremum(source, into: destination, radius: radius, scratch: &scratch, minimum: true)
}

/// Fast dilation: as `erode`, with maxima (`pmaxub`). Same size and aliasing rules.
package func dilate(_ source: ImageView, into destination: MutableImageView, radius: Int,
                    scratch: inout KernelScratch) {
    windowExtremum(source, into: destination, radius: radius, scratch: &scratch, minimum: false)
}

/// Window size s(j) of level j of the doubling scheme for a window of k pixels:
/// 1, 2, 4, …, capped at k. Level j is the extremum of two windows of level j - 1, the second
/// shifted by s(j) - s(j - 1); k = 7 takes three levels (2, 4, 7), k = 3 two (2, 3):
/// ceil(log2 k) row loops instead of k - 1.
@inline(__always)
private func levelSize(_ j: Int, window k: Int) -> Int { j >= Int.bitWidth - 2 ? k : min(1 << j, k) }

/// `out[i] = min(a[i], b[i])` or `max(…)` for `i` in `0..<n`. `out` may be `a` or `b`, not a
/// shifted copy of either. Compiles to 16-byte `pminub`/`pmaxub` (baseline x86-64, two vectors
/// per iteration; checked with `objdump -d` on VigieKernels.build/Morphology.swift.o).
@inline(__always)
private func combineRows(_ out: UnsafeMutablePointer<UInt8>, _ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>,
                         count n: Int, minimum: Bool) {
    if minimum {
        for i in 0..<n { out[i] = min(a[i], b[i]) }
    } else {
        for i in 0..<n { out[i] = max(a[i], b[i]) }
    }
}

/// Fast (2r + 1) x (2r + 1) window extremum, one pass over the image.
///
/// Both directions use the doubling scheme (`levelSize`): with `k = 2r + 1` and the image
/// padded by `r` identity pixels (255 for the minimum, 0 for the maximum: the same as clipping
/// the window), level j holds the extremum of the `s(j)` pixels starting at each position, one
/// whole-row `pminub`/`pmaxub` loop (`combineRows`) per level.
/// - Horizontal: the source row is copied into a padded row buffer, then each level is one
///   loop between two row buffers (never in place with a shift, which would defeat the
///   vectoriser's overlap check); the last level writes the row of level 0 of the vertical pass.
/// - Vertical: streamed over padded row indices p = 0..<h + 2r. Level j (below the last) keeps
///   a ring of its last s(j + 1) - s(j) + 1 rows; when row p of level 0 arrives, each level
///   computes its newest row from the oldest and newest rows of the ring below, and the last
///   level writes destination row p - 2r. About 2 ceil(log2 k) row loops per row in all (6 for
///   r = 3, against 4r + 2 = 14 sweeps of the former separable kernel), the rings (k - 1 + levels
///   rows, 17 KB at 1920 wide and r = 3) stay in cache, and there is no full-frame scratch.
/// In place works: destination row y is written after source row y + r was read, and no
/// source row below y + r has been overwritten.
private func windowExtremum(_ source: ImageView, into destination: MutableImageView, radius r: Int,
                            scratch: inout KernelScratch, minimum: Bool) {
    precondition(destination.width == source.width && destination.height == source.height && r >= 0,
                 "morphology: \(source.width)x\(source.height) -> \(destination.width)x\(destination.height), r \(r)")
    let w = source.width, h = source.height
    guard w > 0 && h > 0 else { return }
    if r == 0 {
        if UnsafeRawPointer(source.base) != UnsafeRawPointer(destination.base) {
            for y in 0..<h { destination.row(y).update(from: source.row(y), count: w) }
        }
        return
    }
    let identity: UInt8 = minimum ? 255 : 0
    let k = 2 * r + 1
    var m = 0  // number of levels
    while levelSize(m, window: k) < k { m += 1 }
    let paddedWidth = w + 2 * r
    // Ring j (j in 0..<m) holds the last s(j + 1) - s(j) + 1 rows of level j; ring j starts at
    // row s(j) - 1 + j of the ring memory.
    let bytes = 2 * paddedWidth + (k - 1 + m) * w
    scratch.withBytes(count: bytes) { memory in
        let padA = memory, padB = memory + paddedWidth
        let ringBase = memory + 2 * paddedWidth
        // Ring j: its first row, its size, and the slot its next row goes to (no division in the
        // row loop). A ring of d + 1 rows written in order holds rows newest - d...newest, and
        // row newest - d is in the slot after the newest.
        withUnsafeTemporaryAllocation(of: (base: UnsafeMutablePointer<UInt8>, size: Int, next: Int).self,
                                      capacity: m) { rings in
            for j in 0..<m {
                let sj = levelSize(j, window: k)
                rings.initializeElement(at: j, to: (ringBase + (sj - 1 + j) * w, levelSize(j + 1, window: k) - sj + 1, 0))
            }
            /// The slot for the next row of ring j; advances the ring.
            @inline(__always) func nextRow(_ j: Int) -> UnsafeMutablePointer<UInt8> {
                let ring = rings[j]
                rings[j].next = ring.next + 1 == ring.size ? 0 : ring.next + 1
                return ring.base + ring.next * w
            }
            /// The oldest row of ring j (row newest - d, once the ring is full).
            @inline(__always) func oldestRow(_ j: Int) -> UnsafeMutablePointer<UInt8> {
                rings[j].base + rings[j].next * w
            }
            for p in 0..<(h + 2 * r) {
                // Level 0, padded row p: the horizontal window extremum of source row p - r.
                let level0 = nextRow(0)
                let y = p - r
                if y < 0 || y >= h {
                    level0.update(repeating: identity, count: w)
                } else {
                    padA.update(repeating: identity, count: r)
                    (padA + r).update(from: source.row(y), count: w)
                    (padA + r + w).update(repeating: identity, count: r)
                    var input = padA, output = padB
                    for j in 1...m {
                        let size = levelSize(j, window: k), d = size - levelSize(j - 1, window: k)
                        combineRows(j == m ? level0 : output, input, input + d, count: paddedWidth - size + 1,
                                    minimum: minimum)
                        swap(&input, &output)
                    }
                }
                // Vertical levels: level j gets row p - (s(j) - 1) from level j - 1.
                var newest = p  // newest row index of level j - 1
                var newestRow = level0
                for j in 1...m {
                    let d = levelSize(j, window: k) - levelSize(j - 1, window: k)
                    let i = newest - d
                    if i < 0 { break }
                    let out = j == m ? destination.row(i) : nextRow(j)
                    combineRows(out, oldestRow(j - 1), newestRow, count: w, minimum: minimum)
                    newest = i
                    newestRow = out
                }
            }
        }
    }
}
