import Testing
import VigieCore

@Suite("Instruction-set path of the dispatched kernels")
struct CPUPathTests {
    @Test func thePathInUseIsSupportedAndBaselineAlwaysIs() {
        #expect(CPUPath.baseline.isSupported)
        #expect(CPUPath.inUse.isSupported)
        #expect(CPUPath.supported.first == .baseline)
    }

    @Test func forcingAPathThisProcessorCannotRunThrowsAndChangesNothing() {
        let before = CPUPath.inUse
        for path in CPUPath.allCases where !path.isSupported {
            #expect(throws: CPUPathError.unsupported(path)) { try CPUPath.force(path) }
            #expect(CPUPath.inUse == before)
        }
        #expect(CPUPathError.unsupported(.avx512).description.contains("cannot run the avx512 path"))
    }
}
