import Foundation

/// Histograms of oriented gradients (Dalal & Triggs, CVPR 2005) over one grey image, in the
/// layout of the published pedestrian models: 8x8-pixel cells, 9 unsigned orientation bins over
/// 0–180°, blocks of 2x2 cells every 8 pixels, each pixel's vote shared between the two nearest
/// bins and the (up to) four nearest cells of its block and weighted by a Gaussian over the block
/// (σ = 4 pixels, centred on the block's middle pixel corner), square-root gamma on the input,
/// centred differences (edges mirrored), and L2-Hys block normalisation (clipped at 0.2). A 64x128
/// window is 7x15 blocks: 3,780 values, blocks column by column and, in a block, cells column by
/// column, 9 bins each.
///
/// Only gradients are kept, for the frame in hand: nothing here describes a person beyond "an
/// upright body's outline is here", nothing is compared between people and nothing is kept
/// between frames.
struct HOGFeatures {
    /// Pixels per cell side, and between two blocks.
    static let cell = 8
    /// Orientation bins.
    static let bins = 9
    /// Values per block (2x2 cells).
    static let blockLength = 36

    /// Blocks across and down (one every 8 pixels).
    let blocksAcross: Int
    let blocksDown: Int
    /// The normalised block histograms, `blockLength` values per block, column after column of
    /// blocks: block (x, y) starts at `(x * blocksDown + y) * blockLength`.
    let blocks: [Float]

    /// Per pixel: the two bins its orientation falls between and its magnitude's share of each.
    struct Gradients: Equatable {
        var lowBin: [UInt8]
        var highBin: [UInt8]
        var lowShare: [Float]
        var highShare: [Float]

        init(count: Int) {
            lowBin = [UInt8](repeating: 0, count: count)
            highBin = [UInt8](repeating: 0, count: count)
            lowShare = [Float](repeating: 0, count: count)
            highShare = [Float](repeating: 0, count: count)
        }
    }

    /// The histograms of a `width`x`height` grey image (`pixels` row after row, at least 16x16).
    init(pixels: [UInt8], width: Int, height: Int) {
        precondition(pixels.count == width * height && width >= 16 && height >= 16)
        blocksAcross = (width - 16) / Self.cell + 1
        blocksDown = (height - 16) / Self.cell + 1
        let g = hogGradients(pixels, width: width, height: height)
        blocks = hogBlockHistograms(g, width: width, blocksAcross: blocksAcross, blocksDown: blocksDown)
    }

    /// The 3,780 values of the 64x128 window whose top-left block is (`blockX`, `blockY`), in the
    /// models' order.
    func window(blockX: Int, blockY: Int) -> [Float] {
        var values: [Float] = []
        values.reserveCapacity(HOGPersonModel.length)
        for bx in 0..<HOGPersonModel.blocksAcross {
            let base = ((blockX + bx) * blocksDown + blockY) * Self.blockLength
            values.append(contentsOf: blocks[base..<base + HOGPersonModel.blocksDown * Self.blockLength])
        }
        return values
    }

    // MARK: Tables

    /// Square root of each grey level (the gamma correction of the published models).
    static let gamma: [Float] = (0..<256).map { Float($0).squareRoot() }

    /// The pixel's factor for cell 0 and cell 1 at each of a block's 16 positions along one axis:
    /// the one-dimensional Gaussian (σ = 4, centred at 8) times the bilinear share of the cell
    /// (0 where it does not reach). A pixel's weight in cell (cx, cy) is the product of its
    /// column's factor for cx and its row's for cy.
    static let axisWeights: [Float] = (0..<16).flatMap { i -> [Float] in
        let d = Float(i) - 8
        let gauss = expf(-d * d / (2 * 4 * 4))
        let c = (Float(i) + 0.5) / Float(cell) - 0.5
        let c0 = Int(c.rounded(.down)), f = c - Float(c0)
        return [0, 1].map { k -> Float in
            let share: Float = c0 == k ? 1 - f : (c0 + 1 == k ? f : 0)
            return gauss * share
        }
    }

    /// For each of a block's 16x16 pixel positions (row after row), four votes: the value offset
    /// of a cell's first bin and the pixel's weight there (the Gaussian over the block times the
    /// bilinear share of the cell; 0 for a cell it does not reach).
    static let voteOffsets: [Int32] = voteTable.offsets
    /// The weights that go with `voteOffsets`.
    static let voteWeights: [Float] = voteTable.weights

    private static let voteTable: (offsets: [Int32], weights: [Float]) = {
        var offsets: [Int32] = [], weights: [Float] = []
        let sigma: Float = 4
        for y in 0..<16 {
            for x in 0..<16 {
                let dx = Float(x) - 8, dy = Float(y) - 8
                let gauss = expf(-(dx * dx + dy * dy) / (2 * sigma * sigma))
                let cellX = (Float(x) + 0.5) / Float(cell) - 0.5, cellY = (Float(y) + 0.5) / Float(cell) - 0.5
                let cx0 = Int(cellX.rounded(.down)), cy0 = Int(cellY.rounded(.down))
                let fx = cellX - Float(cx0), fy = cellY - Float(cy0)
                for (cx, wx) in [(cx0, 1 - fx), (cx0 + 1, fx)] {
                    for (cy, wy) in [(cy0, 1 - fy), (cy0 + 1, fy)] {
                        let inside = cx >= 0 && cx < 2 && cy >= 0 && cy < 2
                        offsets.append(inside ? Int32((cx * 2 + cy) * bins) : 0)
                        weights.append(inside ? gauss * wx * wy : 0)
                    }
                }
            }
        }
        return (offsets, weights)
    }()
}
