import VigieKernels

/// The instruction-set path Vigie's hottest pixel kernels run on. One binary carries every path
/// its architecture has; the best one the processor runs is chosen on first use, or the one
/// named by the `VIGIE_CPU` environment variable (`baseline`, `avx2`, `avx512`) when the
/// processor runs it. Every path gives the same masks (bit for bit): only the speed differs.
public enum CPUPath: String, CaseIterable, Sendable {
    /// The build's own target: SSE2 on x86-64, NEON on arm64.
    case baseline
    /// x86-64-v3 (Haswell and later, Zen): AVX2, BMI1/2, FMA.
    case avx2
    /// AVX-512 F, BW, DQ and VL (Skylake-SP and later, Zen 4).
    case avx512

    /// The path in use.
    public static var inUse: CPUPath { CPUPath(KernelPath.inUse) }

    /// The paths this processor, its operating system and this build can run, slowest first.
    public static var supported: [CPUPath] { allCases.filter(\.isSupported) }

    /// Whether this processor, its operating system and this build can run the path.
    public var isSupported: Bool { kernelPath.isSupported }

    /// The value of `VIGIE_CPU` when the path was chosen: nil when it was not set, else its text
    /// (which may name no path, or a path this processor does not run: the automatic choice was
    /// used then).
    public static var requested: String? { KernelPath.requestedName }

    /// Runs later kernel calls of the whole process on `path` (nil: the automatic choice again),
    /// for tests and benchmarks that compare paths.
    /// - Throws: `CPUPathError.unsupported` when the processor cannot run it (nothing changes).
    public static func force(_ path: CPUPath?) throws {
        guard KernelPath.force(path?.kernelPath) else { throw CPUPathError.unsupported(path!) }
    }

    private init(_ path: KernelPath) {
        switch path {
        case .baseline: self = .baseline
        case .avx2: self = .avx2
        case .avx512: self = .avx512
        }
    }

    private var kernelPath: KernelPath {
        switch self {
        case .baseline: .baseline
        case .avx2: .avx2
        case .avx512: .avx512
        }
    }
}

/// Why a path cannot be forced.
public enum CPUPathError: Error, Equatable, CustomStringConvertible {
    /// This processor (or its operating system, or this build's architecture) cannot run the path.
    case unsupported(CPUPath)

    /// A sentence for people.
    public var description: String {
        switch self {
        case .unsupported(let path):
            "this processor cannot run the \(path.rawValue) path (it runs: "
                + CPUPath.supported.map(\.rawValue).joined(separator: ", ") + ")"
        }
    }
}
