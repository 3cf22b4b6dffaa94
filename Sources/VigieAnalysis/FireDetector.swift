import Foundation
import VigieCore
import VigieKernels

/// Fire candidates of one frame: geometry and measurements only.
public struct FireCues: Sendable {
    /// Regions with fire colours and fire behaviour, largest first.
    public var regions: [FireRegion]

    /// Cues with the given regions.
    public init(regions: [FireRegion] = []) { self.regions = regions }

    /// Fraction of the frame (0…1) covered by the flickering cells of all regions.
    public var coveredFraction: Double { regions.reduce(0) { $0 + $1.areaFraction } }
}

/// One region with fire colours and fire behaviour (irregular flicker beside a steady
/// fire-coloured core).
public struct FireRegion: Sendable, Hashable {
    /// Extent in frame pixels (the bounds of its flickering cells).
    public var box: PixelRect
    /// Confidence, 0…1: how strongly its cells flicker and how irregularly.
    public var score: Double
    /// Fraction of the frame area (0…1) its flickering cells cover.
    public var areaFraction: Double
    /// Mean flicker activity of its cells, 0…1: the fraction of recent frames whose cell luma
    /// changed by more than the dead band.
    public var flicker: Double
    /// Mean irregularity of its cells: coefficient of variation of the intervals between luma
    /// peaks (0 for a periodic beacon, about 0.5 or more for flames).
    public var irregularity: Double

    /// A region from its measurements.
    public init(box: PixelRect, score: Double, areaFraction: Double = 0, flicker: Double = 0, irregularity: Double = 0) {
        self.box = box
        self.score = score
        self.areaFraction = areaFraction
        self.flicker = flicker
        self.irregularity = irregularity
    }
}

/// Finds fire in YCbCr frames from colour and irregular flicker, on a coarse grid of cells.
///
/// ```
/// frame ─▶ cell means (Y, Cb, Cr) ─▶ fire colour? ─▶ per-cell time series (EMA, ~1–2 s)
///                                                     ├ colour persistence (fast, slow)
///                                                     ├ flicker activity (|ΔY| > dead band)
///                                                     └ irregularity (CV of peak-to-peak intervals)
///          flickering cells ─▶ 8-connected regions ─▶ kept if anchored to a steady fire-coloured core
/// ```
///
/// - **Colour** (after Çelik & Demirel 2009, on cell means): Y > Cb, Cr > Cb, Cr − Cb at least
///   ``Configuration/minChromaDifference``, Y at least the frame's mean luma and
///   ``Configuration/minLuma``, Cr at least the frame's mean Cr. White headlights and their
///   reflections fail (low chroma), blue beacons fail (Cb > Cr). Chroma is tested first: the luma
///   of a row of cells is read only when one of its cells has fire chroma or is being followed
///   (the frame's mean luma comes from one row of cells in four), so a frame without fire chroma
///   reads a quarter of its luma.
/// - **Flicker**: a cell's mean luma changes by more than the dead band on a good part of the
///   frames. A lit sign has fire colours but no flicker.
/// - **Irregularity**: the intervals between luma peaks of a flame vary; those of a blinking or
///   rotating beacon do not (one frequency). Measured as their coefficient of variation.
/// - **Anchor**: flames sit on a core that keeps fire colours for seconds; a person in orange
///   clothes walking past colours each cell for a moment only.
///
/// Time constants are in seconds from frame timestamps, so the detector works at any frame rate.
/// Luma-only frames have no colour: they give no regions.
public struct FireDetector {
    /// Thresholds and time constants. The defaults are general (chosen from the published colour
    /// rules and the physics of flicker, not tuned to one clip); see `Documentation/Rules.md`.
    public struct Configuration: Sendable, Hashable {
        /// Side of a cell in luma pixels (even, 2…16); nil: chosen from the frame width so the grid
        /// is about 100–130 cells wide (4 px up to 520 px wide, 6 px at 768, 16 px at 1920).
        public var cellSize: Int? = nil
        /// Minimum Cr − Cb of a fire-coloured cell (8-bit levels).
        public var minChromaDifference: Double = 40
        /// Minimum mean luma of a fire-coloured cell.
        public var minLuma: Double = 80
        /// Change of a cell's mean luma between frames that counts as flicker (8-bit levels).
        public var deadBand: Double = 5
        /// Time constant of the fast averages (colour, flicker activity), seconds.
        public var window: Double = 1
        /// Time constant of the slow colour average (the anchor), seconds.
        public var anchorWindow: Double = 1
        /// Minimum fraction of recent frames in which a flickering cell was fire-coloured.
        public var minColour: Double = 0.3
        /// Minimum slow colour average of a region's anchor cell (it or a neighbour of one of its
        /// flickering cells).
        public var minAnchor: Double = 0.8
        /// Minimum flicker activity of a flickering cell.
        public var minFlicker: Double = 0.25
        /// Minimum coefficient of variation of a cell's peak-to-peak intervals.
        public var minIrregularity: Double = 0.25
        /// Minimum number of flickering cells in a region.
        public var minCells: Int = 3

        /// The defaults.
        public init() {}

        /// The cell size used for frames `width` pixels wide.
        public func cellSize(forWidth width: Int) -> Int {
            if let cellSize { return cellSize }
            return min(16, max(4, (width / 120) & ~1))
        }
    }

    /// The settings in use.
    public let configuration: Configuration

    private var grid: Grid?
    private var lastTime: Timestamp?

    /// Fraction of the rows of cells whose luma was read at the last frame (for tests and
    /// benchmarks: chroma decides first).
    package var lumaRowFraction: Double {
        guard let grid, grid.rows > 0 else { return 0 }
        return Double(grid.lumaRows.count { $0 }) / Double(grid.rows)
    }

    /// A detector with the given settings.
    public init(configuration: Configuration = Configuration()) {
        precondition(configuration.cellSize.map { $0 >= 2 && $0 <= 16 && $0 % 2 == 0 } ?? true,
                     "fire cell size must be even, 2…16, got \(String(describing: configuration.cellSize))")
        self.configuration = configuration
    }

    /// One frame's fire candidates.
    /// - Throws: `FrameError` when the frame size changes or time does not advance.
    public mutating func process(_ frame: Frame) throws(FrameError) -> FireCues {
        guard let cb = frame.cb, let cr = frame.cr else { return FireCues() }
        if let grid, grid.width != frame.width || grid.height != frame.height {
            throw .frameSizeChanged(expectedWidth: grid.width, expectedHeight: grid.height,
                                width: frame.width, height: frame.height)
        }
        if let lastTime, frame.timestamp <= lastTime {
            throw .nonMonotonicTimestamp(previous: lastTime, current: frame.timestamp)
        }
        let dt = lastTime.map { frame.timestamp.seconds - $0.seconds } ?? 0
        lastTime = frame.timestamp
        if grid == nil {
            grid = Grid(width: frame.width, height: frame.height, cell: configuration.cellSize(forWidth: frame.width))
        }
        return grid!.update(luma: frame.luma, cb: cb, cr: cr, time: frame.timestamp.seconds, dt: dt, configuration)
    }
}

extension FireDetector: CustomStringConvertible {
    /// Settings only, never state.
    public var description: String { "FireDetector(cell \(grid.map { "\($0.cell)" } ?? "auto") px)" }
}

/// One cell's time series summary (32 bytes).
private struct Cell {
    var previousY: Float = 0
    var colourFast: Float = 0, colourSlow: Float = 0, activity: Float = 0
    var lastPeak: Float = -1
    var intervalMean: Float = 0, intervalSquare: Float = 0
    var lastSign: Int8 = 0
    var wasFireColour = false
    var peaks: UInt8 = 0
    var flickering = false

    /// Coefficient of variation of the peak-to-peak intervals.
    var irregularity: Float {
        let m = intervalMean
        guard m > 0 else { return 0 }
        return max(0, intervalSquare - m * m).squareRoot() / m
    }
}

/// The per-cell state, allocated at the first frame.
private struct Grid {
    let width: Int, height: Int, cell: Int
    let columns: Int, rows: Int
    var sumY: [UInt32], sumCb: [UInt32], sumCr: [UInt32]
    var cells: [Cell]
    /// Cells whose state is at rest (see `update`); they cost one colour test per frame.
    var dormant: [Bool]
    /// Per cell, this frame: whether its chroma has fire colours (tested once, read twice).
    var fireChroma: [Bool]
    var label: [Int32]
    var stack: [Int32]
    /// Per row of cells: whether its luma is summed this frame.
    var lumaRows: [Bool]
    var frames = 0
    /// Rows of cells whose luma is always summed, for the frame's mean luma: one in `meanRowStep`.
    static let meanRowStep = 4

    init(width: Int, height: Int, cell: Int) {
        self.width = width
        self.height = height
        self.cell = cell
        columns = width / cell
        rows = height / cell
        let n = columns * rows
        sumY = Array(repeating: 0, count: n)
        sumCb = sumY
        sumCr = sumY
        cells = Array(repeating: Cell(), count: n)
        dormant = Array(repeating: true, count: n)
        fireChroma = Array(repeating: false, count: n)
        label = Array(repeating: 0, count: n)
        stack = []
        stack.reserveCapacity(n)
        lumaRows = Array(repeating: false, count: rows)
    }

    /// Chroma rows summed per cell: every other row of the cell's `cell / 2` chroma rows.
    var chromaStep: Int { cell >= 4 ? 2 : 1 }

    /// Sums the chroma of every cell (every other chroma row: colour is smooth within a flame).
    mutating func measureChroma(cb: Plane, cr: Plane) {
        let half = cell / 2, columns = columns, rows = rows, step = chromaStep
        cb.withView { v in
            sumCb.withUnsafeMutableBufferPointer { cellSums(v, cell: half, columns: columns, rows: rows, rowStep: step, into: $0) }
        }
        cr.withView { v in
            sumCr.withUnsafeMutableBufferPointer { cellSums(v, cell: half, columns: columns, rows: rows, rowStep: step, into: $0) }
        }
    }

    /// Sums the luma of the cells of the rows flagged in `lumaRows` (even pixel rows only: a
    /// flame spans many rows); the other rows' sums are left as they were and not read.
    mutating func measureLuma(_ luma: Plane) {
        let cell = cell, columns = columns
        luma.withView { v in
            sumY.withUnsafeMutableBufferPointer { sums in
                var r = 0
                while r < rows {
                    guard lumaRows[r] else { r += 1; continue }
                    var end = r + 1
                    while end < rows && lumaRows[end] { end += 1 }
                    // One call per run of flagged rows of cells.
                    let band = ImageView(base: v.row(r * cell), width: v.width, height: (end - r) * cell, stride: v.stride)
                    cellSums(band, cell: cell, columns: columns, rows: end - r, rowStep: 2,
                             into: UnsafeMutableBufferPointer(rebasing: sums[(r * columns)...]))
                    r = end
                }
            }
        }
    }

    /// One frame: chroma of every cell first; luma only for the rows of cells where it can matter
    /// (a cell with fire chroma, or one whose state is not at rest) and for one row in
    /// `meanRowStep` (the frame's mean luma). A frame without fire chroma reads a quarter of its luma.
    mutating func update(luma: Plane, cb: Plane, cr: Plane, time: Double, dt: Double,
                         _ c: FireDetector.Configuration) -> FireCues {
        let n = columns * rows
        guard n > 0 else { return FireCues() }
        // Means from sums over the rows read: luma, the even rows of the cell; chroma, one row in
        // `chromaStep` of its `cell / 2` rows.
        let half = cell / 2, chromaRows = (half + chromaStep - 1) / chromaStep
        let lumaScale = 2 / Float(cell * cell), chromaScale = 1 / Float(chromaRows * half)
        measureChroma(cb: cb, cr: cr)
        // Frame mean of Cr (Çelik's "redder than the scene").
        var totalCr: UInt64 = 0
        for i in 0..<n { totalCr &+= UInt64(sumCr[i]) }
        let meanCr = Float(totalCr) / Float(n) * chromaScale
        let minDifference = Float(c.minChromaDifference)
        let first = frames == 0
        // Each cell's chroma test, and which rows of cells need luma.
        for r in 0..<rows {
            var needed = first || r % Self.meanRowStep == 0
            for i in (r * columns)..<(r * columns + columns) {
                let b = Float(sumCb[i]) * chromaScale, red = Float(sumCr[i]) * chromaScale
                fireChroma[i] = red > b && red - b >= minDifference && red >= meanCr
                needed = needed || fireChroma[i] || !dormant[i]
            }
            lumaRows[r] = needed
        }
        measureLuma(luma)
        // Frame mean of Y (Çelik's "brighter than the scene"), over the sampled rows of cells.
        var totalY: UInt64 = 0, sampled = 0
        for r in stride(from: 0, to: rows, by: Self.meanRowStep) {
            for i in (r * columns)..<(r * columns + columns) { totalY &+= UInt64(sumY[i]) }
            sampled += columns
        }
        let meanY = Float(totalY) / Float(max(sampled, 1)) * lumaScale
        frames += 1
        let aFast = first ? 1 : Float(1 - exp(-dt / c.window))
        let aSlow = first ? 1 : Float(1 - exp(-dt / c.anchorWindow))
        let minLuma = max(Float(c.minLuma), meanY)
        let deadBand = Float(c.deadBand), now = Float(time), recent = Float(2 * c.window)
        let minColour = Float(c.minColour), minFlicker = Float(c.minFlicker)
        let minCV = Float(c.minIrregularity)
        var anyFlickering = false
        sumY.withUnsafeBufferPointer { sumY in
        sumCb.withUnsafeBufferPointer { sumCb in
        fireChroma.withUnsafeBufferPointer { fireChroma in
        cells.withUnsafeMutableBufferPointer { cells in
        dormant.withUnsafeMutableBufferPointer { dormant in
            for i in 0..<n {
                // The common case: a dormant cell (no fire colours for a while, its averages at 0,
                // not flickering) without fire chroma now stays dormant, untouched; its luma was
                // not even summed. Its previous luma is not needed: flicker is only measured
                // between two fire-coloured frames.
                if !fireChroma[i] && dormant[i] { continue }
                let b = Float(sumCb[i]) * chromaScale
                let y = Float(sumY[i]) * lumaScale  // summed: this cell's row was flagged
                let fireColour: Float = (fireChroma[i] && y >= minLuma && y > b) ? 1 : 0
                var s = cells[i]
                let lastY = s.previousY
                s.previousY = y
                s.colourFast += aFast * (fireColour - s.colourFast)
                s.colourSlow += aSlow * (fireColour - s.colourSlow)
                var changed: Float = 0
                if !first && fireColour > 0 && s.wasFireColour {
                    // Flicker inside fire colours only: a cell that loses them (someone walking in
                    // front of an orange wall) is occluded, not flickering; its peak chain restarts.
                    let d = y - lastY
                    if abs(d) > deadBand {
                        changed = 1
                        let sign: Int8 = d > 0 ? 1 : -1
                        if s.lastSign == 1 && sign == -1 {  // a luma peak
                            if s.lastPeak >= 0 {
                                let interval = now - s.lastPeak
                                if s.peaks < 2 {
                                    s.intervalMean = interval
                                    s.intervalSquare = interval * interval
                                } else {
                                    s.intervalMean += 0.2 * (interval - s.intervalMean)
                                    s.intervalSquare += 0.2 * (interval * interval - s.intervalSquare)
                                }
                            }
                            s.lastPeak = now
                            if s.peaks < 255 { s.peaks += 1 }
                        }
                        s.lastSign = sign
                    }
                } else {
                    s.lastSign = 0
                }
                s.wasFireColour = fireColour > 0
                s.activity += aFast * (changed - s.activity)
                s.flickering = s.colourFast >= minColour && s.activity >= minFlicker && s.peaks >= 3
                    && now - s.lastPeak <= recent && s.irregularity >= minCV
                anyFlickering = anyFlickering || s.flickering
                if fireColour == 0 && !s.flickering && s.colourFast < 0.01 && s.colourSlow < 0.01 && s.activity < 0.01 {
                    s.colourFast = 0
                    s.colourSlow = 0
                    s.activity = 0
                    dormant[i] = true
                } else {
                    dormant[i] = false
                }
                cells[i] = s
            }
        }
        }
        }
        }
        }
        guard anyFlickering else { return FireCues() }
        return regions(c)
    }

    /// 8-connected components of flickering cells, kept when anchored and large enough.
    mutating func regions(_ c: FireDetector.Configuration) -> FireCues {
        let n = columns * rows
        for i in 0..<n { label[i] = 0 }
        var found: [FireRegion] = []
        var next: Int32 = 0
        let minAnchor = Float(c.minAnchor)
        for start in 0..<n where cells[start].flickering && label[start] == 0 {
            next += 1
            label[start] = next
            stack.removeAll(keepingCapacity: true)
            stack.append(Int32(start))
            var count = 0, minX = columns, minY = rows, maxX = -1, maxY = -1
            var anchored = false
            var flickerSum: Float = 0, cvSum: Float = 0
            while let top = stack.popLast() {
                let i = Int(top), x = i % columns, y = i / columns
                count += 1
                flickerSum += cells[i].activity
                cvSum += cells[i].irregularity
                minX = min(minX, x); maxX = max(maxX, x); minY = min(minY, y); maxY = max(maxY, y)
                for dy in -1...1 {
                    let yy = y + dy
                    guard yy >= 0, yy < rows else { continue }
                    for dx in -1...1 {
                        let xx = x + dx
                        guard xx >= 0, xx < columns else { continue }
                        let j = yy * columns + xx
                        if cells[j].colourSlow >= minAnchor { anchored = true }
                        if cells[j].flickering && label[j] == 0 {
                            label[j] = next
                            stack.append(Int32(j))
                        }
                    }
                }
            }
            guard anchored, count >= c.minCells else { continue }
            let flicker = Double(flickerSum) / Double(count), cv = Double(cvSum) / Double(count)
            let score = min(1, flicker / 0.5) * min(1, cv / 0.6) * min(1, Double(count) / Double(2 * c.minCells))
            let box = PixelRect(x: minX * cell, y: minY * cell, width: (maxX - minX + 1) * cell,
                                height: (maxY - minY + 1) * cell)
            found.append(FireRegion(box: box, score: score,
                                    areaFraction: Double(count * cell * cell) / Double(width * height),
                                    flicker: flicker, irregularity: cv))
        }
        found.sort { $0.areaFraction > $1.areaFraction }
        return FireCues(regions: found)
    }
}
