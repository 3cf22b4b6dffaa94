import VigieCore

/// A position in pixel units on the continuous image plane: origin at the top-left corner of
/// the image, x to the right, y down. Pixel (i, j) covers i…i+1 by j…j+1, so its centre is
/// (i + 0.5, j + 0.5), and dividing by the image size gives normalised coordinates.
public struct PixelPoint: Hashable, Sendable, Codable {
    /// Horizontal position in pixels from the left edge of the image.
    public var x: Double
    /// Vertical position in pixels from the top edge of the image.
    public var y: Double

    /// A point from pixel coordinates (see the type's notes).
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

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
