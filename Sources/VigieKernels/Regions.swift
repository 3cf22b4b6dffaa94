// Region operations on 0/255 masks built on connected-component labelling. Foreground is
// 8-connected; background is 4-connected (its dual), so a hole closed only by a diagonal step
// of foreground is still a hole. A pixel is set when its value is >= 128.

/// Reference hole filling, in place: a breadth-first flood of the background (4-connected)
/// from every unset border pixel; unset pixels it does not reach are set to 255.
package func fillHolesReference(_ mask: MutableImageView) {
    let (labels, components) = labelComponentsReference(mask.readOnly, set: false, connectivity: .four)
    let w = mask.width, h = mask.height
    for y in 0..<h {
        for x in 0..<w where labels[y * w + x] >= 0 {
            let c = components[labels[y * w + x]]
            if c.minX > 0 && c.minY > 0 && c.maxX < w - 1 && c.maxY < h - 1 { mask[x, y] = 255 }
        }
    }
}

/// Fast hole filling of a bit-packed mask, in place: labels the background runs (4-connectivity)
/// with `labeller`, 64 pixels a word, and sets the runs of background components that do not
/// touch the image border.
package func fillHoles(bits: BitRows, labeller: inout ComponentLabeller) {
    labeller.label(bits: bits, set: false, connectivity: .four)
    let w = bits.width, h = bits.height
    let components = labeller.components
    components.withUnsafeBufferPointer { components in
        labeller.forEachRun { y, a, b, c in
            let s = components[c]
            if s.minX > 0 && s.minY > 0 && s.maxX < w - 1 && s.maxY < h - 1 { bits.fill(a, y, width: b - a + 1, height: 1) }
        }
    }
}

/// Hole filling of a 0/255 mask in place, through its bits (`fillHoles(bits:labeller:)`).
package func fillHoles(_ mask: MutableImageView, labeller: inout ComponentLabeller) {
    throughBits(mask) { fillHoles(bits: $0, labeller: &labeller) }
}

/// Reference small-region removal, in place: clears (to 0) the pixels of every 8-connected
/// component of set pixels whose area is below `minimumArea` pixels.
package func removeSmallRegionsReference(_ mask: MutableImageView, minimumArea: Int) {
    let (labels, components) = labelComponentsReference(mask.readOnly, set: true, connectivity: .eight)
    let w = mask.width
    for y in 0..<mask.height {
        for x in 0..<w where labels[y * w + x] >= 0 && components[labels[y * w + x]].area < minimumArea {
            mask[x, y] = 0
        }
    }
}

/// Fast small-region removal of a bit-packed mask, in place: labels the set runs (8-connectivity)
/// with `labeller`, 64 pixels a word, and clears the runs of components whose area is below
/// `minimumArea` pixels.
package func removeSmallRegions(bits: BitRows, minimumArea: Int, labeller: inout ComponentLabeller) {
    guard minimumArea > 1 else { return }
    labeller.label(bits: bits, set: true, connectivity: .eight)
    let components = labeller.components
    components.withUnsafeBufferPointer { components in
        labeller.forEachRun { y, a, b, c in
            if components[c].area < minimumArea { bits.clear(a, y, width: b - a + 1, height: 1) }
        }
    }
}

/// Small-region removal of a 0/255 mask in place, through its bits
/// (`removeSmallRegions(bits:minimumArea:labeller:)`).
package func removeSmallRegions(_ mask: MutableImageView, minimumArea: Int, labeller: inout ComponentLabeller) {
    guard minimumArea > 1 else { return }
    throughBits(mask) { removeSmallRegions(bits: $0, minimumArea: minimumArea, labeller: &labeller) }
}
