// swift-tools-version:6.1
import PackageDescription

/// Every target holds the module lines DESIGN.md draws: imports are internal unless re-exported on
/// purpose, existential types are spelled `any`, and a member is visible only through its own import.
let strictness: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "SigmicArchive",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "sigmic-archive", targets: ["sigmic-archive"]),
        .executable(name: "sigmic-emulator", targets: ["sigmic-emulator"]),
        .executable(name: "sigmic-archive-web", targets: ["sigmic-archive-web"]),
        .executable(name: "sigmic-archive-mcp", targets: ["sigmic-archive-mcp"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // Secrets in text: the rules `redact` applies, as a pure one-pass scanner.
        .target(
            name: "Redaction",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strictness
        ),
        // The archive: the only module that speaks SQL. Migrations/*.sql are compiled in by the plugin.
        .target(
            name: "ArchiveStore",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for what GRDB does not wrap (a search's progress handler).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictness,
            plugins: [.plugin(name: "EmbedMigrations")]
        ),
        // The team archive on PostgreSQL: the store's second engine. Migrations/postgres/*.sql are
        // compiled in by the same plugin.
        .target(
            name: "ArchivePostgres",
            dependencies: [
                "ArchiveStore", "HostAddress", "Pacing",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictness,
            plugins: [.plugin(name: "EmbedMigrations")]
        ),
        // The version (from VERSION) and the commit a program was built from, for `--version`.
        .target(name: "BuildInfo", swiftSettings: strictness, plugins: [.plugin(name: "EmbedBuildInfo")]),
        // A host judged as an address (is it loopback?), for the API client, `serve` and PostgreSQL.
        .target(name: "HostAddress", swiftSettings: strictness),
        // Time and retries, injected everywhere something waits: `Stopwatch`, `RetryPolicy`, `Retrier`.
        .target(name: "Pacing", swiftSettings: strictness),
        // The typed API client: every endpoint, the SSE parser, errors that keep their context, retries.
        .target(
            name: "SigmicAPI",
            dependencies: [
                "HostAddress", "Pacing",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictness
        ),
        // The sync engine: a pure planner and an executor over the client and the store.
        .target(
            name: "ArchiveSync",
            dependencies: [
                "ArchiveStore", "SigmicAPI", "Pacing", "Redaction",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictness
        ),
        // Transcripts: what `show --json` prints and what `export` writes (Markdown and JSON).
        .target(
            name: "ArchiveExport",
            dependencies: ["ArchiveStore"],
            swiftSettings: strictness
        ),
        // cmark-gfm from the system (Debian: libcmark-gfm-dev, libcmark-gfm-extensions-dev).
        .systemLibrary(
            name: "CCmarkGFM",
            providers: [.apt(["libcmark-gfm-dev", "libcmark-gfm-extensions-dev"])]
        ),
        // `serve`: the archive as web pages and JSON, read-only, on Hummingbird.
        .target(
            name: "ArchiveWeb",
            dependencies: [
                "ArchiveStore", "ArchiveExport", "CCmarkGFM",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: strictness
        ),
        // `mcp`: the archive as a Model Context Protocol server over stdio, read-only.
        .target(
            name: "ArchiveMCP",
            dependencies: [
                "ArchiveStore", "ArchiveExport", "BuildInfo",
                .product(name: "MCP", package: "swift-sdk"),
            ],
            swiftSettings: strictness
        ),
        .target(
            name: "ArchiveCLI",
            dependencies: [
                "ArchiveStore", "ArchivePostgres", "ArchiveSync", "ArchiveExport", "SigmicAPI", "Pacing", "BuildInfo", "Redaction",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strictness
        ),
        // `sigmic-archive serve` becomes this program, so that Hummingbird and cmark-gfm weigh on no
        // other command's size and start-up.
        .executableTarget(
            name: "sigmic-archive-web",
            dependencies: ["ArchiveWeb", "ArchivePostgres"],
            swiftSettings: strictness
        ),
        // `sigmic-archive mcp` becomes this program: the MCP SDK brings FoundationNetworking (libcurl and
        // some twenty shared libraries), which no other command should load at start-up.
        .executableTarget(
            name: "sigmic-archive-mcp",
            dependencies: ["ArchiveMCP", "ArchivePostgres"],
            swiftSettings: strictness
        ),
        // `demo` starts the `sigmic-emulator` program built beside it rather than linking the emulator
        // in, so that no other command carries the test double in its size and start-up.
        .executableTarget(
            name: "sigmic-archive",
            dependencies: ["ArchiveCLI"],
            swiftSettings: strictness
        ),

        // The Sigmic API emulator: its own program, sharing no code with the client modules, so the two
        // can disagree — which is how tests catch client bugs.
        .target(
            name: "SigmicEmulator",
            dependencies: [
                "SeededRandom",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "MultipartKit", package: "multipart-kit"),
            ],
            path: "tools/emulator/Sources/SigmicEmulator",
            swiftSettings: strictness
        ),
        .executableTarget(
            name: "sigmic-emulator",
            dependencies: [
                "SigmicEmulator",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "tools/emulator/Sources/sigmic-emulator",
            swiftSettings: strictness
        ),

        // The one seeded generator (SplitMix64): the emulator's worlds, the corpora, the fuzzers, tests.
        .target(name: "SeededRandom", path: "tools/SeededRandom", swiftSettings: strictness),

        // Benchmarks (see BENCHMARKS.md).
        .executableTarget(
            name: "sse-bench",
            dependencies: ["SigmicAPI"],
            path: "tools/bench/sse-bench",
            swiftSettings: strictness
        ),
        // The reference for recording a followed run: read and parse a stream, record nothing.
        .executableTarget(
            name: "stream-read",
            dependencies: ["SigmicAPI", .product(name: "AsyncHTTPClient", package: "async-http-client")],
            path: "tools/bench/stream-read",
            swiftSettings: strictness
        ),
        // Deterministic archive corpora for the search, ingest and export benchmarks.
        .executableTarget(
            name: "archive-bench",
            dependencies: ["ArchiveStore", "ArchiveExport", "SeededRandom"],
            path: "tools/bench/archive-bench",
            swiftSettings: strictness
        ),

        // Property-based fuzzing of the SSE and search-query parsers (see RELIABILITY.md).
        // What both fuzzers share: the command line.
        .target(name: "FuzzSupport", path: "tools/fuzz/FuzzSupport", swiftSettings: strictness),
        .executableTarget(
            name: "fuzz-parsers",
            dependencies: ["SigmicAPI", "ArchiveStore", "FuzzSupport", "SeededRandom"],
            path: "tools/fuzz/fuzz-parsers",
            swiftSettings: strictness
        ),
        // Property-based fuzzing of what `serve` reads from the network and `mcp` from stdin.
        .executableTarget(
            name: "fuzz-requests",
            dependencies: [
                "ArchiveWeb", "ArchiveMCP", "FuzzSupport", "SeededRandom",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "tools/fuzz/fuzz-requests",
            swiftSettings: strictness
        ),

        // Build tooling: turns Migrations/*.sql into Swift source at build time, so the one
        // executable carries its schema and needs no resource bundle at run time.
        .executableTarget(
            name: "embed-migrations",
            path: "tools/build/embed-migrations",
            swiftSettings: strictness
        ),
        .plugin(
            name: "EmbedMigrations",
            capability: .buildTool(),
            dependencies: ["embed-migrations"],
            path: "tools/build/EmbedMigrationsPlugin"
        ),
        // Build tooling: VERSION and the commit into BuildInfo (tools/build/write-build-info).
        .plugin(name: "EmbedBuildInfo", capability: .buildTool(), path: "tools/build/EmbedBuildInfoPlugin"),

        // Tests: one target per module; shared scaffolding in TestSupport.
        .target(
            name: "TestSupport",
            dependencies: ["ArchiveStore", "SigmicEmulator", "SeededRandom"],
            path: "Tests/TestSupport",
            swiftSettings: strictness
        ),
        .testTarget(
            name: "RedactionTests",
            dependencies: ["Redaction"],
            swiftSettings: strictness
        ),
        .testTarget(
            name: "ArchiveStoreTests",
            dependencies: ["ArchiveStore", "TestSupport", "fuzz-parsers"],
            swiftSettings: strictness
        ),
        // Against a real PostgreSQL server: `tools/test` starts a throwaway cluster and names it in
        // SIGMIC_TEST_POSTGRES_URL (tools/postgres/throwaway-cluster).
        .testTarget(
            name: "ArchivePostgresTests",
            dependencies: [
                "ArchivePostgres", "ArchiveStore", "Pacing", "TestSupport", "SigmicEmulator", "sigmic-archive",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictness
        ),
        .testTarget(
            name: "SigmicAPITests",
            dependencies: [
                "SigmicAPI", "HostAddress", "Pacing", "SigmicEmulator", "TestSupport", "SeededRandom",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictness
        ),
        .testTarget(
            name: "ArchiveSyncTests",
            dependencies: ["ArchiveSync", "ArchiveStore", "SigmicAPI", "Pacing", "SigmicEmulator", "TestSupport", "sigmic-archive"],
            swiftSettings: strictness
        ),
        .testTarget(
            name: "SigmicEmulatorTests",
            dependencies: ["SigmicEmulator", "TestSupport", "sigmic-emulator"],
            swiftSettings: strictness
        ),
        .testTarget(
            name: "ArchiveExportTests",
            dependencies: ["ArchiveExport", "ArchiveStore", "TestSupport", "sigmic-archive"],
            exclude: ["Helpers"],
            swiftSettings: strictness
        ),
        .testTarget(
            name: "ArchiveWebTests",
            dependencies: ["ArchiveWeb", "ArchiveStore", "TestSupport", "fuzz-requests", .product(name: "NIOHTTP1", package: "swift-nio"),
                           .product(name: "NIOEmbedded", package: "swift-nio"), .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strictness
        ),
        .testTarget(
            name: "ArchiveMCPTests",
            dependencies: ["ArchiveMCP"],
            swiftSettings: strictness
        ),
        .testTarget(
            name: "ArchiveCLITests",
            dependencies: ["ArchiveStore", "ArchiveCLI", "SigmicEmulator", "TestSupport", "sigmic-archive", "sigmic-archive-web", "sigmic-archive-mcp",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")],
            exclude: ["Golden", "Helpers"],
            swiftSettings: strictness
        ),
    ],
    swiftLanguageModes: [.v6]
)
