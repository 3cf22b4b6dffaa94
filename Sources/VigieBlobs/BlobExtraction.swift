import VigieCore
import VigieKernels

/// Finds the 8-connected regions of set pixels of a mask and describes each as a `Blob`.
///
/// Blobs come in raster order of their first pixel (top-most row, then left-most column); with
/// `groupSplitting`, the parts of a region cut into people take its place, left to right.
/// The labelling buffers and the output array grow to the busiest mask seen and are reused: the
/// returned array shares the stage's buffer, so a caller that lets go of it before the next call
/// gets no allocation per mask in steady state.
public struct BlobExtraction: Stage, Sendable {
    /// Regions with fewer pixels than this are left out.
    public var minimumArea: Int
    /// Cutting blobs too wide for one person into person-wide parts (`GroupSplitting`); nil
    /// (the default) keeps every region whole.
    public var groupSplitting: GroupSplitting?
    private var labeller = ComponentLabeller()
    private var splitter = GroupSplitter()
    private var blobs: [Blob] = []

    /// A stage keeping regions of at least `minimumArea` pixels.
    public init(minimumArea: Int = 1) {
        self.minimumArea = minimumArea
    }

    /// The blobs of `mask`; any mask size, which may change between calls.
    public mutating func process(_ mask: Mask) -> [Blob] {
        mask.plane.withView { labeller.label($0, set: true, connectivity: .eight) }
        blobs.removeAll(keepingCapacity: true)  // reuses the buffer when the caller let go of it
        if let groupSplitting {
            splitter.split(labeller, minimumArea: minimumArea, settings: groupSplitting, into: &blobs)
        } else {
            for c in labeller.components where c.area >= minimumArea { blobs.append(Blob(c)) }
        }
        return blobs
    }
}

extension Blob {
    /// The blob of a labelled component; kernel pixel indices become continuous pixel coordinates.
    init(_ c: ComponentStatistics) {
        let box = PixelRect(x: c.minX, y: c.minY, width: c.maxX - c.minX + 1, height: c.maxY - c.minY + 1)
        let area = Double(c.area)
        self.init(
            area: c.area, boundingBox: box,
            centroid: PixelPoint(x: Double(c.sumX) / area + 0.5, y: Double(c.sumY) / area + 0.5),
            footPoint: PixelPoint(x: Double(c.minX + c.maxX + 1) / 2, y: Double(c.maxY + 1)))
    }
}
