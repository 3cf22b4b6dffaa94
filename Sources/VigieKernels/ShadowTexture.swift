// Shadow texture test of the adaptive background model: a cast shadow darkens the ground but
// keeps its texture, so the edges of the frame around a shadow pixel are the background's edges
// scaled by the shadow's darkness. A dark car or a grey coat on a grey floor passes the
// brightness-ratio test of a shadow too, but brings its own edges (panels, folds, wheels) or
// hides the floor's (a lane marking, tiles). The adaptive kernel marks such pixels as shadow
// *candidates* (mask value 1); this test resolves each one to foreground (255) or shadow by
// comparing the edge energy of the frame and of the background in the 3x3 window around it.
//
// With GI, GB the sums of |∂x| + |∂y| (forward differences) of the frame and the background over
// the window, and r = ΣI / ΣB the window's darkness (at most 1), a candidate is foreground when
//
//     |GI − r·GB| > k · (GI + r·GB + c)
//
// with k = `ShadowTextureParameters.contrast256` / 256 and c a floor of 2 levels per window
// pixel, so that flat ground under a flat object stays a shadow (nothing to tell them apart).
// Everything is multiplied by ΣB to stay in integers.
//
// Only pixels that are not plain background take part: a difference between a pixel and a
// background neighbour (mask 0) is left out, and so are background pixels from the sums. The
// outline of a hard shadow is an edge the background lacks, but it lies between the shadow and
// the lit ground; the shadow's inside keeps the ground's texture. A dark object's own edges
// (between its candidate and foreground pixels) still count. Candidates resolved as shadow are
// marked `resolvedShadow` until every row whose window reaches them has been resolved (so the
// result does not depend on the order of the rows), then `finishShadowRow` clears them.

/// Mask value the adaptive kernel writes for a shadow candidate, before the texture test.
package let shadowCandidate: UInt8 = 1

/// Settings of the shadow texture test.
package struct ShadowTextureParameters {
    /// k in 1/256: the edge energies' relative difference above which a candidate is an object.
    package var contrast256: Int32
    /// c: the edge-energy floor of the 3x3 window, in levels.
    package var floor: Int32

    package init(contrast256: Int32, floor: Int32) {
        self.contrast256 = contrast256
        self.floor = floor
    }
}

/// Mask value of a candidate resolved as shadow, until `finishShadowRow` clears it to 0.
package let resolvedShadow: UInt8 = 2

/// Readable maths for one pixel: true when the window around (x, y) does not keep the
/// background's texture (an object, not a shadow). Edges are replicated; pixels whose mask is 0
/// (background) are left out.
package func shadowLosesTexture(x: Int, y: Int, luma: ImageView, background: UnsafePointer<UInt16>,
                                mask: ImageView, _ p: ShadowTextureParameters) -> Bool {
    let w = luma.width, h = luma.height
    func clamped(_ x: Int, _ y: Int) -> (Int, Int) { (min(max(x, 0), w - 1), min(max(y, 0), h - 1)) }
    func i(_ x: Int, _ y: Int) -> Int { let (cx, cy) = clamped(x, y); return Int(luma[cx, cy]) }
    func b(_ x: Int, _ y: Int) -> Int { let (cx, cy) = clamped(x, y); return Int(background[cy * w + cx] >> 8) }
    func taking(_ x: Int, _ y: Int) -> Bool { let (cx, cy) = clamped(x, y); return mask[cx, cy] != 0 }
    var gi = 0, gb = 0, si = 0, sb = 0
    for yy in (y - 1)...(y + 1) {
        for xx in (x - 1)...(x + 1) {
            let (qx, qy) = clamped(xx, yy)
            guard taking(qx, qy) else { continue }
            if taking(qx + 1, qy) {
                gi += abs(i(qx + 1, qy) - i(qx, qy))
                gb += abs(b(qx + 1, qy) - b(qx, qy))
            }
            if taking(qx, qy + 1) {
                gi += abs(i(qx, qy + 1) - i(qx, qy))
                gb += abs(b(qx, qy + 1) - b(qx, qy))
            }
            si += i(qx, qy)
            sb += b(qx, qy)
        }
    }
    return sumsLoseTexture(gi: gi, gb: gb, si: si, sb: sb, p)
}

/// The decision from the window sums: edge energies GI, GB and luma sums ΣI, ΣB (ΣI capped at
/// ΣB: a candidate is darker), in integers (everything multiplied by ΣB).
@inline(__always)
private func sumsLoseTexture(gi: Int, gb: Int, si: Int, sb: Int, _ p: ShadowTextureParameters) -> Bool {
    let si = min(si, sb)
    let difference = abs(gi * sb - gb * si)
    let total = gi * sb + gb * si + Int(p.floor) * sb
    return 256 * difference > Int(p.contrast256) * total
}

/// Reference: resolves every candidate of row `y` with `shadowLosesTexture`: foreground becomes
/// 255 and its counter goes up by one (the adaptive kernel kept it for a candidate); shadow
/// becomes `resolvedShadow` and its counter restarts at 0. Returns how many candidates there were
/// and how many became foreground.
package func resolveShadowRowReference(y: Int, luma: ImageView, background: UnsafePointer<UInt16>,
                                       mask: MutableImageView, foregroundFrames: UnsafeMutablePointer<UInt16>,
                                       _ p: ShadowTextureParameters) -> (candidates: Int, objects: Int) {
    var candidates = 0, objects = 0
    let row = mask.row(y)
    for x in 0..<luma.width where row[x] == shadowCandidate {
        candidates += 1
        if shadowLosesTexture(x: x, y: y, luma: luma, background: background, mask: mask.readOnly, p) {
            row[x] = 255
            foregroundFrames[x] = foregroundFrames[x] == UInt16.max ? UInt16.max : foregroundFrames[x] + 1
            objects += 1
        } else {
            row[x] = resolvedShadow
            foregroundFrames[x] = 0
        }
    }
    return (candidates, objects)
}

/// Fast: skips 16 mask bytes at a time while they hold no candidate (`(v ^ v >> 7) & 1` is 1
/// only for the value 1 of a 0/1/2/255 mask; packed `psrlw`/`pxor`/`pand`, one test per step),
/// then computes each candidate's window from row pointers without clamping away from the
/// edges. Candidates are a few per cent of a frame, so the per-candidate work stays scalar.
package func resolveShadowRow(y: Int, luma: ImageView, background: UnsafePointer<UInt16>,
                              mask: MutableImageView, foregroundFrames: UnsafeMutablePointer<UInt16>,
                              _ p: ShadowTextureParameters) -> (candidates: Int, objects: Int) {
    let w = luma.width, h = luma.height
    let row = mask.row(y)
    let raw = UnsafeRawPointer(row)
    let one = SIMD16<UInt8>(repeating: 1)
    var candidates = 0, objects = 0
    var x = 0
    while x < w {
        if x + 16 <= w {
            let v = raw.loadUnaligned(fromByteOffset: x, as: SIMD16<UInt8>.self)
            let flags = unsafeBitCast((v ^ (v &>> 7)) & one, to: SIMD2<UInt64>.self)
            if flags[0] | flags[1] == 0 {
                x += 16
                continue
            }
        }
        let end = min(x + 16, w)
        while x < end {
            if row[x] == shadowCandidate {
                candidates += 1
                let isObject: Bool
                if x >= 1 && x + 2 < w && y >= 1 && y + 2 < h {
                    isObject = interiorLosesTexture(x: x, y: y, luma: luma, background: background, mask: mask.readOnly, p)
                } else {
                    isObject = shadowLosesTexture(x: x, y: y, luma: luma, background: background, mask: mask.readOnly, p)
                }
                if isObject {
                    row[x] = 255
                    let c = foregroundFrames[x]
                    foregroundFrames[x] = c == UInt16.max ? c : c + 1
                    objects += 1
                } else {
                    row[x] = resolvedShadow
                    foregroundFrames[x] = 0
                }
            }
            x += 1
        }
    }
    return (candidates, objects)
}

/// Clears the `resolvedShadow` marks of one row to 0 (background), once no window reads them.
/// A plain select loop: packed `pcmpeqb`/`pandn`.
package func finishShadowRow(_ row: UnsafeMutablePointer<UInt8>, width: Int) {
    for x in 0..<width {
        let v = row[x]
        row[x] = v == resolvedShadow ? 0 : v
    }
}

/// `shadowLosesTexture` for a pixel at least one away from the left and top edges and two from
/// the right and bottom ones: a 4x4 block read once, no clamping.
@inline(__always)
private func interiorLosesTexture(x: Int, y: Int, luma: ImageView, background: UnsafePointer<UInt16>,
                                  mask: ImageView, _ p: ShadowTextureParameters) -> Bool {
    let w = luma.width
    var iv = (Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0),
              Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0), Int32(0))
    var bv = iv, mv = iv
    withUnsafeMutableBytes(of: &iv) { ib in
        withUnsafeMutableBytes(of: &bv) { bb in
            withUnsafeMutableBytes(of: &mv) { mb in
                let ip = ib.baseAddress!.assumingMemoryBound(to: Int32.self)
                let bp = bb.baseAddress!.assumingMemoryBound(to: Int32.self)
                let mp = mb.baseAddress!.assumingMemoryBound(to: Int32.self)
                for r in 0..<4 {
                    let lr = luma.row(y - 1 + r) + (x - 1)
                    let br = background + (y - 1 + r) * w + (x - 1)
                    let mr = mask.row(y - 1 + r) + (x - 1)
                    for c in 0..<4 {
                        ip[r * 4 + c] = Int32(lr[c])
                        bp[r * 4 + c] = Int32(br[c] >> 8)
                        mp[r * 4 + c] = mr[c] != 0 ? -1 : 0
                    }
                }
            }
        }
    }
    return withUnsafeBytes(of: &iv) { ib in
        withUnsafeBytes(of: &bv) { bb in
            withUnsafeBytes(of: &mv) { mb in
                let ip = ib.baseAddress!.assumingMemoryBound(to: Int32.self)
                let bp = bb.baseAddress!.assumingMemoryBound(to: Int32.self)
                let mp = mb.baseAddress!.assumingMemoryBound(to: Int32.self)
                var gi: Int32 = 0, gb: Int32 = 0, si: Int32 = 0, sb: Int32 = 0
                for r in 0..<3 {
                    for c in 0..<3 {
                        let k = r * 4 + c
                        let m0 = mp[k], mx = m0 & mp[k + 1], my = m0 & mp[k + 4]  // all ones when taken
                        let i0 = ip[k], b0 = bp[k]
                        let ix = ip[k + 1] &- i0, iy = ip[k + 4] &- i0
                        let bx = bp[k + 1] &- b0, by = bp[k + 4] &- b0
                        gi &+= ((ix < 0 ? 0 &- ix : ix) & mx) &+ ((iy < 0 ? 0 &- iy : iy) & my)
                        gb &+= ((bx < 0 ? 0 &- bx : bx) & mx) &+ ((by < 0 ? 0 &- by : by) & my)
                        si &+= i0 & m0
                        sb &+= b0 & m0
                    }
                }
                return sumsLoseTexture(gi: Int(gi), gb: Int(gb), si: Int(si), sb: Int(sb), p)
            }
        }
    }
}
