// Number of set bytes (≥ 128, as in 0/255 masks) in a row: the models count foreground while
// they write each mask row, `Mask.count` and the tamper analyser use it too.

/// Reference: readable maths.
package func countSetReference(_ row: [UInt8]) -> Int {
    row.reduce(0) { $0 + ($1 >= 128 ? 1 : 0) }
}

/// Fast: 16 bytes a step in a `SIMD16<UInt8>` register (`v >> 7` is 0 or 1), added into byte
/// counters flushed every 255 steps by reading the register as eight 16-bit lanes (`& 0xFF` and
/// `>> 8` give the even and odd bytes widened, no conversion call). Packed `pcmpgtb`/`psubb`
/// on x86-64 (checked in the disassembly of the release build); the compiler's own vectorisation
/// of the plain loop took 4 bytes a step in 64-bit lanes, about ten times slower.
package func countSet(_ row: UnsafePointer<UInt8>, _ width: Int) -> Int {
    let raw = UnsafeRawPointer(row)
    let one = SIMD16<UInt8>(repeating: 1)
    var counts = SIMD16<UInt8>()
    var n = 0, x = 0, steps = 0
    while x + 16 <= width {
        counts &+= (raw.loadUnaligned(fromByteOffset: x, as: SIMD16<UInt8>.self) &>> 7) & one
        x += 16
        steps += 1
        if steps == 255 {
            n += byteCounterTotal(counts)
            counts = SIMD16()
            steps = 0
        }
    }
    n += byteCounterTotal(counts)
    while x < width {
        n &+= Int(row[x] >> 7)
        x += 1
    }
    return n
}

/// The sum of the 16 byte lanes of a counter register, widened without conversion calls: read as
/// eight 16-bit lanes, `& 0xFF` gives the even bytes and `>> 8` the odd ones. Shared by the
/// kernels that count in byte lanes and flush every 255 steps (`countSet`, `tamperRowStats`).
@inline(__always)
func byteCounterTotal(_ counts: SIMD16<UInt8>) -> Int {
    let wide = unsafeBitCast(counts, to: SIMD8<UInt16>.self)
    let pairs = (wide & SIMD8(repeating: 0xFF)) &+ (wide &>> 8)  // at most 2 * 255 a lane
    var total = 0
    for k in 0..<8 { total += Int(pairs[k]) }
    return total
}
