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
        // Temporal's WorkflowService over gRPC (issue 13): TemporalAPI, TemporalClient and TemporalWorker only.
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        // C libraries, each touched by exactly one Swift module.
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CMongoC", pkgConfig: "libmongoc-1.0", providers: [.apt(["libmongoc-dev", "libbson-dev"])]),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),

        // Engines: nothing here knows about tasks or workflows.
        // Python's semantics (str/repr, float text, str methods, literals, random.Random), below everything that follows Python.
        .target(name: "Python"),
        .target(name: "JSON", dependencies: ["Python"]),
        // ObjectID and the Extended JSON $oid/$date forms, the same in every document store.
        .target(name: "ExtendedJSON", dependencies: ["JSON"]),
        .target(name: "Postgres", dependencies: ["CLibPQ", "JSON"]),
        .target(name: "Mongo", dependencies: ["CMongoC", "JSON", "ExtendedJSON"]),
        .target(name: "YAML", dependencies: ["CYAML", "Python"]),
        .target(name: "PythonRegex", dependencies: ["Python"]),
        .target(name: "Jinja", dependencies: ["JSON", "Python", "PythonRegex"]),

        // Domain.
        // LMEval reads task YAML into Scoring's typed specs and binds every `!function` to a native.
        .target(name: "LMEval", dependencies: ["JSON", "Python", "YAML", "Jinja", "PythonRegex", "Scoring"]),
        .target(name: "Scoring", dependencies: ["JSON", "Python", "PythonRegex"]),
        .target(name: "Datasets", dependencies: ["JSON", "Python", "Postgres", .product(name: "Logging", package: "swift-log")]),
        // One set of workflow definitions (activities, options, registry, follow-ups), two backends:
        // WorkflowQueue (the PostgreSQL queue, the embedded default) and TemporalWorker (a Temporal server).
        .target(name: "WorkflowDefinitions", dependencies: ["JSON", .product(name: "Logging", package: "swift-log")]),
        .target(name: "WorkflowQueue", dependencies: ["WorkflowDefinitions", "JSON", "Postgres", .product(name: "Logging", package: "swift-log")]),
        .target(name: "Testbench", dependencies: [
            "JSON", "Python", "ExtendedJSON", "Postgres", "Mongo", "LMEval", "Scoring", "Datasets", "WorkflowDefinitions", "WorkflowQueue",
            .product(name: "Logging", package: "swift-log"),
        ]),

        // Temporal (issue 13). TemporalAPI is generated code only (scripts/temporal-protos/generate.sh
        // from the trimmed protos in Protos/); TemporalClient is the hand-written client over it.
        .target(name: "TemporalAPI", dependencies: [
            .product(name: "GRPCCore", package: "grpc-swift-2"),
            .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ]),
        .target(name: "TemporalClient", dependencies: [
            "TemporalAPI", "JSON",
            .product(name: "GRPCCore", package: "grpc-swift-2"),
            .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ]),

        // The Temporal backend: runs WorkflowDefinitions' registry for a Temporal server.
        .target(name: "TemporalWorker", dependencies: [
            "TemporalClient", "TemporalAPI", "WorkflowDefinitions", "JSON",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ]),

        // CLI: the `testbench` executable (module TestbenchCLI, so it never shares a folder name
        // with the Testbench library on a case-insensitive file system).
        .executableTarget(name: "TestbenchCLI", dependencies: [
            "Testbench", "WorkflowDefinitions", "WorkflowQueue", "Datasets", "LMEval", "Scoring", "Postgres", "ExtendedJSON", "JSON", "Python",
            "TemporalClient", "TemporalWorker",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Benchmarks (not tests): `swift run -c release testbench-bench queue`; `temporal` also needs a Temporal server.
        .executableTarget(name: "testbench-bench", dependencies: [
            "BenchSupport", "WorkflowDefinitions", "WorkflowQueue", "Postgres", "JSON", "Python", "Testbench", "LMEval", "Scoring", "ExtendedJSON",
            "TemporalClient", "TemporalWorker",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // What the benchmark executables share: argument reading, timing, peak RSS.
        .target(name: "BenchSupport"),
        // Ingestion benchmark (scripts/bench-ingest.sh): Datasets' COPY load against psql's \copy.
        .executableTarget(name: "testbench-ingest-bench", dependencies: ["BenchSupport", "Datasets", "Postgres", "JSON", "Python"]),
        // Sampler benchmark: prompts built and stored per second through SamplerActivity.
        .executableTarget(name: "testbench-sampler-bench", dependencies: [
            "BenchSupport", "Testbench", "WorkflowDefinitions", "WorkflowQueue", "Datasets", "Postgres", "JSON", .product(name: "Logging", package: "swift-log"),
        ]),

        // Helpers several test targets share (test server, HTTP stub, cleanup); never in a product.
        .target(name: "TestSupport", dependencies: ["Postgres", "TemporalClient"], path: "Tests/TestSupport"),

        .testTarget(name: "PythonTests", dependencies: ["Python", "JSON"], resources: [.copy("Fixtures")]),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "PostgresTests", dependencies: ["Postgres", "JSON", "TestSupport"]),
        .testTarget(name: "ExtendedJSONTests", dependencies: ["ExtendedJSON", "JSON"]),
        .testTarget(name: "MongoTests", dependencies: ["Mongo", "ExtendedJSON", "JSON"], exclude: ["Valgrind"]),
        .testTarget(name: "YAMLTests", dependencies: ["YAML", "Python"], resources: [.copy("Fixtures")]),
        .testTarget(name: "JinjaTests", dependencies: ["Jinja", "JSON", "Python"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PythonRegexTests", dependencies: ["PythonRegex"]),
        .testTarget(name: "ScoringTests", dependencies: ["Scoring", "JSON", "Python", "PythonRegex", "LMEval"], resources: [.copy("Fixtures")]),
        .testTarget(name: "LMEvalTests", dependencies: ["LMEval", "JSON", "Python", "YAML", "Jinja", "Scoring"], resources: [.copy("Fixtures")]),
        .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "Postgres", "JSON", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "WorkflowQueueTests", dependencies: ["WorkflowDefinitions", "WorkflowQueue", "Postgres", "JSON", "TestSupport"]),
        .testTarget(name: "TestbenchTests", dependencies: ["Testbench", "Postgres", "Mongo", "ExtendedJSON", "JSON", "Python", "LMEval", "Datasets", "WorkflowDefinitions", "WorkflowQueue", "TestSupport",
                                                    "TemporalClient", "TemporalAPI", "TemporalWorker"],
                    exclude: ["Fixtures"]),
        // Runs the built `testbench` binary (worker kill -9/SIGTERM, CLI exit codes).
        .testTarget(name: "CLITests", dependencies: ["WorkflowDefinitions", "WorkflowQueue", "Postgres", "JSON", "TestSupport", "TemporalClient", "TemporalAPI"]),
        // Deployment files (docker-compose/, apps/, scripts): file checks, no product code.
        .testTarget(name: "StackTests", dependencies: ["YAML", "JSON"]),
        // Against the Temporal server scripts/temporal-server.sh starts (TESTBENCH_TEMPORAL_ADDRESS).
        .testTarget(name: "TemporalTests", dependencies: ["TemporalClient", "TemporalAPI", "JSON", "TestSupport"]),
        // The Temporal backend's decisions, from histories written by hand (no server).
        .testTarget(name: "TemporalWorkerTests", dependencies: ["TemporalWorker", "TemporalClient", "TemporalAPI", "WorkflowDefinitions", "Testbench", "JSON"]),
        // Seeded random mutation of fuzz/corpus seeds through the parsers: bounded, runs with the suite.
        .testTarget(name: "FuzzTests", dependencies: ["YAML", "Jinja", "JSON", "PythonRegex"]),
    ],
    swiftLanguageModes: [.v6]
)
