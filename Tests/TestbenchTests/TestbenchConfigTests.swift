import Foundation
import JSON
import Testbench
import Testing

@Suite struct TestbenchConfigTests {
    /// Writes `text` to a fresh temporary file and returns its path.
    private func temporaryConfig(_ text: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("testbench-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("config.json").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    private static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    @Test func exampleConfigLoads() throws {
        let config = try TestbenchConfig.load(path: Self.packageRoot.appendingPathComponent("config.json.example").path)
        #expect(config.postgresURI?.hasPrefix("postgresql://") == true)
        #expect(config.worker.taskQueues == ["sampler", "evaluator"])
        #expect(config.worker.maxWorkers == 4)
        #expect(config.timeouts["default"] == ServiceTimeouts(promptLength: [0, 8192, 32768], slaTime: [0, 2, 10], tpot: 0.336, queue: 30))
        #expect(config.datasetsDir == Self.packageRoot.appendingPathComponent("datasets").path)
        #expect(config.summary["postgres_uri"] == "postgresql://admin:***@localhost:5432/pocket-ml-testbench")
    }

    @Test func originalTemporalBlockIsAccepted() throws {
        let path = try temporaryConfig(#"{"postgres_uri": "postgresql://x", "log_level": "WARN", "temporal": {"host": "t", "port": 7233, "namespace": "n", "task_queue": "sampler", "max_workers": 100}}"#)
        let config = try TestbenchConfig.load(path: path)
        #expect(config.worker.taskQueues == ["sampler"])
        #expect(config.worker.maxWorkers == 100)
        #expect(config.logLevel == .warning)
        #expect(config.temporal == TemporalSettings(host: "t", port: 7233, namespace: "n", taskQueue: "sampler"))
    }

    /// The original's evaluator config.sample.json, and the sampler's Python SDK limits: a Temporal
    /// worker with the manager's result analysis; max_concurrent_activities bounds the activities.
    @Test func originalEvaluatorAndSamplerTemporalBlocksAreAccepted() throws {
        let evaluator = try TestbenchConfig.load(path: try temporaryConfig(#"""
            {"postgres_uri": "postgresql://x", "mongodb_uri": "mongodb://m:27017", "log_level": "DEBUG",
             "temporal": {"host": "NETWORK", "port": 7233, "namespace": "pocket-ml-testbench", "task_queue": "evaluate", "max_workers": 10,
                          "manager-result-analyzer": {"workflow_name": "Manager-ResultAnalyzer", "task_queue": "manager-local"}}}
            """#))
        #expect(evaluator.temporal == TemporalSettings(
            host: "NETWORK", port: 7233, namespace: "pocket-ml-testbench", taskQueue: "evaluate",
            resultAnalyzer: TestbenchWorkflows.ResultAnalyzer(workflowName: "Manager-ResultAnalyzer", taskQueue: "manager-local")))
        #expect(evaluator.worker.maxWorkers == 10)
        let sampler = try TestbenchConfig.load(path: try temporaryConfig(#"""
            {"postgres_uri": "postgresql://x", "temporal": {"host": "h", "namespace": "pocket-ml-testbench", "task_queue": "sampler", "max_workers": 8,
             "max_concurrent_activities": 3, "max_concurrent_workflow_tasks": 8, "max_concurrent_workflow_task_polls": 8, "max_concurrent_activity_task_polls": 8}}
            """#))
        #expect(sampler.temporal?.port == 7233)
        #expect(sampler.worker.maxWorkers == 3)
        let queueOnly = try TestbenchConfig.load(path: try temporaryConfig(#"{"temporal": {"task_queue": "sampler"}}"#))
        #expect(queueOnly.temporal == nil, "without a host the block configures the PostgreSQL queue")
    }

    @Test func summaryShowsTheTemporalServerOnlyWhenOneIsConfigured() throws {
        let path = try temporaryConfig(#"{"postgres_uri": "postgresql://x", "temporal": {"host": "t", "namespace": "n", "task_queue": "evaluate", "manager-result-analyzer": {"workflow_name": "M", "task_queue": "q"}}}"#)
        let summary = try TestbenchConfig.load(path: path).summary
        #expect(summary["temporal"] == ["host": "t", "port": 7233, "namespace": "n", "task_queue": "evaluate",
                                        "manager-result-analyzer": ["workflow_name": "M", "task_queue": "q"]])
        let example = try TestbenchConfig.load(path: Self.packageRoot.appendingPathComponent("config.json.example").path)
        #expect(example.summary["temporal"] == nil)
    }

    @Test(arguments: [
        (#"{"postgres_uri": 5}"#, "key 'postgres_uri' must be a string, found integer"),
        (#"{"postgres_uri": "x", "postgress_uri": "y"}"#, "unknown key 'postgress_uri'"),
        (#"{"worker": {"max_workers": 0}}"#, "key 'worker.max_workers': must be at least 1"),
        (#"{"worker": {"max_workers": "4"}}"#, "key 'worker.max_workers' must be an integer, found string"),
        (#"{"worker": {"threads": 4}}"#, "unknown key 'worker.threads'"),
        (#"{"log_level": "loud"}"#, "key 'log_level': 'loud' is not one of trace, debug, info, notice, warning, error, critical"),
        (#"{"timeouts": {"default": {"tpot": 1, "queue": 1}}}"#, "missing required key 'timeouts.default.ttft'"),
        (#"{"timeouts": {"x": {"ttft": {"prompt_lenght": [0, 1], "sla_time": [0]}, "tpot": 1, "queue": 1}}}"#, "key 'timeouts.x.ttft.sla_time': needs as many points as prompt_lenght (at least one)"),
        (#"{"include_path": [1]}"#, "key 'include_path[0]' must be a string, found integer"),
        (#"[1, 2]"#, "key '(root)' must be an object, found array"),
        (#"{"temporal": {"host": "h"}}"#, "key 'temporal.task_queue': is needed with host: the queue this worker polls"),
        (#"{"temporal": {"host": "h", "task_queue": "q", "port": 0}}"#, "key 'temporal.port': must be 1–65535, got 0"),
        (#"{"temporal": {"namespace": "n", "task_queue": "q"}}"#, "key 'temporal.host': is needed with port, namespace or manager-result-analyzer (the Temporal server to poll)"),
        (#"{"temporal": {"host": "h", "task_queue": "q", "hots": 1}}"#, "unknown key 'temporal.hots'"),
        (#"{"temporal": {"host": "h", "task_queue": "q", "manager-result-analyzer": {"workflow_name": "M"}}}"#, "missing required key 'temporal.manager-result-analyzer.task_queue'"),
    ])
    func badFieldNamesTheKey(json: String, message: String) throws {
        let path = try temporaryConfig(json)
        let error = #expect(throws: ConfigError.self) { try TestbenchConfig.load(path: path) }
        #expect(error?.description == "configuration file \(path): \(message)")
    }

    @Test func badJSONIsReported() throws {
        let path = try temporaryConfig("{\"postgres_uri\": ")
        let error = #expect(throws: ConfigError.self) { try TestbenchConfig.load(path: path) }
        #expect(error?.description.hasPrefix("configuration file \(path) is not valid JSON: invalid JSON at byte") == true)
    }

    @Test func missingFileAndMissingVariable() throws {
        #expect(throws: ConfigError.fileNotFound(path: "/nonexistent/config.json")) {
            try TestbenchConfig.load(explicitPath: nil, environment: ["CONFIG_PATH": "/nonexistent/config.json"])
        }
        #expect(throws: ConfigError.noConfigGiven) { try TestbenchConfig.load(explicitPath: nil, environment: [:]) }
    }

    @Test func withoutDatasetsDirTheBundledDatasetsAreFoundFromAnyFolder() throws {
        let elsewhere = try temporaryConfig("{}")
        #expect(try TestbenchConfig.load(path: elsewhere).datasetsDir == Self.packageRoot.appendingPathComponent("datasets").path)
        // A datasets/ folder beside the file still wins, and an explicit datasets_dir is taken as given.
        let beside = URL(fileURLWithPath: elsewhere).deletingLastPathComponent().appendingPathComponent("datasets")
        try FileManager.default.createDirectory(at: beside, withIntermediateDirectories: true)
        #expect(try TestbenchConfig.load(path: elsewhere).datasetsDir == beside.path)
        let explicit = try temporaryConfig(#"{"datasets_dir": "mine"}"#)
        #expect(try TestbenchConfig.load(path: explicit).datasetsDir
                == URL(fileURLWithPath: explicit).deletingLastPathComponent().appendingPathComponent("mine").path)
    }
}
