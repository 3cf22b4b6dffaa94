// swift-tools-version: 6.0
import PackageDescription

// Coverage-guided fuzzing of Vigie's parsers of outside data (Documentation/Fuzzing.md).
// A package of its own, so the main package's build is untouched: build and run it with
// `Tests/Fuzz/run.sh TARGET|all SECONDS`, which passes -sanitize=fuzzer,address.
//
// Three executables, each depending only on what its targets parse, so that a target's build
// instruments no more than it needs:
// - vigie-fuzz: jpeg, y4m, mjpeg, scene (VigieIO, VigieRules: no third-party code but swift-log);
// - vigie-fuzz-journal: journal (VigieJournal, so swift-crypto and its BoringSSL);
// - vigie-fuzz-service: acknowledgement (the service's request body; VigieServer, so
//   Hummingbird, SwiftNIO and GRDB are built instrumented too).

// MARK: - Dependencies
let dependencies: [Package.Dependency] = [
    .package(name: "Vigie", path: "../.."),
]

// MARK: - Targets
let targets: [Target] = [
    // Declares LLVMFuzzerRunDriver (libFuzzer's entry for a program with its own main).
    .target(name: "CFuzzDriver", path: "Sources/CFuzzDriver"),
    // The driver: target table, libFuzzer arguments, corpus folders.
    .target(name: "FuzzSupport", dependencies: ["CFuzzDriver"], path: "Sources/FuzzSupport"),
    .executableTarget(
        name: "vigie-fuzz",
        dependencies: [
            "FuzzSupport",
            .product(name: "VigieCore", package: "Vigie"),
            .product(name: "VigieIO", package: "Vigie"),
            .product(name: "VigieRules", package: "Vigie"),
        ],
        path: "Sources/vigie-fuzz"
    ),
    .executableTarget(
        name: "vigie-fuzz-journal",
        dependencies: ["FuzzSupport", .product(name: "VigieJournal", package: "Vigie")],
        path: "Sources/vigie-fuzz-journal"
    ),
    .executableTarget(
        name: "vigie-fuzz-service",
        dependencies: ["FuzzSupport", .product(name: "VigieServer", package: "Vigie")],
        path: "Sources/vigie-fuzz-service"
    ),
]

let package = Package(
    name: "VigieFuzz",
    platforms: [.macOS(.v15)],
    dependencies: dependencies,
    targets: targets
)
