import Foundation

/// Where the shared annotated footage lives and how the tests were built: one copy for every
/// test target that reads `../shared/data`.
public enum SharedTestData {
    /// `../shared/data` beside the package (CI clones the repository next to `shared/`).
    public static let root: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Tests/SharedTestData
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // the package
        .deletingLastPathComponent().appendingPathComponent("shared/data").path

    /// Whole-sequence tests run in release builds only: pixel loops are hundreds of times slower
    /// in debug. `.ci/run` runs the suites in release too.
    public static var isReleaseBuild: Bool {
        #if DEBUG
        false
        #else
        true
        #endif
    }
}
