import VigieCore
import VigieTracking

/// A classical person detector (no neural network): a linear model over histograms of oriented
/// gradients (`HOGPersonModel`, `HOGFeatures`) slid over the frame's luma at every 8 pixels, on a
/// pyramid of sizes each `scaleStep` smaller (windows from 64x128 pixels to the frame's height),
/// windows scoring at least `threshold` grouped where they agree. A `Detector`:
/// give it to `TrackingPipeline` or `ScenePipeline` and its people are tracked beside the blobs
/// (or alone, `TrackingPipeline.tracksBlobs`), including those the background model has learnt
/// or never saw move.
///
/// The person fills the middle of a model's window (the pedestrian models are trained with a
/// margin round the body), so each detection is the window's `bodyWidth` across and `bodyHeight`
/// down, centred.
///
/// The smallest person found is the smallest window's body: 96 pixels tall (0.75 × 128). Cost
/// grows with the frame: analyse at a size where the people to find are at least that tall and
/// not much more.
public struct HOGPersonDetector: Detector, Sendable {
    /// How windows are searched and grouped.
    public struct Configuration: Sendable, Equatable {
        /// Each pyramid level is this much smaller than the one before. Default 1.05.
        public var scaleStep: Double = 1.05
        /// Levels at most. Default 64.
        public var maximumLevels = 64
        /// The least score of a window kept. Default 0 (the model's own decision boundary).
        public var threshold: Float = 0
        /// Windows agreeing with fewer others than this are dropped. Default 2 (3 windows at least).
        public var minimumNeighbours = 2
        /// Two windows agree when each edge is within this fraction of their size. Default 0.2.
        public var groupTolerance = 0.2
        /// The person's share of the window across. Default 0.5.
        public var bodyWidth = 0.5
        /// The person's share of the window down. Default 0.75.
        public var bodyHeight = 0.75

        /// Defaults as documented on each property.
        public init() {}

        /// Why the configuration cannot search, or nil.
        func problem() -> String? {
            if !(scaleStep > 1 && scaleStep <= 2) { return "scaleStep must be over 1 and at most 2, got \(scaleStep)" }
            if !(1...256).contains(maximumLevels) { return "maximumLevels must be 1…256, got \(maximumLevels)" }
            if !threshold.isFinite { return "threshold must be a finite number, got \(threshold)" }
            if minimumNeighbours < 0 { return "minimumNeighbours must not be negative, got \(minimumNeighbours)" }
            if !(groupTolerance >= 0 && groupTolerance <= 1) { return "groupTolerance must be 0…1, got \(groupTolerance)" }
            if !(bodyWidth > 0 && bodyWidth <= 1) { return "bodyWidth must be over 0 and at most 1, got \(bodyWidth)" }
            if !(bodyHeight > 0 && bodyHeight <= 1) { return "bodyHeight must be over 0 and at most 1, got \(bodyHeight)" }
            return nil
        }
    }

    /// A configuration the detector cannot search with.
    public struct ConfigurationError: Error, Equatable, Sendable, CustomStringConvertible {
        /// What is wrong, naming the setting.
        public let reason: String
        public var description: String { "HOG person detector: \(reason)" }
    }

    /// The linear model.
    public let model: HOGPersonModel
    /// How windows are searched and grouped.
    public let configuration: Configuration

    /// A detector with `model` and the default configuration.
    public init(model: HOGPersonModel) {
        self.model = model
        self.configuration = Configuration()
    }

    /// A detector with `model` and `configuration`.
    /// - Throws: `ConfigurationError` naming a setting out of its range.
    public init(model: HOGPersonModel, configuration: Configuration) throws(ConfigurationError) {
        if let reason = configuration.problem() { throw ConfigurationError(reason: reason) }
        self.model = model
        self.configuration = configuration
    }

    /// One window that scored, in pixels of the frame, before grouping.
    struct Window {
        var x, y, width, height: Double
        var score: Float
    }

    /// The people in `frame` (luma only), class `"person"`, confidence the group's best score
    /// clamped to 0…1.
    public mutating func detect(_ frame: Frame) -> [Detection] {
        let pixels = frame.luma.packedPixels
        let windows = Self.windows(pixels: pixels, width: frame.width, height: frame.height, model: model,
                                   configuration: configuration)
        return Self.group(windows, configuration: configuration).compactMap { w in
            let bw = w.width * configuration.bodyWidth, bh = w.height * configuration.bodyHeight
            let left = max(0, Int((w.x + (w.width - bw) / 2).rounded())), top = max(0, Int((w.y + (w.height - bh) / 2).rounded()))
            let right = min(frame.width, Int((w.x + (w.width + bw) / 2).rounded()))
            let bottom = min(frame.height, Int((w.y + (w.height + bh) / 2).rounded()))
            guard right > left, bottom > top else { return nil }
            return Detection(box: PixelRect(x: left, y: top, width: right - left, height: bottom - top),
                             objectClass: "person", confidence: Double(min(1, max(0, w.score))))
        }
    }

    /// Every window scoring at least the threshold, over the pyramid.
    static func windows(pixels: [UInt8], width: Int, height: Int, model: HOGPersonModel,
                        configuration: Configuration) -> [Window] {
        var found: [Window] = []
        var scale = 1.0
        for _ in 0..<configuration.maximumLevels {
            let w = Int((Double(width) / scale).rounded()), h = Int((Double(height) / scale).rounded())
            guard w >= HOGPersonModel.windowWidth, h >= HOGPersonModel.windowHeight else { break }
            let level = scale == 1 ? pixels : resized(pixels, width: width, height: height, toWidth: w, height: h)
            let features = HOGFeatures(pixels: level, width: w, height: h)
            let sx = Double(width) / Double(w), sy = Double(height) / Double(h)
            let scores = hogWindowScores(features, weights: model.weights, bias: model.bias)
            let across = features.blocksAcross - HOGPersonModel.blocksAcross + 1
            for (i, s) in scores.enumerated() where s >= configuration.threshold {
                let bx = i % across, by = i / across
                found.append(Window(x: Double(bx * HOGFeatures.cell) * sx, y: Double(by * HOGFeatures.cell) * sy,
                                    width: Double(HOGPersonModel.windowWidth) * sx,
                                    height: Double(HOGPersonModel.windowHeight) * sy, score: s))
            }
            scale *= configuration.scaleStep
        }
        return found
    }

    /// Bilinear resampling (pixel centres aligned) of a grey image.
    static func resized(_ pixels: [UInt8], width: Int, height: Int, toWidth w: Int, height h: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: w * h)
        let fx = Float(width) / Float(w), fy = Float(height) / Float(h)
        var x0 = [Int](repeating: 0, count: w), ax = [Float](repeating: 0, count: w)
        for x in 0..<w {
            let sx = min(max((Float(x) + 0.5) * fx - 0.5, 0), Float(width - 1))
            x0[x] = min(Int(sx), max(width - 2, 0))
            ax[x] = sx - Float(x0[x])
        }
        for y in 0..<h {
            let sy = min(max((Float(y) + 0.5) * fy - 0.5, 0), Float(height - 1))
            let y0 = min(Int(sy), max(height - 2, 0)), ay = sy - Float(y0)
            let r0 = y0 * width, r1 = min(y0 + 1, height - 1) * width
            for x in 0..<w {
                let a = x0[x], b = min(a + 1, width - 1), t = ax[x]
                let top = Float(pixels[r0 + a]) * (1 - t) + Float(pixels[r0 + b]) * t
                let bottom = Float(pixels[r1 + a]) * (1 - t) + Float(pixels[r1 + b]) * t
                out[y * w + x] = UInt8(top * (1 - ay) + bottom * ay + 0.5)
            }
        }
        return out
    }

    /// Windows that agree (every edge within `groupTolerance` of their mean size) joined into one,
    /// their mean box with the best score; groups of `minimumNeighbours` windows or fewer dropped,
    /// and so is a group lying inside another (widened by `groupTolerance` of its size) that has
    /// more than 3 windows and more than it. Top to bottom, then left to right.
    static func group(_ windows: [Window], configuration: Configuration) -> [Window] {
        guard !windows.isEmpty else { return [] }
        var parent = Array(windows.indices)
        func root(_ i: Int) -> Int {
            var i = i
            while parent[i] != i { parent[i] = parent[parent[i]]; i = parent[i] }
            return i
        }
        let eps = configuration.groupTolerance
        for i in windows.indices {
            for j in windows.indices where j > i {
                let a = windows[i], b = windows[j]
                let delta = eps * (min(a.width, b.width) + min(a.height, b.height)) / 2
                if abs(a.x - b.x) <= delta, abs(a.y - b.y) <= delta, abs(a.x + a.width - b.x - b.width) <= delta,
                   abs(a.y + a.height - b.y - b.height) <= delta {
                    parent[root(i)] = root(j)
                }
            }
        }
        var sums: [Int: (window: Window, count: Int)] = [:]
        for (i, w) in windows.enumerated() {
            let r = root(i)
            if var s = sums[r] {
                s.window.x += w.x; s.window.y += w.y; s.window.width += w.width; s.window.height += w.height
                s.window.score = max(s.window.score, w.score)
                s.count += 1
                sums[r] = s
            } else {
                sums[r] = (w, 1)
            }
        }
        let groups = sums.values.map { s -> (window: Window, count: Int) in
            let n = Double(s.count)
            return (Window(x: s.window.x / n, y: s.window.y / n, width: s.window.width / n, height: s.window.height / n,
                           score: s.window.score), s.count)
        }.filter { $0.count > configuration.minimumNeighbours }.sorted {
            let a = $0.window, b = $1.window
            return (a.y, a.x, a.height, a.width, a.score) < (b.y, b.x, b.height, b.width, b.score)
        }
        return groups.enumerated().filter { i, g in
            !groups.enumerated().contains { j, other in
                guard j != i, other.count > max(3, g.count) else { return false }
                let dx = other.window.width * eps, dy = other.window.height * eps
                return g.window.x >= other.window.x - dx && g.window.y >= other.window.y - dy
                    && g.window.x + g.window.width <= other.window.x + other.window.width + dx
                    && g.window.y + g.window.height <= other.window.y + other.window.height + dy
            }
        }.map(\.element.window)
    }
}
