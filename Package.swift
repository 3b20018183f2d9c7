// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "cofail",
    products: [
        .library(name: "CoFail", targets: ["CoFail"]),
        .executable(name: "cofail", targets: ["cofail"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    ],
    targets: [
        .target(
            name: "CKernels",
            path: "CKernels",
            linkerSettings: [
                // OpenBLAS provides cblas_* and LAPACK for both LAPACKE and GSL, so
                // libgslcblas is deliberately not linked.
                .linkedLibrary("lapacke"),
                .linkedLibrary("gsl"),
                .linkedLibrary("openblas"),
                .linkedLibrary("pthread"),
                .linkedLibrary("m"),
            ]
        ),
        .target(
            name: "CoFail",
            // ZIPFoundation reads Inspect's .eval log containers (zip archives).
            dependencies: ["CKernels", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            path: "Sources/CoFail"
        ),
        .executableTarget(
            name: "cofail",
            dependencies: [
                "CoFail",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/cofail"
        ),
        .testTarget(
            name: "CoFailTests",
            dependencies: [
                "CoFail",
                "CKernels",
                "cofail",
                .product(name: "Numerics", package: "swift-numerics"),
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            path: "Tests/CoFailTests",
            exclude: ["Goldens", "Fixtures"]
        ),
    ],
    cLanguageStandard: .gnu11
)
