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

    /// What `VIGIE_CPU` asked for: nil when not set; `.failure` with the text when it names no path.
    package static var requested: Result<KernelPath, UnknownKernelPath>? {
        switch vg_cpu_requested() {
        case -1: return nil
        case let raw where raw >= 0: return .success(KernelPath(rawValue: raw) ?? .baseline)
        default: return .failure(UnknownKernelPath(name: getenvString("VIGIE_CPU") ?? ""))
        }
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

/// A `VIGIE_CPU` value that names no path.
package struct UnknownKernelPath: Error, Equatable {
    /// The value.
    package let name: String
}

private func getenvString(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    return String(cString: value)
}
