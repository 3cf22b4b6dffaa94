// Connected-component labelling of a binary image. A pixel is "set" when its value is >= 128
// (0/255 masks), and the labeller can label either the set pixels or the unset ones (the
// background, for hole filling). Coordinates are pixel indices: column x, row y, from the
// top-left pixel. Components are listed in raster order of their first pixel (top-most row,
// then left-most column) by both the fast and the reference labeller.

/// Which neighbours join two pixels into one component.
package enum Connectivity: Sendable {
    /// Left, right, up, down.
    case four
    /// The four above plus the diagonals.
    case eight
}

/// Statistics of one connected component, in pixel indices (column x, row y, from the
/// top-left pixel). The bounding box is inclusive: `minX...maxX`, `minY...maxY`.
package struct ComponentStatistics: Hashable, Sendable, Comparable {
    /// Number of pixels.
    package var area: Int
    /// Left-most column.
    package var minX: Int
    /// Top-most row.
    package var minY: Int
    /// Right-most column.
    package var maxX: Int
    /// Bottom-most row.
    package var maxY: Int
    /// Sum of the column indices of the pixels (centroid x = sumX / area).
    package var sumX: Int
    /// Sum of the row indices of the pixels (centroid y = sumY / area).
    package var sumY: Int

    /// The statistics of a single run of pixels `a...b` on row `y`.
    @inline(__always)
    package init(run a: Int, _ b: Int, row y: Int) {
        let n = b - a + 1
        area = n
        minX = a
        maxX = b
        minY = y
        maxY = y
        sumX = (a + b) * n / 2  // (a + b) * n is always even
        sumY = y * n
    }

    /// Adds a run of pixels `a...b` on row `y`.
    @inline(__always)
    package mutating func add(run a: Int, _ b: Int, row y: Int) {
        let n = b - a + 1
        area += n
        minX = min(minX, a)
        maxX = max(maxX, b)
        minY = min(minY, y)
        maxY = max(maxY, y)
        sumX += (a + b) * n / 2
        sumY += y * n
    }

    /// Lexicographic order (top, left, area, …), so tests can sort component lists.
    package static func < (l: Self, r: Self) -> Bool {
        (l.minY, l.minX, l.area, l.maxX, l.maxY, l.sumX) < (r.minY, r.minX, r.area, r.maxX, r.maxY, r.sumX)
            || ((l.minY, l.minX, l.area, l.maxX, l.maxY, l.sumX) == (r.minY, r.minX, r.area, r.maxX, r.maxY, r.sumX)
                && l.sumY < r.sumY)
    }
}

// MARK: - Reference

/// Reference: breadth-first flood fill from each unlabelled pixel in raster order.
/// Returns the label of every pixel (row after row, no padding; -1 for pixels not labelled)
/// and the statistics of each component, indexed by label. `set` chooses whether the set
/// (>= 128) or the unset pixels are labelled.
package func labelComponentsReference(_ image: ImageView, set: Bool = true, connectivity: Connectivity = .eight)
    -> (labels: [Int], components: [ComponentStatistics])
{
    let w = image.width, h = image.height
    var labels = [Int](repeating: -1, count: w * h)
    var components: [ComponentStatistics] = []
    var queue: [(Int, Int)] = []
    let neighbours = connectivity == .eight
        ? [(-1, -1), (0, -1), (1, -1), (-1, 0), (1, 0), (-1, 1), (0, 1), (1, 1)]
        : [(0, -1), (-1, 0), (1, 0), (0, 1)]
    func selected(_ x: Int, _ y: Int) -> Bool { (image[x, y] >= 128) == set }
    for y in 0..<h {
        for x in 0..<w where selected(x, y) && labels[y * w + x] < 0 {
            let label = components.count
            var stats = ComponentStatistics(run: x, x, row: y)
            labels[y * w + x] = label
            queue.removeAll(keepingCapacity: true)
            queue.append((x, y))
            var head = 0
            while head < queue.count {
                let (px, py) = queue[head]
                head += 1
                if (px, py) != (x, y) { stats.add(run: px, px, row: py) }
                for (dx, dy) in neighbours {
                    let nx = px + dx, ny = py + dy
                    guard nx >= 0, nx < w, ny >= 0, ny < h, selected(nx, ny), labels[ny * w + nx] < 0 else { continue }
                    labels[ny * w + nx] = label
                    queue.append((nx, ny))
                }
            }
            components.append(stats)
        }
    }
    return (labels, components)
}

// MARK: - Fast

/// Fast run-based labelling with reusable buffers.
///
/// Each row is scanned for runs of selected pixels (skipping 8 bytes at a time over uniform
/// stretches); each run is joined, with union-find (union by smaller index, path halving), to
/// the runs of the row above that it touches: with 8-connectivity run `a...b` touches `c...d`
/// above when `c <= b + 1 && d >= a - 1`, with 4-connectivity when `c <= b && d >= a`. One
/// final pass over the runs resolves each run's component and accumulates the statistics.
/// The buffers grow to the largest image seen and are then reused: no allocation per image in
/// steady state. A value type: copies share nothing once mutated.
///
/// Branchy by nature, so not vectorised: the row scan loads 8 pixels at a time as a `UInt64`
/// and jumps to the first selected (or unselected) one with a trailing-zero count (`bsf`/`tzcnt`),
/// so uniform stretches cost one load and compare per 8 pixels.
package struct ComponentLabeller: Sendable {
    /// First column of each run.
    private var runStart: [Int32] = []
    /// Last column (inclusive) of each run.
    private var runEnd: [Int32] = []
    /// Union-find parent of each run while scanning; the run's component index afterwards.
    private var runComponent: [Int32] = []
    /// Index of the first run of each row; `rowFirstRun[height]` is the run count.
    private var rowFirstRun: [Int] = []
    /// Height of the last labelled image.
    private var height = 0

    /// The components of the last labelled image, in raster order of their first pixel.
    package private(set) var components: [ComponentStatistics] = []

    /// An empty labeller; buffers are allocated by the first `label` call.
    package init() {}

    /// Labels the set (`set == true`) or unset pixels of `image`, replacing `components`.
    package mutating func label(_ image: ImageView, set: Bool = true, connectivity: Connectivity = .eight) {
        label(ByteRuns(image: image, set: set), connectivity: connectivity)
    }

    /// Labels the set (`set == true`) or unset pixels of the bit-packed mask `bits`, replacing
    /// `components`: the same runs and components as `label(_:set:connectivity:)` on its bytes,
    /// found 64 pixels a word.
    package mutating func label(bits: BitRows, set: Bool = true, connectivity: Connectivity = .eight) {
        label(BitRuns(bits: bits, set: set), connectivity: connectivity)
    }

    private mutating func label<Rows: RunRows>(_ rows: Rows, connectivity: Connectivity) {
        precondition(rows.width < Int(Int32.max) && rows.width * rows.height < Int(Int32.max),
                     "image \(rows.width)x\(rows.height) too large to label")
        height = rows.height
        if rowFirstRun.count < rows.height + 1 { rowFirstRun = [Int](repeating: 0, count: rows.height + 1) }
        let rowMaximum = (rows.width + 1) / 2
        var capacity = max(runStart.count, rowMaximum, 1024)
        while true {
            if runStart.count < capacity {
                runStart = [Int32](repeating: 0, count: capacity)
                runEnd = runStart
                runComponent = runStart
            }
            if Self.scan(rows, reach: connectivity == .eight ? 1 : 0,
                         &runStart, &runEnd, &runComponent, &rowFirstRun) { break }
            capacity *= 2
        }
        components.removeAll(keepingCapacity: true)
        Self.resolve(height: rows.height, &runStart, &runEnd, &runComponent, &rowFirstRun, &components)
    }

    /// Calls `body(y, a, b, component)` for every run `a...b` (inclusive columns) on row `y` of
    /// the last labelled image, `component` indexing `components`.
    @inline(__always)
    package func forEachRun(_ body: (_ y: Int, _ a: Int, _ b: Int, _ component: Int) -> Void) {
        for y in 0..<height {
            for i in rowFirstRun[y]..<rowFirstRun[y + 1] {
                body(y, Int(runStart[i]), Int(runEnd[i]), Int(runComponent[i]))
            }
        }
    }

    /// Finds the runs and joins them. Returns false (and leaves the buffers in an unspecified
    /// state) when the run buffers are too small.
    private static func scan<Rows: RunRows>(_ rows: Rows, reach: Int32,
                                            _ runStart: inout [Int32], _ runEnd: inout [Int32], _ parent: inout [Int32],
                                            _ rowFirstRun: inout [Int]) -> Bool {
        let capacity = runStart.count
        return runStart.withUnsafeMutableBufferPointer { startBuffer in
            runEnd.withUnsafeMutableBufferPointer { endBuffer in
                parent.withUnsafeMutableBufferPointer { parentBuffer in
                    rowFirstRun.withUnsafeMutableBufferPointer { rowBuffer in
                        let start = startBuffer.baseAddress!, end = endBuffer.baseAddress!
                        let parent = parentBuffer.baseAddress!, rowFirst = rowBuffer.baseAddress!
                        let w = rows.width
                        let rowMaximum = (w + 1) / 2
                        var count = 0
                        for y in 0..<rows.height {
                            if count + rowMaximum > capacity { return false }
                            rowFirst[y] = count
                            // Runs of the row above, and the first one that may touch the next run.
                            var above = y > 0 ? rowFirst[y - 1] : 0
                            let aboveEnd = count
                            var x = 0
                            while x < w {
                                x = rows.firstSelected(row: y, from: x)
                                if x >= w { break }
                                let a = x
                                x = rows.firstUnselected(row: y, from: x + 1)
                                let b = x - 1
                                let i = Int32(count)
                                start[count] = Int32(a)
                                end[count] = Int32(b)
                                parent[count] = i
                                count += 1
                                // Join with the touching runs above.
                                let a32 = Int32(a), b32 = Int32(b)
                                while above < aboveEnd && end[above] + reach < a32 { above += 1 }
                                var j = above
                                while j < aboveEnd && start[j] <= b32 + reach {
                                    let ri = find(parent, i), rj = find(parent, Int32(j))
                                    if ri < rj { parent[Int(rj)] = ri } else if rj < ri { parent[Int(ri)] = rj }
                                    j += 1
                                }
                            }
                        }
                        rowFirst[rows.height] = count
                        return true
                    }
                }
            }
        }
    }

    /// Replaces each run's parent by its component index and accumulates the statistics.
    /// Parents always have smaller indices than their children, so one pass in run order sees
    /// every parent resolved before its children.
    private static func resolve(height: Int, _ runStart: inout [Int32], _ runEnd: inout [Int32],
                                _ parent: inout [Int32], _ rowFirstRun: inout [Int],
                                _ components: inout [ComponentStatistics]) {
        runStart.withUnsafeMutableBufferPointer { start in
            runEnd.withUnsafeMutableBufferPointer { end in
                parent.withUnsafeMutableBufferPointer { label in
                    for y in 0..<height {
                        for i in rowFirstRun[y]..<rowFirstRun[y + 1] {
                            let a = Int(start[i]), b = Int(end[i])
                            let p = Int(label[i])
                            if p == i {
                                label[i] = Int32(components.count)
                                components.append(ComponentStatistics(run: a, b, row: y))
                            } else {
                                let c = label[p]  // p < i: already a component index
                                label[i] = c
                                components[Int(c)].add(run: a, b, row: y)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Union-find root of run `i`, halving the path on the way.
@inline(__always)
private func find(_ parent: UnsafeMutablePointer<Int32>, _ i: Int32) -> Int32 {
    var x = Int(i)
    while Int(parent[x]) != x {
        let grandparent = parent[Int(parent[x])]
        parent[x] = grandparent
        x = Int(grandparent)
    }
    return Int32(x)
}

/// Where the runs of selected pixels of each row start and end (the labeller's row scan).
private protocol RunRows {
    var width: Int { get }
    var height: Int { get }
    /// The first selected pixel of row `y` at or after `x`, or `width` when there is none.
    func firstSelected(row y: Int, from x: Int) -> Int
    /// The first unselected pixel of row `y` at or after `x`, or `width` when there is none.
    func firstUnselected(row y: Int, from x: Int) -> Int
}

/// The runs of a 0/255 plane: 8 pixels a `UInt64` load, the first selected (or unselected) one
/// found with a trailing-zero count (`bsf`/`tzcnt`), so uniform stretches cost one load and
/// compare per 8 pixels.
private struct ByteRuns: RunRows {
    let image: ImageView
    let set: Bool
    var width: Int { image.width }
    var height: Int { image.height }

    /// Bit 7 of each byte of the 8 pixels at x: 1 where selected.
    @inline(__always)
    private func selectedBits(_ row: UnsafePointer<UInt8>, _ x: Int) -> UInt64 {
        (UInt64(littleEndian: UnsafeRawPointer(row + x).loadUnaligned(as: UInt64.self)) ^ (set ? 0 : 0x8080_8080_8080_8080))
            & 0x8080_8080_8080_8080
    }

    @inline(__always)
    func firstSelected(row y: Int, from start: Int) -> Int { first(row: y, from: start, selected: true) }

    @inline(__always)
    func firstUnselected(row y: Int, from start: Int) -> Int { first(row: y, from: start, selected: false) }

    @inline(__always)
    private func first(row y: Int, from start: Int, selected: Bool) -> Int {
        let row = image.row(y), w = image.width
        let flip: UInt64 = selected ? 0 : 0x8080_8080_8080_8080
        var x = start
        while x + 8 <= w {
            let bits = selectedBits(row, x) ^ flip
            if bits != 0 { return x + bits.trailingZeroBitCount >> 3 }
            x += 8
        }
        let byteFlip: UInt8 = set ? 0 : 0x80
        while x < w && ((row[x] ^ byteFlip) >= 128) != selected { x += 1 }
        return x
    }
}

/// The runs of a bit-packed mask: 64 pixels a word, the next selected (or unselected) one found
/// with a trailing-zero count.
private struct BitRuns: RunRows {
    let bits: BitRows
    let set: Bool
    var width: Int { bits.width }
    var height: Int { bits.height }

    @inline(__always)
    func firstSelected(row y: Int, from start: Int) -> Int { first(row: y, from: start, invert: set ? 0 : ~0) }

    @inline(__always)
    func firstUnselected(row y: Int, from start: Int) -> Int { first(row: y, from: start, invert: set ? ~0 : 0) }

    /// The first pixel at or after `start` whose bit, xor `invert`, is set (`width` if none).
    @inline(__always)
    private func first(row y: Int, from start: Int, invert: UInt64) -> Int {
        let row = bits.row(y), w = bits.width
        guard start < w else { return w }
        var i = start >> 6
        var word = (row[i] ^ invert) & (~0 << UInt64(start & 63))
        let words = bits.wordsPerRow
        while word == 0 {
            i += 1
            if i >= words { return w }
            word = row[i] ^ invert
        }
        return min(w, i << 6 + word.trailingZeroBitCount)
    }
}
