import VigieCore

/// One connected region (8-connectivity) of a mask: geometry only, never appearance.
///
/// Coordinates are pixels, origin at the top-left corner of the image (see `PixelPoint`).
public struct Blob: Sendable, Hashable, Codable {
    /// Number of pixels in the region.
    public var area: Int
    /// The smallest rectangle holding every pixel of the region, in pixels.
    public var boundingBox: PixelRect
    /// Mean position of the region's pixel centres, in pixels.
    public var centroid: PixelPoint
    /// Where the region meets the ground: the middle of the bottom edge of `boundingBox`
    /// (`boundingBox.x + boundingBox.width / 2`, `boundingBox.y + boundingBox.height`), in pixels.
    /// The box centre rather than the lowest row's extent, so that one foot a pixel lower
    /// than the other does not make the point jump sideways.
    public var footPoint: PixelPoint

    /// A blob from its geometry, in pixels.
    public init(area: Int, boundingBox: PixelRect, centroid: PixelPoint, footPoint: PixelPoint) {
        self.area = area
        self.boundingBox = boundingBox
        self.centroid = centroid
        self.footPoint = footPoint
    }
}
