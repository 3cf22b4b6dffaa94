import VigieKernels

/// The heap block behind a `Plane`: 64-byte aligned, zero-initialised, never resized.
///
/// `@unchecked Sendable`: the bytes are only written through `Plane`'s mutating methods,
/// which copy first unless this object is uniquely referenced (copy-on-write), so no two
/// threads ever see a write to a shared block.
final class PlaneStorage: @unchecked Sendable {
    /// Row alignment and padding unit in bytes: a whole AVX-512 vector.
    static let alignment = 64

    let bytes: UnsafeMutablePointer<UInt8>
    let byteCount: Int

    init(byteCount: Int) {
        self.byteCount = byteCount
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(byteCount, 1), alignment: Self.alignment)
        bytes = raw.initializeMemory(as: UInt8.self, repeating: 0, count: max(byteCount, 1))
    }

    deinit { bytes.deallocate() }
}
