import Foundation

// The HOG detector's hot loops: each kernel works on raw pointers for speed and has a plain
// Swift reference beside it (`…Reference`) that tests compare it with (`HOGKernelTests`).

/// Unsigned orientation (0…π) of the vector (`dx`, `dy`), from a polynomial arctangent: absolute
/// error under 1e-6 radians (`HOGKernelTests`), no library call. (The edge pixels of a row; the
/// others go eight at a time.)
@inline(__always)
func unsignedAngle(_ dx: Float, _ dy: Float) -> Float {
    unsignedAngles(SIMD8(repeating: dx), SIMD8(repeating: dy))[0]
}

/// `unsignedAngle` of eight vectors at once: folded to dy ≥ 0 (the opposite vector has the same
/// unsigned orientation), then an odd minimax polynomial of degree 11 for atan on 0…1.
@inline(__always)
func unsignedAngles(_ dx: SIMD8<Float>, _ dy: SIMD8<Float>) -> SIMD8<Float> {
    let negative = dy .< 0
    let x = dx.replacing(with: -dx, where: negative), y = dy.replacing(with: -dy, where: negative)
    let ax = x.replacing(with: -x, where: x .< 0)
    let swap = y .> ax
    let numerator = ax.replacing(with: y, where: .!swap), denominator = y.replacing(with: ax, where: .!swap)
    let t = (numerator / denominator).replacing(with: 0, where: denominator .== 0)
    let t2 = t * t
    var a = SIMD8<Float>(repeating: -0.0040540580)
    a = a * t2 + 0.0218612288
    a = a * t2 - 0.0559098861
    a = a * t2 + 0.0964200441
    a = a * t2 - 0.1390853351
    a = a * t2 + 0.1994653599
    a = a * t2 - 0.3332985605
    a = (a * t2 + 0.9999993329) * t
    a = a.replacing(with: Float.pi / 2 - a, where: swap)
    return a.replacing(with: Float.pi - a, where: x .< 0)
}

/// Per pixel of a grey image: centred differences of its square-root levels (edges mirrored,
/// the edge pixel not repeated), magnitude, and unsigned orientation split between the two
/// nearest of 9 bins. Eight pixels at a time inside each row.
func hogGradients(_ pixels: [UInt8], width: Int, height: Int) -> HOGFeatures.Gradients {
    var g = HOGFeatures.Gradients(count: width * height)
    let binsPerRadian = Float(HOGFeatures.bins) / Float.pi
    let bins = HOGFeatures.bins
    // Square-root levels of the whole image, each pixel's once (every row is read as the one
    // above, in hand and below).
    var levels = [Float](repeating: 0, count: width * height)
    HOGFeatures.gamma.withUnsafeBufferPointer { gamma in
    pixels.withUnsafeBufferPointer { p in
    levels.withUnsafeMutableBufferPointer { rows in
    g.lowBin.withUnsafeMutableBufferPointer { lowBin in
    g.highBin.withUnsafeMutableBufferPointer { highBin in
    g.lowShare.withUnsafeMutableBufferPointer { lowShare in
    g.highShare.withUnsafeMutableBufferPointer { highShare in
        for i in 0..<(width * height) { rows[i] = gamma[Int(p[i])] }
        /// One pixel's bins and shares from its differences.
        @inline(__always) func store(_ i: Int, _ dx: Float, _ dy: Float) {
            let magnitude = (dx * dx + dy * dy).squareRoot()
            var position = unsignedAngle(dx, dy) * binsPerRadian - 0.5
            if position >= Float(bins) - 0.5 { position -= Float(bins) }
            let low = position < 0 ? -1 : Int(position)
            let fraction = position - Float(low)
            lowBin[i] = UInt8(low < 0 ? bins - 1 : low)
            highBin[i] = UInt8(low + 1 >= bins ? 0 : low + 1)
            lowShare[i] = magnitude * (1 - fraction)
            highShare[i] = magnitude * fraction
        }
        for y in 0..<height {
            let row = y * width
            let above = (y == 0 ? 1 : y - 1) * width, below = (y == height - 1 ? height - 2 : y + 1) * width
            let up = rows.baseAddress! + above, middle = rows.baseAddress! + row, down = rows.baseAddress! + below
            store(row, middle[1] - middle[1], down[0] - up[0])
            var x = 1
            while x + 8 <= width - 1 {
                let dx = UnsafeRawPointer(middle + x + 1).loadUnaligned(as: SIMD8<Float>.self)
                    - UnsafeRawPointer(middle + x - 1).loadUnaligned(as: SIMD8<Float>.self)
                let dy = UnsafeRawPointer(down + x).loadUnaligned(as: SIMD8<Float>.self)
                    - UnsafeRawPointer(up + x).loadUnaligned(as: SIMD8<Float>.self)
                let magnitude = (dx * dx + dy * dy).squareRoot()
                var position = unsignedAngles(dx, dy) * binsPerRadian - 0.5
                position = position.replacing(with: position - Float(bins), where: position .>= Float(bins) - 0.5)
                let low = position.rounded(.down)
                let fraction = position - low
                let lowShares = magnitude * (1 - fraction), highShares = magnitude * fraction
                for k in 0..<8 {
                    let l = Int(low[k])
                    lowBin[row + x + k] = UInt8(l < 0 ? bins - 1 : l)
                    highBin[row + x + k] = UInt8(l + 1 >= bins ? 0 : l + 1)
                }
                UnsafeMutableRawPointer(lowShare.baseAddress! + row + x).storeBytes(of: lowShares, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(highShare.baseAddress! + row + x).storeBytes(of: highShares, as: SIMD8<Float>.self)
                x += 8
            }
            while x < width {
                let right = x == width - 1 ? width - 2 : x + 1
                store(row + x, middle[right] - middle[x - 1], down[x] - up[x])
                x += 1
            }
        }
    }}}}}}}
    return g
}

/// `hogGradients` in plain Swift with `atan2f`.
func hogGradientsReference(_ pixels: [UInt8], width: Int, height: Int) -> HOGFeatures.Gradients {
    var g = HOGFeatures.Gradients(count: width * height)
    let binsPerRadian = Float(HOGFeatures.bins) / Float.pi
    for y in 0..<height {
        let up = (y == 0 ? 1 : y - 1) * width, down = (y == height - 1 ? height - 2 : y + 1) * width
        let row = y * width
        for x in 0..<width {
            let left = x == 0 ? 1 : x - 1, right = x == width - 1 ? width - 2 : x + 1
            let dx = HOGFeatures.gamma[Int(pixels[row + right])] - HOGFeatures.gamma[Int(pixels[row + left])]
            let dy = HOGFeatures.gamma[Int(pixels[down + x])] - HOGFeatures.gamma[Int(pixels[up + x])]
            let magnitude = (dx * dx + dy * dy).squareRoot()
            var angle = atan2f(dy, dx)
            if angle < 0 { angle += Float.pi }
            if angle >= Float.pi { angle -= Float.pi }
            let position = angle * binsPerRadian - 0.5
            var low = Int(position.rounded(.down))
            let fraction = position - Float(low)
            if low < 0 { low += HOGFeatures.bins }
            if low >= HOGFeatures.bins { low -= HOGFeatures.bins }
            g.lowBin[row + x] = UInt8(low)
            g.highBin[row + x] = UInt8(low + 1 == HOGFeatures.bins ? 0 : low + 1)
            g.lowShare[row + x] = magnitude * (1 - fraction)
            g.highShare[row + x] = magnitude * fraction
        }
    }
    return g
}

/// L2 norm (with a floor of 0.1 per value), clip at 0.2, L2 norm again, of `count` values.
@inline(__always)
func normaliseL2Hys(_ h: UnsafeMutablePointer<Float>, count: Int) {
    var sum: Float = 0
    for k in 0..<count { sum += h[k] * h[k] }
    var scale = 1 / (sum.squareRoot() + 0.1 * Float(count))
    sum = 0
    for k in 0..<count {
        let v = min(h[k] * scale, 0.2)
        h[k] = v
        sum += v * v
    }
    scale = 1 / (sum.squareRoot() + 1e-3)
    for k in 0..<count { h[k] *= scale }
}

/// Every block's normalised histogram (blocks every 8 pixels, column after column).
///
/// A pixel's weight in a block's cell is a product of a factor of its column and one of its row
/// (the Gaussian and the bilinear shares both separate), so each block column first sums every
/// image row across its 16 pixels, per cell column and bin (18 values a row, shared by the two
/// blocks over that row), then each block sums its 16 rows of those with the row factors.
func hogBlockHistograms(_ g: HOGFeatures.Gradients, width: Int, blocksAcross: Int, blocksDown: Int) -> [Float] {
    let length = HOGFeatures.blockLength, bins = HOGFeatures.bins
    let height = (blocksDown - 1) * HOGFeatures.cell + 16
    var blocks = [Float](repeating: 0, count: blocksAcross * blocksDown * length)
    var rowSums = [Float](repeating: 0, count: height * 2 * bins)
    HOGFeatures.axisWeights.withUnsafeBufferPointer { axis in
    g.lowBin.withUnsafeBufferPointer { lowBin in
    g.highBin.withUnsafeBufferPointer { highBin in
    g.lowShare.withUnsafeBufferPointer { lowShare in
    g.highShare.withUnsafeBufferPointer { highShare in
    rowSums.withUnsafeMutableBufferPointer { sums in
    blocks.withUnsafeMutableBufferPointer { out in
        for bx in 0..<blocksAcross {
            let left = bx * HOGFeatures.cell
            sums.update(repeating: 0)
            for y in 0..<height {
                let r = sums.baseAddress! + y * 2 * bins
                let row = y * width + left
                for x in 0..<16 {
                    let p = row + x
                    let low = Int(lowBin[p]), high = Int(highBin[p])
                    let w0 = axis[x * 2], w1 = axis[x * 2 + 1]
                    let ls = lowShare[p], hs = highShare[p]
                    r[low] += ls * w0
                    r[high] += hs * w0
                    r[bins + low] += ls * w1
                    r[bins + high] += hs * w1
                }
            }
            for by in 0..<blocksDown {
                let h = out.baseAddress! + (bx * blocksDown + by) * length
                for y in 0..<16 {
                    let r = sums.baseAddress! + (by * HOGFeatures.cell + y) * 2 * bins
                    let w0 = axis[y * 2], w1 = axis[y * 2 + 1]
                    // Cell (cx, cy) starts at (cx * 2 + cy) * 9.
                    for b in 0..<bins {
                        h[b] += r[b] * w0
                        h[bins + b] += r[b] * w1
                        h[2 * bins + b] += r[bins + b] * w0
                        h[3 * bins + b] += r[bins + b] * w1
                    }
                }
                normaliseL2Hys(h, count: length)
            }
        }
    }}}}}}}
    return blocks
}

/// `hogBlockHistograms` in plain Swift.
func hogBlockHistogramsReference(_ g: HOGFeatures.Gradients, width: Int, blocksAcross: Int, blocksDown: Int) -> [Float] {
    let length = HOGFeatures.blockLength
    var blocks = [Float](repeating: 0, count: blocksAcross * blocksDown * length)
    for bx in 0..<blocksAcross {
        for by in 0..<blocksDown {
            var h = [Float](repeating: 0, count: length)
            for y in 0..<16 {
                for x in 0..<16 {
                    let p = (by * HOGFeatures.cell + y) * width + bx * HOGFeatures.cell + x
                    for v in 0..<4 {
                        let t = (y * 16 + x) * 4 + v
                        let o = Int(HOGFeatures.voteOffsets[t]), w = HOGFeatures.voteWeights[t]
                        h[o + Int(g.lowBin[p])] += g.lowShare[p] * w
                        h[o + Int(g.highBin[p])] += g.highShare[p] * w
                    }
                }
            }
            let norm1 = h.reduce(0) { $0 + $1 * $1 }.squareRoot() + 0.1 * Float(length)
            h = h.map { min($0 / norm1, 0.2) }
            let norm2 = h.reduce(0) { $0 + $1 * $1 }.squareRoot() + 1e-3
            for k in 0..<length { blocks[(bx * blocksDown + by) * length + k] = h[k] / norm2 }
        }
    }
    return blocks
}

/// The score (`bias` + weights · window) of every 64x128 window, windows every 8 pixels, row
/// after row: `(blocksAcross − 6) × (blocksDown − 14)` scores. A window's blocks are 7 runs of
/// 15 consecutive blocks (one per block column), each matching 540 consecutive weights.
func hogWindowScores(_ features: HOGFeatures, weights: [Float], bias: Float) -> [Float] {
    let across = features.blocksAcross - HOGPersonModel.blocksAcross + 1
    let down = features.blocksDown - HOGPersonModel.blocksDown + 1
    guard across > 0, down > 0 else { return [] }
    let run = HOGPersonModel.blocksDown * HOGFeatures.blockLength  // 540
    var scores = [Float](repeating: 0, count: across * down)
    features.blocks.withUnsafeBufferPointer { blocks in
    weights.withUnsafeBufferPointer { w in
    scores.withUnsafeMutableBufferPointer { out in
        let b = UnsafeRawPointer(blocks.baseAddress!), wr = UnsafeRawPointer(w.baseAddress!)
        for wy in 0..<down {
            for wx in 0..<across {
                var acc = SIMD8<Float>.zero
                for column in 0..<HOGPersonModel.blocksAcross {
                    let start = ((wx + column) * features.blocksDown + wy) * HOGFeatures.blockLength
                    let bp = b + start * 4, wp = wr + column * run * 4
                    var k = 0
                    while k + 8 <= run {
                        acc += bp.loadUnaligned(fromByteOffset: k * 4, as: SIMD8<Float>.self)
                            * wp.loadUnaligned(fromByteOffset: k * 4, as: SIMD8<Float>.self)
                        k += 8
                    }
                    while k < run {
                        acc[0] += bp.load(fromByteOffset: k * 4, as: Float.self) * wp.load(fromByteOffset: k * 4, as: Float.self)
                        k += 1
                    }
                }
                out[wy * across + wx] = bias + acc.sum()
            }
        }
    }}}
    return scores
}

/// `hogWindowScores` in plain Swift, one window at a time.
func hogWindowScoresReference(_ features: HOGFeatures, weights: [Float], bias: Float) -> [Float] {
    let across = features.blocksAcross - HOGPersonModel.blocksAcross + 1
    let down = features.blocksDown - HOGPersonModel.blocksDown + 1
    guard across > 0, down > 0 else { return [] }
    var scores: [Float] = []
    for wy in 0..<down {
        for wx in 0..<across {
            let window = features.window(blockX: wx, blockY: wy)
            scores.append(bias + zip(window, weights).reduce(0) { $0 + $1.0 * $1.1 })
        }
    }
    return scores
}
