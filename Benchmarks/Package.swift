// swift-tools-version: 6.1
// Benchmarks live in their own package so the root build and `swift test` stay lean.
// Run from this folder:  swift package benchmark   (see README "Performance").
import Foundation
import PackageDescription

// A path dependency's identity is its folder name, which differs between checkouts.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

let package = Package(
    name: "cofail-benchmarks",
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "CoFailBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "CoFail", package: root.lastPathComponent.lowercased()),
            ],
            path: "Benchmarks/CoFailBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
