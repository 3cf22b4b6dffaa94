// One pass over a sampled luma row for the tamper analyser: block means (the analysis image),
// horizontal gradient energy (sharpness) and the number of pixels that changed since the same
// row of the previous frame (frame identity), which is then replaced by this row.

/// What one sampled row contributes to the tamper analyser's measures.
package struct TamperRowStats: Equatable, Sendable {
    /// Sum over the row of (p[x+1] - p[x])², x in 0..<width-1.
    package var gradientEnergy: Int
    /// Pixels that differ from the previous frame's row.
    package var changed: Int

    package init(gradientEnergy: Int = 0, changed: Int = 0) {
        self.gradientEnergy = gradientEnergy
        self.changed = changed
    }
}

/// Reference: readable maths. `blocks` receives `row.count / factor` rounded block means (a
/// remainder shorter than `factor` is dropped); `previous` (same length as `row`) is compared
/// with `row` and then overwritten by it.
package func tamperRowStatsReference(_ row: [UInt8], previous: inout [UInt8], factor: Int,
                                     blocks: inout [UInt8]) -> TamperRowStats {
    precondition(factor >= 1 && previous.count == row.count && blocks.count == row.count / factor,
                 "tamperRowStats: row \(row.count), previous \(previous.count), factor \(factor), blocks \(blocks.count)")
    var stats = TamperRowStats()
    for x in 0..<max(0, row.count - 1) {
        let d = Int(row[x + 1]) - Int(row[x])
        stats.gradientEnergy += d * d
    }
    for x in row.indices where row[x] != previous[x] { stats.changed += 1 }
    previous = row
    for b in blocks.indices {
        let sum = row[b * factor..<(b + 1) * factor].reduce(0) { $0 + Int($1) }
        blocks[b] = UInt8((sum + factor / 2) / factor)
    }
    return stats
}

/// Fast: three plain branch-free loops the compiler vectorises (32-bit lanes for the squared
/// differences, byte compares for the identity count), each over chunks short enough that the
/// 32-bit accumulators cannot overflow; then a block-sum loop writing `width / factor` means.
package func tamperRowStats(_ row: UnsafePointer<UInt8>, previous: UnsafeMutablePointer<UInt8>, width: Int,
                            factor: Int, blocks: UnsafeMutablePointer<UInt8>) -> TamperRowStats {
    precondition(factor >= 1 && width >= 0, "tamperRowStats: width \(width), factor \(factor)")
    var stats = TamperRowStats()
    let chunk = 16_384  // 16 384 * 255² < 2^31
    var start = 0
    while start < width - 1 {
        let end = min(width - 1, start + chunk)
        var energy: Int32 = 0
        for x in start..<end {
            let d = Int32(row[x + 1]) &- Int32(row[x])
            energy &+= d &* d
        }
        stats.gradientEnergy += Int(energy)
        start = end
    }
    start = 0
    while start < width {
        let end = min(width, start + chunk)
        var changed: Int32 = 0
        for x in start..<end { changed &+= row[x] != previous[x] ? 1 : 0 }
        stats.changed += Int(changed)
        start = end
    }
    previous.update(from: row, count: width)
    let half = factor / 2
    for b in 0..<(width / factor) {
        let p = row + b * factor
        var sum = 0
        for i in 0..<factor { sum &+= Int(p[i]) }
        blocks[b] = UInt8(truncatingIfNeeded: (sum &+ half) / factor)
    }
    return stats
}
