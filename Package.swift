// swift-tools-version:6.1
import PackageDescription

// Dependencies point one way: C wrappers → engines → activities → CLI.
let package = Package(
    name: "testbench",
    products: [
        .executable(name: "testbench", targets: ["TestbenchCLI"]),
        .executable(name: "testbench-bench", targets: ["testbench-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // C libraries, each touched by exactly one Swift module.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CMongoC", pkgConfig: "libmongoc-1.0", providers: [.apt(["libmongoc-dev", "libbson-dev"])]),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),

        // Engines: nothing here knows about tasks or workflows.
        .target(name: "JSON"),
        .target(name: "Postgres", dependencies: ["CLibPQ", "JSON"]),
        .target(name: "Mongo", dependencies: ["CMongoC", "JSON"]),
        .target(name: "YAML", dependencies: ["CYAML"]),
        .target(name: "PythonRegex"),
        .target(name: "Jinja", dependencies: ["JSON", "PythonRegex"]),

        // Domain.
        .target(name: "LMEval", dependencies: ["JSON", "YAML", "Jinja"]),
        .target(name: "Scoring", dependencies: ["JSON", "PythonRegex", "Jinja"]),
        .target(name: "Datasets", dependencies: ["JSON", "Postgres", .product(name: "Logging", package: "swift-log")]),
        .target(name: "WorkflowQueue", dependencies: ["JSON", "Postgres", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Testbench", dependencies: [
            "JSON", "Postgres", "Mongo", "LMEval", "Scoring", "Datasets", "WorkflowQueue",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // CLI: the `testbench` executable (module TestbenchCLI, so it never shares a folder name
        // with the Testbench library on a case-insensitive file system).
        .executableTarget(name: "TestbenchCLI", dependencies: [
            "Testbench", "WorkflowQueue", "Datasets", "LMEval", "Scoring", "Postgres", "Mongo", "JSON",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Benchmarks (not tests): `swift run -c release testbench-bench queue`.
        .executableTarget(name: "testbench-bench", dependencies: [
            "WorkflowQueue", "Postgres", "JSON", "Testbench", "LMEval", "Scoring", "Mongo",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Ingestion benchmark (scripts/bench-ingest.sh): Datasets' COPY load against psql's \copy.
        .executableTarget(name: "testbench-ingest-bench", dependencies: ["Datasets", "Postgres", "JSON"]),
        // Sampler benchmark: prompts built and stored per second through SamplerActivity.
        .executableTarget(name: "testbench-sampler-bench", dependencies: [
            "Testbench", "WorkflowQueue", "Datasets", "Postgres", "JSON", .product(name: "Logging", package: "swift-log"),
        ]),

        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "JSON"]),
        .testTarget(name: "MongoTests", dependencies: ["Mongo", "JSON"], exclude: ["Valgrind"]),
        .testTarget(name: "YAMLTests", dependencies: ["YAML"], resources: [.copy("Fixtures")]),
        .testTarget(name: "JinjaTests", dependencies: ["Jinja", "JSON"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PythonRegexTests", dependencies: ["PythonRegex"]),
        .testTarget(name: "ScoringTests", dependencies: ["Scoring", "JSON", "PythonRegex"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LMEvalTests", dependencies: ["LMEval", "JSON", "YAML", "Jinja"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Postgres", "JSON"], exclude: ["Fixtures"]),
        .testTarget(name: "WorkflowQueueTests", dependencies: ["WorkflowQueue", "Postgres", "JSON"]),
        .testTarget(name: "TestbenchTests", dependencies: ["Testbench", "Postgres", "Mongo", "JSON", "LMEval", "Datasets", "WorkflowQueue"],
                    exclude: ["Fixtures"]),
        // Runs the built `testbench` binary (worker kill -9/SIGTERM, CLI exit codes).
        .testTarget(name: "CLITests", dependencies: ["WorkflowQueue", "Postgres", "JSON"]),
        // Deployment files (docker-compose/, apps/, scripts): file checks, no product code.
        .testTarget(name: "StackTests", dependencies: ["YAML", "JSON"]),
    ],
    swiftLanguageModes: [.v6]
)
