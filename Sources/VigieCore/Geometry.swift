/// An axis-aligned rectangle in pixel coordinates: origin at the top-left, x to the right,
/// y down, sizes in pixels.
public struct PixelRect: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Left edge in pixels.
    public var x: Int
    /// Top edge in pixels.
    public var y: Int
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int

    /// A rectangle from its top-left corner and size, in pixels.
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// Area in pixels.
    public var area: Int { width * height }

    /// `x,y widthxheight`.
    public var description: String { "\(x),\(y) \(width)x\(height)" }
}

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

/// A point in normalised image coordinates: (0, 0) is the top-left corner of the image,
/// (1, 1) the bottom-right, whatever the resolution.
public struct NormalisedPoint: Hashable, Sendable, Codable {
    /// Horizontal position, 0 at the left edge, 1 at the right edge.
    public var x: Double
    /// Vertical position, 0 at the top edge, 1 at the bottom edge.
    public var y: Double

    /// A point from normalised coordinates.
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A rectangle in normalised image coordinates (0…1 on both axes).
public struct NormalisedRect: Hashable, Sendable, Codable {
    /// Left edge, 0…1.
    public var x: Double
    /// Top edge, 0…1.
    public var y: Double
    /// Width as a fraction of the image width.
    public var width: Double
    /// Height as a fraction of the image height.
    public var height: Double

    /// A rectangle from normalised coordinates.
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    /// The same rectangle in normalised coordinates of an image of `width` x `height` pixels.
    public init(_ rect: PixelRect, imageWidth: Int, imageHeight: Int) {
        self.init(x: Double(rect.x) / Double(imageWidth), y: Double(rect.y) / Double(imageHeight),
                  width: Double(rect.width) / Double(imageWidth), height: Double(rect.height) / Double(imageHeight))
    }
}
