// Which instruction-set path the dispatched kernels (CVigieKernels) run on.
import CVigieKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An instruction-set path of the dispatched kernels.
package enum KernelPath: Int32, CaseIterable, Sendable {
    /// The build's own target: SSE2 on x86-64, NEON on arm64.
    case baseline = 0
    /// x86-64-v3: AVX2, BMI1/2, FMA.
    case avx2 = 1
    /// AVX-512 F, BW, DQ and VL, with AVX2.
    case avx512 = 2

    /// The path in use: chosen on first use from `VIGIE_CPU` (when it names a path this processor
    /// runs) or as the best the processor has.
    package static var inUse: KernelPath { KernelPath(rawValue: vg_cpu_path()) ?? .baseline }

    /// Whether this processor, its operating system and this build can run the path.
    package var isSupported: Bool { vg_cpu_supports(rawValue) != 0 }

    /// The text of `VIGIE_CPU` when the path was chosen, nil when it was not set. It may name no
    /// path, or one this processor cannot run: the automatic choice was used then.
    package static var requestedName: String? {
        guard vg_cpu_requested() != -1, let value = getenv("VIGIE_CPU") else { return nil }
        return String(cString: value)
    }

    /// The path to run a kernel on, for the C entry points: `path`, which must be supported, or
    /// the path in use when nil.
    static func raw(_ path: KernelPath?) -> Int32 {
        guard let path else { return vg_cpu_path() }
        precondition(path.isSupported, "kernel path \(path) on a processor that cannot run it")
        return path.rawValue
    }

    /// Runs later kernel calls on `path` (nil: the automatic choice again). Returns false, and
    /// changes nothing, when the processor cannot run it. For tests and benchmarks: it changes
    /// the path for the whole process.
    @discardableResult
    package static func force(_ path: KernelPath?) -> Bool {
        vg_cpu_force(path?.rawValue ?? -1) == 0
    }
}
