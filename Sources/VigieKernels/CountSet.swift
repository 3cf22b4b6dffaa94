/// Number of set bytes (≥ 128, as in 0/255 masks) in a row; the models count foreground while
/// they write each mask row, and `Mask.count` uses it too. Vectorised (`pcmpgtb`/`psubb`/`psadbw`).
@inline(__always)
package func countSet(_ row: UnsafePointer<UInt8>, _ width: Int) -> Int {
    var n = 0
    for x in 0..<width { n &+= Int(row[x] >> 7) }
    return n
}
