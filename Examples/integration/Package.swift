// swift-tools-version: 6.0
// An integrator's package: depends on Vigie by path and on ONE product, `VigiePipeline`.
// `.ci/run` builds and runs it, then checks that swift-crypto (needed by the journal only) and
// swift-argument-parser (the CLI only) were neither fetched nor built.
import PackageDescription

let package = Package(
    name: "integration-check",
    platforms: [.macOS(.v15)],
    dependencies: [
        // An integrator writes `.package(url: "https://…/vigie", from: "…")`; here, the checkout.
        .package(name: "Vigie", path: "../..")
    ],
    targets: [
        .executableTarget(
            name: "integration-check",
            dependencies: [.product(name: "VigiePipeline", package: "Vigie")]
        )
    ]
)
