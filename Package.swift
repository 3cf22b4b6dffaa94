// swift-tools-version: 6.0
import PackageDescription

// MARK: - Dependencies
// swift-log is the third-party dependency of the library modules, swift-crypto (SHA-256) of the
// alert journal only; swift-argument-parser is used by the example CLI only.
let dependencies: [Package.Dependency] = [
    .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    // swift-nio: the MQTT 3.1.1 client (VigieMQTT) only; no stage or SDK module depends on it.
    .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
    // Documentation only (`swift package generate-documentation`): a plugin, never linked.
    .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
]

// The service (`vigie serve`, VigieServer) is built on these; no SDK library product depends on them.
let serverDependencies: [Package.Dependency] = [
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.0"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
]

// MARK: - C shims
let cTargets: [Target] = [
    .systemLibrary(
        name: "CLibJPEG",
        path: "Sources/CLibJPEG",
        pkgConfig: "libjpeg",
        providers: [.apt(["libjpeg-dev"])]
    ),
    .systemLibrary(
        name: "CZlib",
        path: "Sources/CZlib",
        providers: [.apt(["zlib1g-dev"])]
    ),
    .target(
        name: "CVigieJPEG",
        dependencies: ["CLibJPEG"],
        path: "Sources/CVigieJPEG"
    ),
    // The hottest pixel kernels for several instruction sets in one binary (runtime dispatch).
    .target(name: "CVigieKernels", path: "Sources/CVigieKernels"),
]

// MARK: - Library modules (dependencies point toward VigieCore)
let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]
let libraryTargets: [Target] = [
    .target(name: "VigieKernels", dependencies: ["CVigieKernels"], swiftSettings: strict),
    .target(
        name: "VigieCore",
        dependencies: ["VigieKernels", .product(name: "Logging", package: "swift-log")],
        swiftSettings: strict
    ),
    .target(
        name: "VigieIO",
        dependencies: ["VigieCore", "VigieKernels", "CVigieJPEG", .product(name: "Logging", package: "swift-log")],
        swiftSettings: strict
    ),
    .target(name: "VigieBackground", dependencies: ["VigieCore", "VigieKernels", "VigieBlobs"], swiftSettings: strict),
    .target(name: "VigieBlobs", dependencies: ["VigieCore", "VigieKernels"], swiftSettings: strict),
    .target(name: "VigieEvents", dependencies: ["VigieCore"], swiftSettings: strict),
    .target(name: "VigieTracking", dependencies: ["VigieCore", "VigieKernels", "VigieBlobs"], swiftSettings: strict),
    .target(
        name: "VigieAnalysis",
        dependencies: ["VigieCore", "VigieKernels", "VigieBackground", "VigieBlobs"],
        swiftSettings: strict
    ),
    .target(
        name: "VigieRules",
        dependencies: ["VigieCore", "VigieEvents", "VigieTracking", "VigieAnalysis"],
        swiftSettings: strict
    ),
    .target(
        name: "VigiePipeline",
        dependencies: [
            "VigieCore", "VigieBackground", "VigieBlobs", "VigieTracking", "VigieEvents", "VigieRules",
            "VigieAnalysis", "VigieIO", .product(name: "Logging", package: "swift-log"),
        ],
        swiftSettings: strict
    ),
    .target(
        name: "VigieAnonymise",
        dependencies: ["VigieCore", "VigieKernels", "VigieBackground", "VigieTracking", "VigieRules", "VigieEvents", "VigieIO"],
        swiftSettings: strict
    ),
    .target(name: "VigieSimulator", dependencies: ["VigieCore", "VigieIO", "VigieKernels"], swiftSettings: strict),
    // Classical person detection (HOG and a linear model) behind the tracker's `Detector` point.
    .target(name: "VigieDetection", dependencies: ["VigieCore", "VigieTracking"], swiftSettings: strict),
    // Delivery over the network (FoundationNetworking on Linux) kept out of VigieEvents.
    .target(
        name: "VigieDelivery",
        dependencies: ["VigieEvents", .product(name: "Logging", package: "swift-log")],
        swiftSettings: strict
    ),
    .target(
        name: "VigieJournal",
        dependencies: ["VigieCore", "VigieEvents", .product(name: "Crypto", package: "swift-crypto")],
        swiftSettings: strict
    ),
    // The dry-run report of a scene on recorded footage (one self-contained HTML page).
    .target(
        name: "VigieReport",
        dependencies: [
            "VigieCore", "VigieIO", "VigieBackground", "VigieEvents", "VigieRules", "VigieTracking", "VigiePipeline",
            "VigieAnonymise", "VigieJournal", .product(name: "Logging", package: "swift-log"),
        ],
        swiftSettings: strict
    ),
    .target(
        name: "VigieEvaluation",
        dependencies: [
            "VigieCore", "VigieKernels", "VigieIO", "CZlib", "VigieEvents", "VigieRules",
            // The negatives suite and the pixel-exact privacy leak composite run the real chain.
            "VigieBackground", "VigiePipeline", "VigieAnonymise", "VigieSimulator", "VigieTracking",
        ],
        swiftSettings: strict
    ),
    // MQTT 3.1.1 client on SwiftNIO (codec, QoS 1 with PUBACK tracking, reconnect): used by the
    // service, not re-exported by the umbrella, so SDK users pull in no networking stack.
    .target(
        name: "VigieMQTT",
        dependencies: [
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ],
        swiftSettings: strict
    ),
    .target(
        name: "Vigie",
        dependencies: [
            "VigieCore", "VigieIO", "VigieBackground", "VigieBlobs", "VigieEvaluation", "VigieEvents",
            "VigieTracking", "VigieRules", "VigieSimulator", "VigiePipeline", "VigieAnonymise", "VigieAnalysis",
            "VigieDelivery", "VigieJournal", "VigieDetection",
        ],
        swiftSettings: strict
    ),
]

// MARK: - The service (on top of the SDK; never a dependency of a library product but its own)
let serverTargets: [Target] = [
    .target(
        name: "VigieServer",
        dependencies: [
            "VigieCore", "VigieIO", "VigieBackground", "VigieEvents", "VigieRules", "VigiePipeline",
            "VigieAnonymise", "VigieJournal", "VigieSimulator", "VigieMQTT",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
        ],
        resources: [.copy("Console")],
        swiftSettings: strict
    )
]

// MARK: - Examples
let exampleTargets: [Target] = [
    .executableTarget(
        name: "vigie",
        // The library modules are listed beside the umbrella: SwiftPM's incremental build does not
        // always see an interface change through `@_exported import` (a stale binary crashed).
        dependencies: [
            "Vigie", "VigieCore", "VigieIO", "VigieBackground", "VigieBlobs", "VigieEvaluation", "VigieEvents",
            "VigieTracking", "VigieRules", "VigieSimulator", "VigiePipeline", "VigieAnonymise", "VigieAnalysis",
            "VigieDelivery", "VigieJournal", "VigieServer", "VigieReport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ],
        path: "Examples/vigie",
        swiftSettings: strict
    )
]

// The embedding example of Documentation/Embedding.md: built with the package, so it stays true.
let embeddingExample: [Target] = [
    .executableTarget(
        name: "vigie-embedding-example",
        // Modules listed beside the umbrella, as for `vigie` (incremental builds and @_exported).
        dependencies: ["Vigie", "VigieCore", "VigieIO", "VigieEvents", "VigieRules", "VigiePipeline"],
        path: "Examples/embedding",
        swiftSettings: strict
    )
]

// MARK: - Benchmarks
// An executable in this package rather than a nested package: it shares the build folder, so
// a benchmark run costs no second build of the dependencies.
let benchmarkTargets: [Target] = [
    .executableTarget(
        name: "vigie-bench",
        dependencies: [
            "Vigie", "VigieCore", "VigieIO", "VigieBackground", "VigieBlobs", "VigieEvaluation", "VigieKernels",
            "VigieTracking", "VigieSimulator", "VigieAnalysis", "VigieAnonymise", "VigiePipeline",
        ],
        path: "Benchmarks/VigieBenchmarks",
        swiftSettings: strict
    )
]

// MARK: - Tests (one target per module)
let testTargets: [Target] = [
    // Where ../shared/data is and whether the tests run in release: shared by the test targets.
    .target(name: "SharedTestData", path: "Tests/SharedTestData"),
    .testTarget(name: "VigieKernelsTests", dependencies: ["VigieKernels"]),
    .testTarget(name: "VigieCoreTests", dependencies: ["VigieCore"]),
    .testTarget(name: "VigieIOTests", dependencies: ["SharedTestData", "VigieIO", "VigieCore"]),
    .testTarget(
        name: "VigieBackgroundTests", dependencies: ["SharedTestData", "VigieBackground", "VigieIO", "VigieEvaluation"]
    ),
    .testTarget(name: "VigieBlobsTests", dependencies: ["VigieBlobs", "VigieKernels"]),
    .testTarget(
        name: "VigieEvaluationTests",
        dependencies: ["VigieEvaluation", "VigieIO", "VigieBackground", "VigiePipeline", "VigieSimulator", "VigieTracking"]),
    .testTarget(name: "VigieEventsTests", dependencies: ["VigieEvents"]),
    .testTarget(
        name: "VigieDetectionTests",
        dependencies: [
            "VigieDetection", "VigieCore", "VigieTracking", "VigiePipeline", "VigieBackground", "VigieEvaluation", "VigieIO",
            "SharedTestData",
        ],
        exclude: ["Fixtures"]),
    .testTarget(name: "VigieTrackingTests", dependencies: ["VigieTracking", "VigieBlobs", "VigieKernels"]),
    .testTarget(name: "VigieRulesTests", dependencies: ["VigieRules", "VigieEvents", "VigieTracking", "VigieAnalysis"]),
    .testTarget(
        name: "VigieAnalysisTests",
        dependencies: [
            "VigieAnalysis", "VigieSimulator", "VigieCore", "VigieIO", "VigieEvaluation", "VigieRules", "VigieEvents",
            "SharedTestData",
        ]
    ),
    .testTarget(name: "VigieSimulatorTests", dependencies: ["VigieSimulator", "VigieBackground", "VigieBlobs"]),
    .testTarget(
        name: "VigiePipelineTests",
        dependencies: [
            "VigiePipeline", "VigieSimulator", "VigieRules", "VigieEvents", "VigieCore", "VigieIO", "VigieAnalysis",
            "VigieTracking", "VigieBlobs", .product(name: "Logging", package: "swift-log"),
        ]
    ),
    .testTarget(
        name: "VigieAnonymiseTests",
        dependencies: [
            "VigieAnonymise", "VigieSimulator", "VigieBackground", "VigieCore", "VigieKernels", "VigieBlobs",
            "VigieTracking", "VigieRules", "VigieEvents", "VigieEvaluation", "SharedTestData",
        ]
    ),
    .testTarget(
        name: "VigieDeliveryTests",
        dependencies: ["VigieDelivery", "VigieEvents", "VigieCore", "HTTPTestSupport", .product(name: "Logging", package: "swift-log")]
    ),
    // A scripted HTTP receiver on loopback for the delivery and CLI tests.
    .target(name: "HTTPTestSupport", path: "Tests/HTTPTestSupport"),
    .testTarget(name: "VigieJournalTests", dependencies: ["VigieJournal", "VigieEvents", "VigieCore"]),
    .testTarget(
        name: "VigieServerTests",
        dependencies: [
            "VigieServer", "VigieEvents", "VigieCore", "VigieJournal", "SharedTestData", "VigieMQTT", "MQTTTestSupport",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "GRDB", package: "GRDB.swift"),
        ]
    ),
    .testTarget(
        name: "VigieReportTests",
        dependencies: [
            "VigieReport", "VigieSimulator", "VigiePipeline", "VigieRules", "VigieEvents", "VigieCore", "VigieIO",
            "VigieAnonymise", "VigieJournal",
        ]
    ),
    // A real mosquitto broker for the MQTT client's and the service's tests.
    .target(
        name: "MQTTTestSupport",
        dependencies: [
            "VigieMQTT", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
        ],
        path: "Tests/MQTTTestSupport"
    ),
    .testTarget(
        name: "VigieMQTTTests",
        dependencies: [
            "VigieMQTT", "MQTTTestSupport", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]
    ),
    .testTarget(
        name: "VigieCLITests", dependencies: ["SharedTestData", "HTTPTestSupport", "Vigie", "VigieCore", "VigieIO", "VigieSimulator"]
    ),
]

// MARK: - Products
// The umbrella, and one library per public module beside it: an integrator depends on what they
// use (VigiePipeline does not bring swift-crypto, which only VigieJournal needs).
let publicModules = [
    "VigieCore", "VigieIO", "VigieBackground", "VigieBlobs", "VigieTracking", "VigieEvents", "VigieRules",
    "VigieAnalysis", "VigiePipeline", "VigieAnonymise", "VigieSimulator", "VigieDelivery", "VigieJournal",
    "VigieEvaluation", "VigieDetection",
]
let moduleProducts: [Product] = publicModules.map { .library(name: $0, targets: [$0]) }

let package = Package(
    name: "Vigie",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Vigie", targets: ["Vigie"]),
        .library(name: "VigieServer", targets: ["VigieServer"]),
        .library(name: "VigieReport", targets: ["VigieReport"]),
        .library(name: "VigieMQTT", targets: ["VigieMQTT"]),
        .executable(name: "vigie", targets: ["vigie"]),
    ] + moduleProducts,
    dependencies: dependencies + serverDependencies,
    targets: cTargets + libraryTargets + serverTargets + exampleTargets + embeddingExample + benchmarkTargets + testTargets
)
