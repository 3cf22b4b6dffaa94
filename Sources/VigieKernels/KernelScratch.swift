/// Reusable scratch memory for the fast kernels that work through a few rows at a time
/// (`median3x3`, `erode`, `dilate`): grown to the largest size asked for, then reused, so a
/// kernel called on every frame allocates nothing in steady state. A value type: copies share
/// nothing once one of them grows.
package struct KernelScratch: Sendable {
    private var bytes: [UInt8] = []

    /// An empty scratch; the first kernel call sizes it.
    package init() {}

    /// Calls `body` with at least `count` bytes of scratch memory, contents unspecified.
    package mutating func withBytes<R>(count: Int, _ body: (UnsafeMutablePointer<UInt8>) -> R) -> R {
        if bytes.count < count { bytes = [UInt8](repeating: 0, count: count) }
        return bytes.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    }
}
