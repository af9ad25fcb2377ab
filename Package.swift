// swift-tools-version:6.0
import PackageDescription

/// The executables allocate with jemalloc: a rebuild or a replay allocates on several
/// threads at once, which glibc's allocator serialises.
let jemalloc: [LinkerSetting] = [.linkedLibrary("jemalloc", .when(platforms: [.linux]))]

let package = Package(
    name: "Attest",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "attest", targets: ["attest"]),
        .executable(name: "attest-replay", targets: ["attest-replay"]),
        // The library to embed, in one import (`import AttestKit`): a centre's store, its rules and
        // reports, checkpoints, bundles and replay.
        .library(name: "Attest", targets: ["AttestKit"]),
        // Temporary stores and sample events, for the tests of programs that embed Attest.
        .library(name: "AttestTesting", targets: ["AttestTesting"]),
        .library(name: "EventLog", targets: ["EventLog"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // C: the LMDB library, found through pkg-config.
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        // A safe Swift wrapper over LMDB: environments, scoped transactions, cursors.
        .target(name: "LMDB", dependencies: ["CLMDB"]),
        // C: SHA-256 from libcrypto, found through pkg-config.
        .systemLibrary(
            name: "CSHA256",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // RFC 9162 Merkle tree hashing, compact ranges and proofs.
        .target(name: "Merkle", dependencies: ["CSHA256"]),
        // The append-only, hash-chained event log (domain-agnostic).
        .target(
            name: "EventLog",
            dependencies: [
                "LMDB", "Merkle",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        // The domain's protobuf messages: specifications and event payloads (generated).
        .target(
            name: "Records",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        // The domain: specifications, assessment events, their upcasting and the centre's rules (no storage).
        .target(
            name: "Assessment",
            dependencies: [
                "EventLog", "Merkle", "Records",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        // The store runtime: a centre's store in LMDB, appends through the rules and inline
        // projections, rebuilds, as-of and the feeding of a replay.
        .target(
            name: "Centre",
            dependencies: [
                "Assessment", "EventLog", "LMDB", "Merkle", "Privacy", "Records",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        // The reports kept from the log: learner transcripts and the standardisation audit.
        .target(
            name: "Projections",
            dependencies: ["Assessment", "Centre", "EventLog", "Records", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        // A deterministic, realistic centre as NDJSON: `attest generate`, tests and benchmarks.
        .target(
            name: "Simulation",
            dependencies: ["EventLog", "Records", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        // Personal data: the learners' data keys, outside the log, and fields sealed under them.
        .target(name: "Privacy", dependencies: ["CFieldSeal", "LMDB", .product(name: "Crypto", package: "swift-crypto")]),
        // C: AES-256-GCM and HMAC-SHA256 from libcrypto, keyed once per learner key (`attest-bench seal`).
        .systemLibrary(
            name: "CFieldSeal",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        // The centre's signing key and signed checkpoints of the log (C2SP signed notes).
        .target(
            name: "Checkpoints",
            dependencies: ["EventLog", "LMDB", "Merkle", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Export bundles: a centre's records, checkpoint, key and report digests in a directory.
        .target(name: "Bundles", dependencies: ["Assessment", "Centre", "Checkpoints", "EventLog", "Merkle", "Privacy", "Projections"]),
        // The external quality assurer's replay of a store or a bundle.
        .target(
            name: "Replay",
            dependencies: [
                "Assessment", "Bundles", "Centre", "Checkpoints", "EventLog", "LMDB", "Merkle", "Privacy", "Projections", "Records",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        // Staff accounts and API tokens: credentials outside the log, their lifecycle recorded in it.
        .target(
            name: "Accounts",
            dependencies: [
                "Assessment", "Centre", "EventLog", "LMDB", "Merkle", "Records",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ]
        ),
        // The library's one import: the modules above, from EventLog to Replay.
        .target(
            name: "AttestKit",
            dependencies: [
                "Accounts", "Assessment", "Bundles", "Centre", "Checkpoints", "EventLog", "LMDB", "Merkle", "Privacy", "Projections", "Records", "Replay",
            ]
        ),
        // The centre's pages: its reports as HTML from Mustache templates (Templates/, embedded
        // in Generated/), with inline SVG charts; no scripts, no external files.
        .target(
            name: "Pages",
            dependencies: ["AttestKit", .product(name: "Mustache", package: "swift-mustache")],
            exclude: ["Templates"]
        ),
        // `attest serve`: the store over HTTP to signed-in staff, with group commit and metrics.
        .target(
            name: "Server",
            dependencies: [
                "AttestKit", "Pages",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        // A progress bar for the command-line tools.
        .target(name: "Terminal"),
        // The `attest` command-line tool.
        .executableTarget(
            name: "attest",
            dependencies: [
                "AttestKit", "Pages", "Server", "Simulation", "Terminal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            linkerSettings: jemalloc
        ),
        // Benchmarks and load for crash tests: `swift run -c release attest-bench log`.
        .executableTarget(
            name: "attest-bench",
            dependencies: [
                "Accounts", "Assessment", "AttestTesting", "Centre", "Checkpoints", "EventLog", "LMDB", "Merkle", "Privacy", "Projections", "Records", "Replay",
                "Server", "Simulation",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tools/Benchmarks",
            linkerSettings: jemalloc
        ),
        // The external quality assurer's verifier: `attest-replay STORE|BUNDLE --key KEY`.
        .executableTarget(
            name: "attest-replay",
            dependencies: [
                "AttestKit", "Terminal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Tools/Replay",
            linkerSettings: jemalloc
        ),
        // Fuzz harnesses for the parsers of untrusted input: `attest-fuzz HARNESS CORPUS…` runs a
        // corpus through them; built with `-sanitize=fuzzer -DFUZZING` they are libFuzzer targets (`make fuzz`).
        .executableTarget(
            name: "attest-fuzz",
            dependencies: [
                "Assessment", "AttestTesting", "Bundles", "Centre", "Checkpoints", "Privacy", "Projections", "Records", "Replay",
                "Simulation", .product(name: "Crypto", package: "swift-crypto"), .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tools/Fuzz",
            exclude: ["corpus", "attest.dict", "make-corpus.py", "bundle-exit-codes.py"]
        ),
        // A program embedding the library (docs/embedding.md): `swift run attest-example`.
        .executableTarget(
            name: "attest-example",
            dependencies: ["AttestKit"],
            path: "Tools/Example"
        ),
        // Temporary stores and sample events for the tests.
        .target(name: "AttestTesting", dependencies: ["Assessment", "Centre", "EventLog", "Merkle", "Records", "Simulation"]),
        .testTarget(name: "LMDBTests", dependencies: ["LMDB", "AttestTesting"]),
        .testTarget(name: "MerkleTests", dependencies: ["Merkle"]),
        .testTarget(
            name: "EventLogTests",
            dependencies: [
                "EventLog", "LMDB", "Merkle", "AttestTesting", "Simulation",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .testTarget(
            name: "AssessmentTests",
            dependencies: [
                "Assessment", "AttestTesting", "Centre", "EventLog", "Records", "Simulation",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .testTarget(name: "CentreTests", dependencies: ["Centre", "Projections", "Assessment", "AttestTesting", "EventLog", "Simulation"]),
        .testTarget(name: "ProjectionsTests", dependencies: ["Projections", "Assessment", "Centre", "AttestTesting", "EventLog", "Records", "Simulation"]),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation", "Assessment", "AttestTesting", "Centre"]),
        .testTarget(
            name: "AttestTests",
            dependencies: [
                "EventLog", "LMDB", "Privacy", "AttestTesting", "attest", "attest-bench", "attest-example", "attest-fuzz",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(name: "PrivacyTests", dependencies: ["Privacy", "AttestTesting"]),
        .testTarget(name: "PagesTests", dependencies: ["Pages", "AttestKit", "AttestTesting", "Projections"]),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "AttestKit", "AttestTesting",
                .product(name: "HummingbirdTesting", package: "hummingbird"), .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "AccountsTests", dependencies: ["Accounts", "Assessment", "AttestTesting", "Centre", "Records"]),
        .testTarget(name: "CheckpointsTests", dependencies: ["Checkpoints", "EventLog", "Merkle", "AttestTesting"]),
        .testTarget(
            name: "ReplayTests",
            dependencies: [
                "Replay", "Bundles", "Centre", "Checkpoints", "Assessment", "EventLog", "LMDB", "Merkle", "Projections", "Simulation",
                "AttestTesting", "Privacy", "attest", "attest-replay",
            ]
        ),
    ]
)
