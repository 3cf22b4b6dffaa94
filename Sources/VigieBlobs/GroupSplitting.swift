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
public struct GroupSplitting: Sendable, Hashable, Codable {
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
    public func people(in box: PixelRect) -> Int { people(width: Double(box.width), height: Double(box.height)) }

    /// About how many people side by side a box `width` x `height` pixels holds (at least 1): its
    /// width over one person's (`personAspect` of its height), rounded, so a box at least 1.5
    /// person widths wide holds a group.
    public func people(width: Double, height: Double) -> Int {
        guard height >= Double(minimumHeight), width.isFinite else { return 1 }
        let count = (width / (personAspect * height)).rounded()
        return count >= Double(maximumParts) ? maximumParts : max(1, Int(count))
    }
}

/// The column profiles of the labelled components too wide for one person and the cutting of
/// them (`GroupSplitting`). The profiles of all of a mask's wide components are filled in one walk
/// over its runs, side by side in the same buffers, which grow to the busiest mask and are reused.
struct GroupSplitter: Sendable {
    private var count: [Int32] = []
    private var top: [Int32] = []
    private var bottom: [Int32] = []
    private var sumY: [Int] = []
    private var smooth: [Double] = []
    private var cuts: [Int] = []
    /// Per component: where its profile starts in the buffers, or -1 when it is kept whole.
    private var profileStart: [Int] = []
    /// Per component: how many people it holds (`GroupSplitting.people(in:)`).
    private var parts: [Int] = []

    /// Appends to `blobs`, in the components' order, every component of `labeller` of at least
    /// `minimumArea` pixels: whole, or cut into its parts when it holds several people and its
    /// profile has clear valleys where the cuts belong.
    mutating func split(_ labeller: ComponentLabeller, minimumArea: Int, settings: GroupSplitting,
                        into blobs: inout [Blob]) {
        let components = labeller.components
        profileStart.removeAll(keepingCapacity: true)
        parts.removeAll(keepingCapacity: true)
        var columns = 0
        for c in components {
            let n = c.area >= minimumArea
                ? settings.people(width: Double(c.maxX - c.minX + 1), height: Double(c.maxY - c.minY + 1)) : 1
            parts.append(n)
            profileStart.append(n >= 2 ? columns : -1)
            if n >= 2 { columns += c.maxX - c.minX + 1 }
        }
        if columns > 0 { profile(labeller, columns: columns) }
        for (index, c) in components.enumerated() where c.area >= minimumArea {
            let base = profileStart[index]
            guard base >= 0 else { blobs.append(Blob(c)); continue }
            let width = c.maxX - c.minX + 1, height = c.maxY - c.minY + 1
            findCuts(base: base, parts: parts[index], width: width, personWidth: settings.personAspect * Double(height),
                     valleyDepth: settings.valleyDepth)
            guard !cuts.isEmpty else { blobs.append(Blob(c)); continue }
            var start = 0
            for i in 0...cuts.count {
                let end = i < cuts.count ? cuts[i] : width
                if let part = part(base: base, columns: start..<end, x0: c.minX) { blobs.append(part) }
                start = end
            }
        }
    }

    /// Pixel count, first and last row and row sum per column of every component with a profile
    /// (`columns` columns in all), in one walk over the runs.
    private mutating func profile(_ labeller: ComponentLabeller, columns: Int) {
        if count.count < columns {
            count = [Int32](repeating: 0, count: columns)
            top = count
            bottom = count
            sumY = [Int](repeating: 0, count: columns)
            smooth = [Double](repeating: 0, count: columns)
        }
        for x in 0..<columns {
            count[x] = 0
            top[x] = Int32.max
            bottom[x] = -1
            sumY[x] = 0
        }
        let components = labeller.components
        labeller.forEachRun { y, a, b, component in
            let base = profileStart[component]
            guard base >= 0 else { return }
            let offset = base - components[component].minX
            for x in (offset + a)...(offset + b) {
                count[x] += 1
                top[x] = min(top[x], Int32(y))
                bottom[x] = max(bottom[x], Int32(y))
                sumY[x] += y
            }
        }
    }

    /// The cut columns (each the first column of the part on its right), in order; none when
    /// the profile has no clear valley near any place a cut belongs.
    /// `base`: where the component's profile starts in the buffers.
    private mutating func findCuts(base: Int, parts: Int, width: Int, personWidth: Double, valleyDepth: Double) {
        // Smoothed over an eighth of a person, so that a gap between two legs is not a valley.
        let radius = max(1, Int(personWidth / 8))
        var running = 0.0
        for x in 0..<min(radius, width) { running += Double(count[base + x]) }
        for x in 0..<width {
            if x + radius < width { running += Double(count[base + x + radius]) }
            if x - radius - 1 >= 0 { running -= Double(count[base + x - radius - 1]) }
            smooth[base + x] = running / Double(min(width - 1, x + radius) - max(0, x - radius) + 1)
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
            for x in lower...upper where smooth[base + x] < smooth[base + best]
                || (smooth[base + x] == smooth[base + best] && abs(x - ideal) < abs(best - ideal)) { best = x }
            // The peaks on either side, up to the previous cut and a part's width beyond.
            var left = 0.0, right = 0.0
            for x in previous..<best { left = max(left, smooth[base + x]) }
            for x in (best + 1)..<min(width, best + Int(step) + 1) { right = max(right, smooth[base + x]) }
            guard smooth[base + best] <= valleyDepth * min(left, right) else { continue }
            cuts.append(best)
            previous = best
        }
    }

    /// The blob of the component's pixels in columns `columns` (relative to `x0`; its profile
    /// starts at `base`), nil if none.
    private func part(base: Int, columns: Range<Int>, x0: Int) -> Blob? {
        var area = 0, sumX = 0, rows = 0, minY = Int.max, maxY = -1, first = -1, last = -1
        for x in columns where count[base + x] > 0 {
            let n = Int(count[base + x])
            area += n
            sumX += (x0 + x) * n
            rows += sumY[base + x]
            minY = min(minY, Int(top[base + x]))
            maxY = max(maxY, Int(bottom[base + x]))
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
