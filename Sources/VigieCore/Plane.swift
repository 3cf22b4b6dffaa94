import VigieKernels

/// One 8-bit image plane (luma, a chroma plane, or a mask) with aligned, row-padded storage.
///
/// ```
///  stride (multiple of 64 bytes)
/// ├──────────────────────────────────────────┤
/// ┌──────────────────────────────┬───────────┐ ◀ 64-byte aligned
/// │ width pixels                 │ padding   │
/// │ …                            │           │  height rows
/// └──────────────────────────────┴───────────┘
/// ```
///
/// `Plane` is a value type with copy-on-write storage: copies are cheap until one is
/// mutated. Pixels go in publicly (`init(width:height:copying:)`); reading them back is
/// `package` only, because a plane may hold an image of a person (DESIGN §3). A plane
/// describes and reflects its geometry only.
public struct Plane: Sendable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels (rows).
    public let height: Int
    /// Bytes from one row to the next; a multiple of 64 for planes this type allocated.
    package let stride: Int
    var storage: PlaneStorage
    /// Offset of pixel (0, 0) in `storage` (non-zero for crop views).
    var offset: Int

    /// The stride Vigie allocates for a row of `width` pixels.
    package static func paddedStride(forWidth width: Int) -> Int {
        let a = PlaneStorage.alignment
        return max(a, (width + a - 1) / a * a)
    }

    /// A plane of `width` x `height` pixels, every pixel set to `value`.
    /// - Precondition: `width` and `height` are positive.
    public init(width: Int, height: Int, filledWith value: UInt8 = 0) {
        precondition(width > 0 && height > 0, "plane size must be positive, got \(width)x\(height)")
        self.width = width
        self.height = height
        self.stride = Plane.paddedStride(forWidth: width)
        self.storage = PlaneStorage(byteCount: stride * height)
        self.offset = 0
        if value != 0 { storage.bytes.update(repeating: value, count: stride * height) }
    }

    /// A plane holding a copy of `pixels`, given row after row with no padding
    /// (`pixels.count == width * height`).
    /// - Throws: `FrameError.pixelCountMismatch` when the count is wrong.
    public init(width: Int, height: Int, copying pixels: some Collection<UInt8>) throws(FrameError) {
        guard width > 0, height > 0 else { throw .invalidSize(width: width, height: height) }
        guard pixels.count == width * height else {
            throw .pixelCountMismatch(expected: width * height, got: pixels.count)
        }
        self.init(width: width, height: height)
        var index = pixels.startIndex
        let base = storage.bytes
        for y in 0..<height {
            let row = base + y * stride
            for x in 0..<width {
                row[x] = pixels[index]
                index = pixels.index(after: index)
            }
        }
    }

    /// Read access to the pixels through a kernel view. Package-only: see the type's notes.
    package func withView<R, E: Error>(_ body: (ImageView) throws(E) -> R) throws(E) -> R {
        try withExtendedLifetime(storage) { () throws(E) -> R in
            try body(ImageView(base: UnsafePointer(storage.bytes + offset), width: width, height: height, stride: stride))
        }
    }

    /// Write access to the pixels; copies the storage first if it is shared (copy-on-write).
    package mutating func withMutableView<R, E: Error>(_ body: (MutableImageView) throws(E) -> R) throws(E) -> R {
        makeUnique()
        return try withExtendedLifetime(storage) { () throws(E) -> R in
            try body(MutableImageView(base: storage.bytes + offset, width: width, height: height, stride: stride))
        }
    }

    /// Whether this plane's storage is shared with another value.
    package mutating func isUniquelyReferenced() -> Bool { isKnownUniquelyReferenced(&storage) }

    private mutating func makeUnique() {
        if isKnownUniquelyReferenced(&storage) { return }
        var copy = Plane(width: width, height: height)
        withView { source in
            copy.withMutableView { destination in copyPixels(source, into: destination) }
        }
        self = copy
    }

    /// Pixel value at (x, y). Package-only.
    package subscript(x x: Int, y y: Int) -> UInt8 {
        get {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) outside \(width)x\(height)")
            return storage.bytes[offset + y * stride + x]
        }
        set {
            precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel (\(x), \(y)) outside \(width)x\(height)")
            makeUnique()
            storage.bytes[offset + y * stride + x] = newValue
        }
    }

    /// The pixels as a tightly packed array, row after row. Package-only (tests, writers).
    package var packedPixels: [UInt8] {
        withView { view in
            var out = [UInt8]()
            out.reserveCapacity(width * height)
            for y in 0..<height { out.append(contentsOf: UnsafeBufferPointer(start: view.row(y), count: width)) }
            return out
        }
    }

    /// Copies the pixels, tightly packed row after row, into `array` (resized to `width * height`);
    /// reuses its storage when it is large enough and not shared. Package-only.
    package func copyPackedPixels(into array: inout [UInt8]) {
        let count = width * height
        if array.count != count { array = [UInt8](repeating: 0, count: count) }
        withView { view in
            array.withUnsafeMutableBufferPointer { out in
                for y in 0..<height {
                    (out.baseAddress! + y * width).update(from: view.row(y), count: width)
                }
            }
        }
    }

    /// Writes this plane at half size (ceil) into `out`, reusing its storage when it has that size
    /// and is not shared (no allocation in steady state). Package-only.
    package func downscale2x(into out: inout Plane) {
        let w = (width + 1) / 2, h = (height + 1) / 2
        if out.width != w || out.height != h { out = Plane(width: w, height: h) }
        withView { source in out.withMutableView { VigieKernels.downscale2x(source, into: $0) } }
    }

    /// A view of the pixels inside `rect`, sharing storage with this plane until either is mutated.
    /// - Precondition: `rect` lies inside the plane and is not empty.
    public func cropped(to rect: PixelRect) -> Plane {
        precondition(rect.x >= 0 && rect.y >= 0 && rect.width > 0 && rect.height > 0
                     && rect.x + rect.width <= width && rect.y + rect.height <= height,
                     "crop \(rect) outside \(width)x\(height)")
        return Plane(width: rect.width, height: rect.height, stride: stride, storage: storage,
                     offset: offset + rect.y * stride + rect.x)
    }

    private init(width: Int, height: Int, stride: Int, storage: PlaneStorage, offset: Int) {
        self.width = width
        self.height = height
        self.stride = stride
        self.storage = storage
        self.offset = offset
    }

    /// This plane at half size in each direction (ceil), by 2x2 box averaging.
    public func downscaled2x() -> Plane {
        var out = Plane(width: (width + 1) / 2, height: (height + 1) / 2)
        withView { source in out.withMutableView { VigieKernels.downscale2x(source, into: $0) } }
        return out
    }

    /// Whether both planes hold the same pixels (padding ignored). Package-only.
    package func hasSamePixels(as other: Plane) -> Bool {
        guard width == other.width, height == other.height else { return false }
        return withView { a in
            other.withView { b in
                (0..<height).allSatisfy { y in memcmp(a.row(y), b.row(y), width) == 0 }
            }
        }
    }
}

@inline(__always)
private func memcmp(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Int32 {
    for i in 0..<n where a[i] != b[i] { return 1 }
    return 0
}

/// Copies the overlapping area of two views row by row.
package func copyPixels(_ source: ImageView, into destination: MutableImageView) {
    let w = min(source.width, destination.width)
    for y in 0..<min(source.height, destination.height) {
        destination.row(y).update(from: source.row(y), count: w)
    }
}

extension Plane: CustomStringConvertible, CustomReflectable {
    /// Geometry only, never pixels: `Plane(320x240)`.
    public var description: String { "Plane(\(width)x\(height))" }
    /// Geometry only, never pixels.
    public var customMirror: Mirror { Mirror(self, children: ["width": width, "height": height]) }
}

extension Plane {
    /// A shared 1x1 plane that stands in while a stage has moved its real buffer out of `self`
    /// for a loop; assigning it costs a reference count, not an allocation.
    package static let placeholder = Plane(width: 1, height: 1)
}
