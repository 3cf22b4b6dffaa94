import VigieKernels

/// A binary image: 255 where something is (foreground, a silhouette, a redaction area), 0 elsewhere.
///
/// A mask is the outline of people, so it is a raw image too: pixels go in publicly but are
/// read back only inside the package (and by `PGMWriter`, for the `vigie motion` contract).
public struct Mask: Sendable {
    /// The 0/255 pixels.
    package private(set) var plane: Plane
    /// The same pixels bit-packed (`BitRows`: 64 a word, bits past each row's last pixel
    /// unspecified), when the stage that made the mask had them (so a reader of bits need not pack
    /// the plane again); nil once the pixels are changed (`withMutablePixels`).
    package private(set) var packedBits: [UInt64]?

    /// Width in pixels.
    public var width: Int { plane.width }
    /// Height in pixels.
    public var height: Int { plane.height }

    /// An empty (all 0) mask.
    public init(width: Int, height: Int) { plane = Plane(width: width, height: height) }

    /// A mask over existing 0/255 pixels. Package-only: callers build masks through stages.
    package init(plane: Plane) { self.plane = plane }

    /// A mask over existing 0/255 pixels and the same pixels bit-packed (see `packedBits`).
    package init(plane: Plane, packedBits: [UInt64]) {
        precondition(packedBits.count == BitRows.wordsPerRow(width: plane.width) * plane.height,
                     "Mask: \(packedBits.count) words for \(plane.width)x\(plane.height)")
        self.plane = plane
        self.packedBits = packedBits
    }

    /// Calls `body` with the pixels to change them in place (and drops `packedBits`).
    package mutating func withMutablePixels<R, E: Error>(_ body: (MutableImageView) throws(E) -> R) throws(E) -> R {
        packedBits = nil
        return try plane.withMutableView(body)
    }

    /// Calls `body` with `packedBits` as bit rows (only read), or nil when the mask has none.
    package func withPackedBits<R>(_ body: (BitRows?) -> R) -> R {
        guard let packedBits else { return body(nil) }
        return packedBits.withUnsafeBufferPointer { words in
            body(BitRows(base: UnsafeMutablePointer(mutating: words.baseAddress!), width: width, height: height))
        }
    }

    /// Number of set (non-zero) pixels.
    public var count: Int {
        plane.withView { view in (0..<view.height).reduce(0) { $0 + VigieKernels.countSet(view.row($1), view.width) } }
    }

    /// Set pixels as a fraction of all pixels, 0…1.
    public var coverage: Double { Double(count) / Double(width * height) }
}

extension Mask: CustomStringConvertible, CustomReflectable {
    /// Geometry only: `Mask(320x240)`.
    public var description: String { "Mask(\(width)x\(height))" }
    /// Geometry only, never pixels.
    public var customMirror: Mirror { Mirror(self, children: ["width": width, "height": height]) }
}

extension Mask {
    /// This mask enlarged to `width` x `height` by nearest-neighbour sampling (each source pixel
    /// covers a block), for masks computed on a downscaled frame.
    public func upscaled(toWidth newWidth: Int, height newHeight: Int) -> Mask {
        precondition(newWidth >= width && newHeight >= height, "upscale \(width)x\(height) to \(newWidth)x\(newHeight)")
        var out = Mask(width: newWidth, height: newHeight)
        let sx = Double(width) / Double(newWidth), sy = Double(height) / Double(newHeight)
        let columns = (0..<newWidth).map { min(width - 1, Int(Double($0) * sx)) }
        plane.withView { source in
            out.withMutablePixels { destination in
                for y in 0..<newHeight {
                    let row = source.row(min(height - 1, Int(Double(y) * sy)))
                    let o = destination.row(y)
                    for x in 0..<newWidth { o[x] = row[columns[x]] }
                }
            }
        }
        return out
    }
}

extension Mask {
    /// A copy with its own storage (the model's output buffer is reused on the next frame).
    public func copied() -> Mask {
        var out = Mask(width: width, height: height)
        plane.withView { s in out.withMutablePixels { copyPixels(s, into: $0) } }
        out.packedBits = packedBits
        return out
    }
}

extension Mask {
    /// A shared 1x1 mask used as a stand-in (see `Plane.placeholder`); never written to.
    package static let placeholder = Mask(plane: .placeholder)
}

extension Mask {
    /// Offset of pixel (x, y) in the mask's storage, for `countSet(atOffsets:)`.
    package func offset(x: Int, y: Int) -> Int { y * plane.stride + x }

    /// How many of the pixels at the given storage offsets (`offset(x:y:)`) are set. Package-only:
    /// rules measure the occupancy of a zone with it, once per frame.
    package func countSet(atOffsets offsets: [Int]) -> Int {
        plane.withView { view in
            var n = 0
            for o in offsets { n &+= Int(view.base[o] >> 7) }
            return n
        }
    }
}
