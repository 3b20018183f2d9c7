// swift-tools-version: 6.1
import PackageDescription

// Release C flags: -O3 for the kernels' loops; -fno-math-errno lets exp/log/sqrt compile to
// inline instructions (the kernels check their own domains, so errno is never read).
// No -ffast-math: the kernels rely on IEEE infinities, signed zeros and exact rounding.
let cFlags: [CSetting] = [
    .unsafeFlags(["-O3", "-fno-math-errno", "-std=gnu11"], .when(configuration: .release)),
    .unsafeFlags(["-fno-math-errno", "-std=gnu11"], .when(configuration: .debug)),
]

let package = Package(
    name: "cofail",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "CoFail", targets: ["CoFail"]),
        .executable(name: "cofail", targets: ["cofail"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
    ],
    targets: [
        .target(
            name: "CKernels",
            path: "CKernels",
            cSettings: cFlags,
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
            dependencies: ["CKernels"],
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
            exclude: ["Goldens"]
        ),
    ]
)
