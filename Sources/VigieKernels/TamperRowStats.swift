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

/// Fast: 16 pixels a step in `SIMD16<UInt8>` registers, widened without conversion calls (a
/// 16-byte vector read as eight 16-bit lanes gives the even bytes with `& 0xFF` and the odd ones
/// with `>> 8`): squared differences in 16-bit lanes (exact: at most 255² < 2¹⁶) summed into
/// 32-bit lanes; identity by byte compares subtracted (−1 per differing byte) into byte counters
/// flushed every 255 steps. Packed `pand`/`psrlw`/`psubw`/`pmullw`/`paddd`/`pcmpeqb` on x86-64
/// (checked in the disassembly of the release build). The remainder and the block means are
/// plain loops.
package func tamperRowStats(_ row: UnsafePointer<UInt8>, previous: UnsafeMutablePointer<UInt8>, width: Int,
                            factor: Int, blocks: UnsafeMutablePointer<UInt8>) -> TamperRowStats {
    precondition(factor >= 1 && width >= 0, "tamperRowStats: width \(width), factor \(factor)")
    var stats = TamperRowStats()
    let current = UnsafeRawPointer(row), before = UnsafeRawPointer(previous)
    let lowByte = SIMD8<UInt16>(repeating: 0xFF), lowHalf = SIMD4<UInt32>(repeating: 0xFFFF)
    var energy = SIMD4<UInt32>()
    var x = 0
    // Squared horizontal differences: pixels x…x+15 against x+1…x+16. 32-bit lanes take 4 sums
    // of at most 4 * 65 025 a step: flushed every 4 096 steps, far below 2³².
    var steps = 0
    while x + 17 <= width {
        let a = unsafeBitCast(current.loadUnaligned(fromByteOffset: x, as: SIMD16<UInt8>.self), to: SIMD8<UInt16>.self)
        let b = unsafeBitCast(current.loadUnaligned(fromByteOffset: x + 1, as: SIMD16<UInt8>.self), to: SIMD8<UInt16>.self)
        let even = (b & lowByte) &- (a & lowByte), odd = (b &>> 8) &- (a &>> 8)
        let squares = unsafeBitCast(even &* even, to: SIMD4<UInt32>.self), squaresOdd = unsafeBitCast(odd &* odd, to: SIMD4<UInt32>.self)
        energy &+= (squares & lowHalf) &+ (squares &>> 16) &+ (squaresOdd & lowHalf) &+ (squaresOdd &>> 16)
        x += 16
        steps += 1
        if steps == 4096 {
            stats.gradientEnergy += Int(energy[0]) + Int(energy[1]) + Int(energy[2]) + Int(energy[3])
            energy = SIMD4()
            steps = 0
        }
    }
    stats.gradientEnergy += Int(energy[0]) + Int(energy[1]) + Int(energy[2]) + Int(energy[3])
    while x + 1 < width {
        let d = Int(row[x + 1]) - Int(row[x])
        stats.gradientEnergy += d * d
        x += 1
    }
    // Identity: bytes that differ from the previous frame's row.
    var counts = SIMD16<UInt8>()
    x = 0
    steps = 0
    while x + 16 <= width {
        let a = current.loadUnaligned(fromByteOffset: x, as: SIMD16<UInt8>.self)
        let b = before.loadUnaligned(fromByteOffset: x, as: SIMD16<UInt8>.self)
        counts &-= unsafeBitCast(a .!= b, to: SIMD16<UInt8>.self)  // true lanes are 0xFF = −1
        x += 16
        steps += 1
        if steps == 255 {
            stats.changed += byteCounterTotal(counts)
            counts = SIMD16()
            steps = 0
        }
    }
    stats.changed += byteCounterTotal(counts)
    while x < width {
        stats.changed += row[x] != previous[x] ? 1 : 0
        x += 1
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
