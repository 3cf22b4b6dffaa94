// Opening and closing of masks on bit-packed rows (`BitRows`): 64 pixels a word, so a square
// window of radius r costs a few word operations per 64 pixels instead of byte operations per
// pixel. The kernels are C in CVigieKernels (bitmorphology.c) on the instruction-set path in use;
// the references are `packBitsReference`, and `dilateReference` and `erodeReference`
// (Morphology.swift), with the same window and edge rules: the (2r + 1) square is clipped to the
// image, which is the same as treating outside pixels as unset for dilation and as set for
// erosion. Rows are packed with a movemask per 32 pixels, dilated across in one pass per row (a
// word's own bits spread by doubling inside the register, its neighbours' shifted in), then down
// (the OR of the window's rows, from block ORs for wide radii); an erosion is the complement of
// the dilation of the complement.

import CVigieKernels

/// Reference of `packBits`.
package func packBitsReference(_ mask: ImageView, into bits: BitRows) {
    for y in 0..<mask.height {
        bits.row(y).update(repeating: 0, count: bits.wordsPerRow)
        for x in 0..<mask.width where mask[x, y] >= 128 { bits[x, y] = true }
    }
}

/// The 0/255 `mask` (pixels ≥ 128 set) as bits, bits past each row's last pixel 0.
package func packBits(_ mask: ImageView, into bits: BitRows, path: KernelPath? = nil) {
    precondition(bits.width == mask.width && bits.height == mask.height,
                 "packBits: \(mask.width)x\(mask.height) -> \(bits.width)x\(bits.height)")
    let raw = KernelPath.raw(path)
    for y in 0..<mask.height { vg_pack_bits_row_on(raw, mask.row(y), bits.row(y), mask.width) }
}

/// Closing (dilation, then erosion) of the bit-packed mask with a (2r + 1) x (2r + 1) square, in
/// place; the same pixels as `dilateReference` followed by `erodeReference`; bits past each row's
/// last pixel 0 after.
package func closeBits(_ bits: BitRows, radius: Int, scratch: inout KernelScratch, path: KernelPath? = nil) {
    morphologyPair(bits, radius: radius, scratch: &scratch, dilateFirst: true, path: path)
}

/// Opening (erosion, then dilation) of the bit-packed mask with a (2r + 1) x (2r + 1) square, in
/// place; the same pixels as `erodeReference` followed by `dilateReference`.
package func openBits(_ bits: BitRows, radius: Int, scratch: inout KernelScratch, path: KernelPath? = nil) {
    morphologyPair(bits, radius: radius, scratch: &scratch, dilateFirst: false, path: path)
}

private func morphologyPair(_ bits: BitRows, radius r: Int, scratch: inout KernelScratch, dilateFirst: Bool,
                            path: KernelPath?) {
    precondition(r >= 0, "morphology radius \(r)")
    let w = bits.width, h = bits.height
    guard w > 0 && h > 0 && r > 0 else { return }
    let words = bits.wordsPerRow
    let raw = KernelPath.raw(path)
    scratch.withBytes(count: 8 * (4 * words * h + 2 * (words + 2)) + 64) { memory in
        let aligned = UnsafeMutableRawPointer(memory).alignedUp(for: UInt64.self).assumingMemoryBound(to: UInt64.self)
        vg_morphology_bits_on(raw, bits.base, w, h, r, dilateFirst ? 1 : 0, aligned)
    }
}

/// Closing of a 0/255 mask in place through its bits (`closeBits`): pixels ≥ 128 are set; the
/// output is 0/255, only the mask's `width` bytes of each row written.
package func closeBitPacked(_ mask: MutableImageView, radius: Int, scratch: inout KernelScratch, path: KernelPath? = nil) {
    throughBits(mask, path: path) { closeBits($0, radius: radius, scratch: &scratch, path: path) }
}

/// Opening of a 0/255 mask in place through its bits (`openBits`).
package func openBitPacked(_ mask: MutableImageView, radius: Int, scratch: inout KernelScratch, path: KernelPath? = nil) {
    throughBits(mask, path: path) { openBits($0, radius: radius, scratch: &scratch, path: path) }
}

/// Packs `mask`, applies `body` to its bits and unpacks them back into it.
package func throughBits(_ mask: MutableImageView, path: KernelPath? = nil, _ body: (BitRows) -> Void) {
    var words = [UInt64](repeating: 0, count: max(1, BitRows.wordsPerRow(width: mask.width) * mask.height))
    words.withUnsafeMutableBufferPointer { memory in
        let bits = BitRows(base: memory.baseAddress!, width: mask.width, height: mask.height)
        packBits(mask.readOnly, into: bits, path: path)
        body(bits)
        unpackBits(bits, into: mask, path: path)
    }
}
