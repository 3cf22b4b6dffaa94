import VigieCore

/// Structure measurements of one static region, comparing the frame with the long-term background.
struct RegionStatistics: Sendable, Hashable {
    /// Zero-mean correlation of frame and background luma over the region's static pixels, −1…1
    /// (0 when either is flat).
    var correlation: Double
    /// Luma standard deviation over the static pixels: frame, background (levels).
    var frameDeviation: Double
    var referenceDeviation: Double
    /// Mean gradient magnitude (|∂x| + |∂y|, levels) along the region's outline: frame, background.
    var frameEdge: Double
    var referenceEdge: Double
    /// Fraction of the static pixels whose luma changed since the previous analysis (moving inside).
    var movingFraction: Double
}

/// The analysis-size images a region is measured on (packed rows, `width` pixels each).
struct RegionImage {
    let width: Int
    let height: Int
    /// Luma change between analyses that counts as motion, levels.
    let motionThreshold: Int
    /// Frame luma.
    let frame: [UInt8]
    /// Long-term background luma.
    let reference: [UInt8]
    /// Cleaned static foreground (0/255).
    let staticMask: [UInt8]
    /// Frame luma of the previous analysis.
    let previous: [UInt8]

    /// The measurements of the static pixels inside `box`.
    func statistics(in box: PixelRect) -> RegionStatistics {
        let x0 = max(0, box.x), y0 = max(0, box.y)
        let x1 = min(width, box.x + box.width), y1 = min(height, box.y + box.height)
        var n = 0.0, sf = 0.0, sr = 0.0, sff = 0.0, srr = 0.0, sfr = 0.0
        var edges = 0.0, ef = 0.0, er = 0.0
        var moving = 0
        for y in y0..<y1 {
            for x in x0..<x1 {
                let i = y * width + x
                guard staticMask[i] != 0 else { continue }
                if abs(Int(frame[i]) - Int(previous[i])) > motionThreshold { moving += 1 }
                let f = Double(frame[i]), r = Double(reference[i])
                n += 1; sf += f; sr += r; sff += f * f; srr += r * r; sfr += f * r
                // Outline: a static pixel with a non-static 4-neighbour (or the image border).
                let outline = x == 0 || y == 0 || x == width - 1 || y == height - 1
                    || staticMask[i - 1] == 0 || staticMask[i + 1] == 0 || staticMask[i - width] == 0
                    || staticMask[i + width] == 0
                if outline {
                    edges += 1
                    ef += gradient(frame, x, y)
                    er += gradient(reference, x, y)
                }
            }
        }
        guard n > 1 else {
            return RegionStatistics(correlation: 0, frameDeviation: 0, referenceDeviation: 0, frameEdge: 0,
                                    referenceEdge: 0, movingFraction: Double(moving) / max(1, n))
        }
        let vf = max(0, sff / n - (sf / n) * (sf / n)), vr = max(0, srr / n - (sr / n) * (sr / n))
        let cov = sfr / n - (sf / n) * (sr / n)
        let correlation = vf > 0 && vr > 0 ? cov / (vf * vr).squareRoot() : 0
        return RegionStatistics(correlation: correlation, frameDeviation: vf.squareRoot(),
                                referenceDeviation: vr.squareRoot(), frameEdge: ef / max(1, edges),
                                referenceEdge: er / max(1, edges), movingFraction: Double(moving) / max(1, n))
    }

    /// |∂x| + |∂y| by central differences (one-sided at the border), levels.
    private func gradient(_ image: [UInt8], _ x: Int, _ y: Int) -> Double {
        let xa = max(0, x - 1), xb = min(width - 1, x + 1), ya = max(0, y - 1), yb = min(height - 1, y + 1)
        let dx = abs(Int(image[y * width + xb]) - Int(image[y * width + xa]))
        let dy = abs(Int(image[yb * width + x]) - Int(image[ya * width + x]))
        return Double(dx + dy) / 2
    }
}
