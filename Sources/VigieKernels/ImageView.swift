/// A read-only view of one 8-bit plane: a base pointer, a size and a row stride.
///
/// This is the one handle type through which every pixel kernel sees memory. It does
/// not own its bytes: the owner (a `Plane` in VigieCore) keeps them alive for the
/// duration of a `withView` closure. Rows may be padded: `stride >= width`.
package struct ImageView {
    /// Address of pixel (0, 0).
    package let base: UnsafePointer<UInt8>
    /// Width in pixels.
    package let width: Int
    /// Height in pixels (rows).
    package let height: Int
    /// Bytes from the start of one row to the start of the next.
    package let stride: Int

    package init(base: UnsafePointer<UInt8>, width: Int, height: Int, stride: Int) {
        precondition(width >= 0 && height >= 0 && stride >= width, "bad view \(width)x\(height) stride \(stride)")
        self.base = base
        self.width = width
        self.height = height
        self.stride = stride
    }

    /// Pointer to the first pixel of row `y`.
    @inline(__always)
    package func row(_ y: Int) -> UnsafePointer<UInt8> { base + y * stride }

    /// Pixel at (x, y); for tests and reference kernels.
    @inline(__always)
    package subscript(x: Int, y: Int) -> UInt8 { base[y * stride + x] }

    /// The band of rows `range` (within the view) as a view of its own.
    package func rows(_ range: Range<Int>) -> ImageView {
        precondition(range.lowerBound >= 0 && range.upperBound <= height, "rows \(range) of \(height)")
        return ImageView(base: base + range.lowerBound * stride, width: width, height: range.count, stride: stride)
    }
}

/// A writable view of one 8-bit plane; see `ImageView`.
package struct MutableImageView {
    /// Address of pixel (0, 0).
    package let base: UnsafeMutablePointer<UInt8>
    /// Width in pixels.
    package let width: Int
    /// Height in pixels (rows).
    package let height: Int
    /// Bytes from the start of one row to the start of the next.
    package let stride: Int

    package init(base: UnsafeMutablePointer<UInt8>, width: Int, height: Int, stride: Int) {
        precondition(width >= 0 && height >= 0 && stride >= width, "bad view \(width)x\(height) stride \(stride)")
        self.base = base
        self.width = width
        self.height = height
        self.stride = stride
    }

    /// Pointer to the first pixel of row `y`.
    @inline(__always)
    package func row(_ y: Int) -> UnsafeMutablePointer<UInt8> { base + y * stride }

    /// Pixel at (x, y); for tests and reference kernels.
    @inline(__always)
    package subscript(x: Int, y: Int) -> UInt8 {
        get { base[y * stride + x] }
        nonmutating set { base[y * stride + x] = newValue }
    }

    /// The band of rows `range` (within the view) as a view of its own.
    package func rows(_ range: Range<Int>) -> MutableImageView {
        precondition(range.lowerBound >= 0 && range.upperBound <= height, "rows \(range) of \(height)")
        return MutableImageView(base: base + range.lowerBound * stride, width: width, height: range.count, stride: stride)
    }

    /// The same memory, read-only.
    package var readOnly: ImageView {
        ImageView(base: UnsafePointer(base), width: width, height: height, stride: stride)
    }
}
