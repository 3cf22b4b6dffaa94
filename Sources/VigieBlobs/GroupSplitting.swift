import VigieCore
import VigieKernels

/// How `BlobExtraction` cuts a blob too wide for one upright person into person-wide parts: a
/// group walking side by side, or a queue seen from the front, makes one region of the mask.
///
/// The blob's height stands for one person's height (people side by side stand at about the same
/// distance), so it holds about `width / (personAspect · height)` people. Each cut is made in the
/// deepest valley of the blob's column profile (its pixel count per column, smoothed) near where
/// that many equal parts would meet, and only where the valley is clear: its count at most
/// `valleyDepth` times the lower of the two peaks beside it. A car's profile has no such valley,
/// so a vehicle stays whole; a single person is too narrow to be cut. Geometry only, as for every
/// blob: no appearance.
public struct GroupSplitting: Sendable, Hashable {
    /// Width of an upright person as a fraction of their height (arms and legs swinging
    /// included). Default 0.4.
    public var personAspect: Double = 0.4
    /// A cut is made where the smoothed column count is at most this fraction of the lower of the
    /// peaks on either side. Default 0.75.
    public var valleyDepth: Double = 0.75
    /// Blobs shorter than this are left whole, pixels (too small to hold a person's shape). Default 24.
    public var minimumHeight: Int = 24
    /// At most this many parts per blob. Default 12.
    public var maximumParts: Int = 12

    /// The defaults.
    public init() {}

    /// About how many people side by side a blob of this box holds (at least 1).
    public func people(in box: PixelRect) -> Int {
        guard box.height >= minimumHeight else { return 1 }
        let count = (Double(box.width) / (personAspect * Double(box.height))).rounded()
        return max(1, min(maximumParts, Int(count)))
    }
}

/// The column profile of one labelled component and the cutting of it (`GroupSplitting`). Buffers
/// grow to the widest blob cut and are reused.
struct GroupSplitter: Sendable {
    private var count: [Int32] = []
    private var top: [Int32] = []
    private var bottom: [Int32] = []
    private var sumY: [Int] = []
    private var smooth: [Double] = []
    private var cuts: [Int] = []

    /// Appends to `blobs` the parts of component `index` of `labeller` (the whole blob when it
    /// has no clear valley where a cut should go).
    mutating func split(component index: Int, of labeller: ComponentLabeller, settings: GroupSplitting,
                        into blobs: inout [Blob]) {
        let c = labeller.components[index]
        let x0 = c.minX, width = c.maxX - c.minX + 1, height = c.maxY - c.minY + 1
        let parts = settings.people(in: PixelRect(x: x0, y: c.minY, width: width, height: height))
        guard parts >= 2 else { blobs.append(Blob(c)); return }
        profile(component: index, of: labeller, x0: x0, width: width)
        findCuts(parts: parts, width: width, personWidth: settings.personAspect * Double(height),
                 valleyDepth: settings.valleyDepth)
        guard !cuts.isEmpty else { blobs.append(Blob(c)); return }
        var start = 0
        for i in 0...cuts.count {
            let end = i < cuts.count ? cuts[i] : width
            if let part = part(columns: start..<end, x0: x0) { blobs.append(part) }
            start = end
        }
    }

    /// Pixel count, first and last row and row sum per column of the component.
    private mutating func profile(component index: Int, of labeller: ComponentLabeller, x0: Int, width: Int) {
        if count.count < width {
            count = [Int32](repeating: 0, count: width)
            top = count
            bottom = count
            sumY = [Int](repeating: 0, count: width)
            smooth = [Double](repeating: 0, count: width)
        }
        for x in 0..<width {
            count[x] = 0
            top[x] = Int32.max
            bottom[x] = -1
            sumY[x] = 0
        }
        labeller.forEachRun { y, a, b, component in
            guard component == index else { return }
            for x in (a - x0)...(b - x0) {
                count[x] += 1
                top[x] = min(top[x], Int32(y))
                bottom[x] = max(bottom[x], Int32(y))
                sumY[x] += y
            }
        }
    }

    /// The cut columns (each the first column of the part on its right), in order; none when
    /// the profile has no clear valley near any place a cut belongs.
    private mutating func findCuts(parts: Int, width: Int, personWidth: Double, valleyDepth: Double) {
        // Smoothed over an eighth of a person, so that a gap between two legs is not a valley.
        let radius = max(1, Int(personWidth / 8))
        var running = 0.0
        for x in 0..<min(radius, width) { running += Double(count[x]) }
        for x in 0..<width {
            if x + radius < width { running += Double(count[x + radius]) }
            if x - radius - 1 >= 0 { running -= Double(count[x - radius - 1]) }
            smooth[x] = running / Double(min(width - 1, x + radius) - max(0, x - radius) + 1)
        }
        cuts.removeAll(keepingCapacity: true)
        let step = Double(width) / Double(parts)
        let reach = max(1, Int(0.35 * step))
        var previous = 0
        for i in 1..<parts {
            let ideal = Int(Double(i) * step)
            let lower = max(previous + 1, ideal - reach), upper = min(width - 2, ideal + reach)
            guard lower <= upper else { continue }
            var best = lower
            for x in lower...upper where smooth[x] < smooth[best]
                || (smooth[x] == smooth[best] && abs(x - ideal) < abs(best - ideal)) { best = x }
            // The peaks on either side, up to the previous cut and a part's width beyond.
            var left = 0.0, right = 0.0
            for x in previous..<best { left = max(left, smooth[x]) }
            for x in (best + 1)..<min(width, best + Int(step) + 1) { right = max(right, smooth[x]) }
            guard smooth[best] <= valleyDepth * min(left, right) else { continue }
            cuts.append(best)
            previous = best
        }
    }

    /// The blob of the component's pixels in columns `columns` (relative to `x0`), nil if none.
    private func part(columns: Range<Int>, x0: Int) -> Blob? {
        var area = 0, sumX = 0, rows = 0, minY = Int.max, maxY = -1, first = -1, last = -1
        for x in columns where count[x] > 0 {
            let n = Int(count[x])
            area += n
            sumX += (x0 + x) * n
            rows += sumY[x]
            minY = min(minY, Int(top[x]))
            maxY = max(maxY, Int(bottom[x]))
            if first < 0 { first = x }
            last = x
        }
        guard area > 0 else { return nil }
        var c = ComponentStatistics(run: x0 + first, x0 + last, row: minY)
        c.area = area
        c.maxY = maxY
        c.sumX = sumX
        c.sumY = rows
        return Blob(c)
    }
}
