// Sum of absolute differences of two float rows: the inner loop of the tamper analyser's shift
// search (the coarse image matched against the learned view at every candidate shift).

/// Reference: readable maths, summed in order in `Double`.
package func absoluteDifferenceSumReference(_ a: [Float], _ b: [Float]) -> Double {
    precondition(a.count == b.count, "absoluteDifferenceSum: \(a.count) and \(b.count) values")
    var total = 0.0
    for i in a.indices { total += Double(abs(a[i] - b[i])) }
    return total
}

/// Fast: four `SIMD8<Float>` partial sums kept in vector registers (packed `subps`, `andps`,
/// `addps` on x86-64; checked in the disassembly of the release build), then the
/// remainder one value at a time. A serial float sum cannot be vectorised by the compiler (it may
/// not reorder float additions), which made the shift search the tamper analyser's largest cost.
/// The result differs from the reference by rounding only (partial sums in another order).
package func absoluteDifferenceSum(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
    precondition(count >= 0, "absoluteDifferenceSum: count \(count)")
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    let stride = MemoryLayout<SIMD8<Float>>.stride
    var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
    var i = 0
    while i + 32 <= count {
        let o = i * MemoryLayout<Float>.stride
        let d0 = ra.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            - rb.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
        let d1 = ra.loadUnaligned(fromByteOffset: o + stride, as: SIMD8<Float>.self)
            - rb.loadUnaligned(fromByteOffset: o + stride, as: SIMD8<Float>.self)
        let d2 = ra.loadUnaligned(fromByteOffset: o + 2 * stride, as: SIMD8<Float>.self)
            - rb.loadUnaligned(fromByteOffset: o + 2 * stride, as: SIMD8<Float>.self)
        let d3 = ra.loadUnaligned(fromByteOffset: o + 3 * stride, as: SIMD8<Float>.self)
            - rb.loadUnaligned(fromByteOffset: o + 3 * stride, as: SIMD8<Float>.self)
        s0 += magnitude(d0)
        s1 += magnitude(d1)
        s2 += magnitude(d2)
        s3 += magnitude(d3)
        i += 32
    }
    while i + 8 <= count {
        let d = ra.loadUnaligned(fromByteOffset: i * MemoryLayout<Float>.stride, as: SIMD8<Float>.self)
            - rb.loadUnaligned(fromByteOffset: i * MemoryLayout<Float>.stride, as: SIMD8<Float>.self)
        s0 += magnitude(d)
        i += 8
    }
    var total = ((s0 + s1) + (s2 + s3)).sum()
    while i < count {
        total += abs(a[i] - b[i])
        i += 1
    }
    return total
}

/// |v| lane by lane by clearing the sign bits (the generic `pointwiseMax` compiles to a call per
/// vector; a bit mask is one packed `andps`).
@inline(__always)
private func magnitude(_ v: SIMD8<Float>) -> SIMD8<Float> {
    unsafeBitCast(unsafeBitCast(v, to: SIMD8<UInt32>.self) & SIMD8(repeating: 0x7FFF_FFFF), to: SIMD8<Float>.self)
}
