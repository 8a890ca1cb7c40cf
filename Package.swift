// swift-tools-version:6.2
import PackageDescription

/// arrwDB: one package, one module per concern. Dependencies point from the server down to the
/// leaves (`ArrwIndex`, `ArrwStorage`, `ArrwEmbedding`); see ARCHITECTURE.md and the README's module table.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "arrwDB",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "arrwdb", targets: ["arrwdb"]),
        // Libraries for the benchmark package in Benchmarks/, which stays out of the test build.
        .library(name: "ArrwIndex", targets: ["ArrwIndex"]),
        .library(name: "ArrwEmbedding", targets: ["ArrwEmbedding"]),
        .library(name: "ArrwEngine", targets: ["ArrwEngine"]),
        .library(name: "ArrwText", targets: ["ArrwText"]),
        .library(name: "ArrwTestSupport", targets: ["ArrwTestSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.1.4"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        // Already under Hummingbird; named for the HTTP part types a connection handler sees.
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // HMAC-SHA256 signatures of webhook deliveries.
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
    ],
    targets: [
        // Leaves: standard library (and Foundation where it earns its place) only.
        // Index code is always optimised (as the C kernels are), so debug test runs build and
        // search realistic indexes in seconds rather than minutes.
        .target(
            name: "ArrwIndex",
            dependencies: ["CArrwKernels"],
            swiftSettings: strictSettings + [.unsafeFlags(["-O"])]
        ),
        // Text analysis for keyword search (analyzer, Porter stemmer, BM25 inverted index):
        // the standard library and the C math library only.
        .target(
            name: "ArrwText",
            swiftSettings: strictSettings
        ),
        .target(
            name: "ArrwStorage",
            dependencies: ["CArrwKernels"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ArrwEmbedding",
            dependencies: ["CArrwKernels"],
            swiftSettings: strictSettings
        ),
        // C kernels with run-time CPU dispatch (GEMM, transformer steps, CRC-32C, which the
        // index format and ArrwStorage share); always
        // optimised, even in debug builds, so the test suite's encoder runs at a usable speed.
        .target(
            name: "CArrwKernels",
            cSettings: [.unsafeFlags(["-O3"])]
        ),

        // Remote model services over AsyncHTTPClient (Cohere's rerank API).
        .target(
            name: "ArrwEmbeddingRemote",
            dependencies: [
                "ArrwEmbedding",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ArrwEngine",
            dependencies: [
                "ArrwIndex",
                "ArrwText",
                "ArrwStorage",
                "ArrwEmbedding",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ArrwServer",
            dependencies: [
                "ArrwEngine",
                "ArrwIndex",
                "ArrwEmbedding",
                "ArrwEmbeddingRemote",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "arrwdb",
            dependencies: [
                "ArrwServer",
                "ArrwEngine",
                "ArrwEmbedding",
                "ArrwIndex",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ArrwTestSupport",
            dependencies: ["ArrwIndex"],
            swiftSettings: strictSettings
        ),

        .testTarget(
            name: "ArrwIndexTests",
            dependencies: ["ArrwIndex", "ArrwTestSupport", "CArrwKernels"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ArrwTextTests",
            dependencies: ["ArrwText", "ArrwTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ArrwStorageTests",
            dependencies: ["ArrwStorage"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ArrwEmbeddingTests",
            dependencies: ["ArrwEmbedding", "ArrwTestSupport", "CArrwKernels"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ArrwEngineTests",
            dependencies: ["ArrwEngine", "ArrwIndex", "ArrwEmbedding", "ArrwStorage", "ArrwTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ArrwServerTests",
            dependencies: [
                "ArrwServer",
                "ArrwEngine",
                "ArrwEmbedding",
                "ArrwEmbeddingRemote",
                "ArrwTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                // The webhook tests verify the signatures the server sent.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                // The crash test drives a child `arrwdb` over real HTTP with AsyncHTTPClient (ARCHITECTURE.md,
                // "Tests": live tests use real clients); NIOHTTP1 names its request methods.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
