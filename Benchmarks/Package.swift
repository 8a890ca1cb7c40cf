// swift-tools-version:6.2
import PackageDescription

/// arrwDB's benchmarks: release-mode executables kept out of the main package (as SwiftNIO keeps
/// its benchmarks), so the test build never compiles them. Build and run from the repository root:
///
///     swift build -c release --package-path Benchmarks --product arrw-write-bench
///     Benchmarks/.build/release/arrw-write-bench
///
/// The server benchmarks start `.build/release/arrwdb` (build it with `swift build -c release --product arrwdb`).
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "arrwDBBenchmarks",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "arrw-bench", targets: ["ArrwBenchmarks"]),
        .executable(name: "arrw-recovery-bench", targets: ["ArrwRecoveryBenchmark"]),
        .executable(name: "arrw-write-bench", targets: ["ArrwWriteBenchmark"]),
        .executable(name: "arrw-realtime-bench", targets: ["ArrwRealtimeBenchmark"]),
        .executable(name: "arrw-jobs-bench", targets: ["ArrwJobsBenchmark"]),
        .executable(name: "arrw-keyword-bench", targets: ["ArrwKeywordBenchmark"]),
    ],
    dependencies: [
        .package(name: "arrwDB", path: ".."),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "ArrwBenchmarks",
            dependencies: [.product(name: "ArrwIndex", package: "arrwDB"), .product(name: "ArrwTestSupport", package: "arrwDB")],
            path: "ScanBenchmark",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "ArrwRecoveryBenchmark",
            dependencies: [
                .product(name: "ArrwEngine", package: "arrwDB"),
                .product(name: "ArrwEmbedding", package: "arrwDB"),
                .product(name: "ArrwTestSupport", package: "arrwDB"),
            ],
            path: "RecoveryBenchmark",
            swiftSettings: strictSettings
        ),
        // Drives a real server over HTTP, so it needs an HTTP client (async-http-client, the
        // stack's outbound HTTP choice).
        .executableTarget(
            name: "ArrwWriteBenchmark",
            dependencies: [
                .product(name: "ArrwTestSupport", package: "arrwDB"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "WriteBenchmark",
            swiftSettings: strictSettings
        ),
        // WebSocket round trips, event delivery and the slow-client test against a real server.
        .executableTarget(
            name: "ArrwRealtimeBenchmark",
            dependencies: [
                .product(name: "ArrwTestSupport", package: "arrwDB"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
            ],
            path: "RealtimeBenchmark",
            swiftSettings: strictSettings
        ),
        // Background jobs through the HTTP API: small-job throughput, and search latency while
        // an index_rebuild job runs beside it.
        .executableTarget(
            name: "ArrwJobsBenchmark",
            dependencies: [
                .product(name: "ArrwTestSupport", package: "arrwDB"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "JobsBenchmark",
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "ArrwKeywordBenchmark",
            dependencies: [.product(name: "ArrwText", package: "arrwDB")],
            path: "KeywordBenchmark",
            swiftSettings: strictSettings
        ),
    ]
)
