import Foundation
import JSON
import Postgres
import TestSupport
import Testing
import WorkflowDefinitions
import WorkflowQueue

/// Hostile task configs in `include_path`, run by a real worker: each fails its own run once, naming
/// its file and the limit it broke, while the other tasks in the folder and a co-running job carry on.
@Suite struct HostileTaskConfigTests {
    /// A config that, unbounded, overflowed the stack or exhausted memory of the process loading it.
    enum Hostile: String, CaseIterable {
        case deepJinja = "deep_jinja", deepIf = "deep_if", hugeString = "huge_string", hugeRange = "huge_range"
        case deepYAML = "deep_yaml", billionLaughs = "billion_laughs"

        /// The workflow that meets the limit: YAML at indexing and nesting at compiling (Register), size at rendering (Sampler).
        var failingType: String {
            switch self {
            case .deepYAML, .billionLaughs, .deepJinja, .deepIf: "Register"
            case .hugeString, .hugeRange: "Sampler"
            }
        }

        /// The limit's name as its error spells it.
        var limit: String {
            switch self {
            case .deepJinja, .deepIf: "JinjaLimits.maxNesting"
            case .hugeString: "JinjaLimits.maxStringBytes"
            case .hugeRange: "JinjaLimits.maxItems"
            case .deepYAML: "YAMLLimits.maxDepth"
            case .billionLaughs: "YAMLLimits.maxNodes"
            }
        }

        /// The task's YAML: a local-data task whose prompt (or the file around it) is the weapon.
        var yaml: String {
            switch self {
            case .deepJinja: return Self.task(rawValue, docToText: "'{{ " + String(repeating: "(", count: 10_000) + "question" + String(repeating: ")", count: 10_000) + " }}'")
            case .deepIf: return Self.task(rawValue, docToText: "'" + String(repeating: "{% if true %}", count: 10_000) + "x" + String(repeating: "{% endif %}", count: 10_000) + "'")
            case .hugeString: return Self.task(rawValue, docToText: #""{{ 'x' * 10000000000 }}""#)
            case .hugeRange: return Self.task(rawValue, docToText: #""{% for i in range(100000000) %}x{% endfor %}""#)
            case .deepYAML: return Self.task(rawValue, docToText: String(repeating: "[", count: 40_000) + String(repeating: "]", count: 40_000))
            case .billionLaughs:
                var lines = [#"a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]"#]
                for level in 1...9 {
                    lines.append("a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 9).joined(separator: ", ") + "]")
                }
                return Self.task(rawValue, docToText: "*a9", before: lines.joined(separator: "\n"))
            }
        }

        static func task(_ name: String, docToText: String, before: String = "") -> String {
            """
            task: \(name)
            dataset_path: json
            dataset_kwargs:
              data_files:
                test: data/questions.jsonl
            output_type: generate_until
            test_split: test
            doc_to_target: "{{answer}}"
            generation_kwargs:
              until: ["\\n"]
            metric_list:
              - metric: exact_match
            \(before)
            doc_to_text: \(docToText)

            """
        }
    }

    /// A task folder with one good task and every hostile one beside it.
    static func taskFolder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/data", withIntermediateDirectories: true)
        try Data(Hostile.task("local_arith", docToText: #""Q: {{question}}\nA:""#).utf8).write(to: URL(fileURLWithPath: folder + "/local_arith.yaml"))
        for hostile in Hostile.allCases {
            try Data(hostile.yaml.utf8).write(to: URL(fileURLWithPath: folder + "/\(hostile.rawValue).yaml"))
        }
        // The original's per-task table must know a task before the Sampler builds its prompts.
        let entries = (["local_arith"] + Hostile.allCases.map(\.rawValue)).map { "\"\($0)\": {\"metrics\": [\"exact_match\"]}" }
        try Data(("{" + entries.joined(separator: ", ") + "}").utf8).write(to: URL(fileURLWithPath: folder + "/task_config.json"))
        let rows = [#"{"question": "1+1", "answer": "2"}"#, #"{"question": "2+3", "answer": "5"}"#]
        try Data((rows.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: folder + "/data/questions.jsonl"))
        return folder
    }

    /// Queues product workflows directly, as a client that skips `workflow start`'s checks would, with
    /// three attempts so that a retry (a crash, or a limit error taken as transient) shows.
    static func client(_ uri: String) throws -> (WorkflowClient, PostgresConnectionPool) {
        var registry = WorkflowRegistry()
        let options = WorkflowOptions(retryPolicy: RetryPolicy(maximumAttempts: 3, initialInterval: .milliseconds(50)),
                                      startToCloseTimeout: .seconds(120), heartbeatTimeout: .seconds(2), taskQueue: "sampler")
        for type in ["Register", "Sampler"] { try registry.register(type, options: options, activity: NoopActivity()) }
        try BuiltinWorkflows.register(into: &registry)
        let pool = PostgresConnectionPool(uri: uri, maxConnections: 2)
        return (WorkflowClient(pool: pool, registry: registry), pool)
    }

    static func register(_ task: String) -> JSONValue { ["framework": "lmeh", "tasks": .string(task)] }

    static func sampler(_ task: String) -> JSONValue {
        ["framework": "lmeh", "tasks": .string(task), "requester_args": ["address": "a", "service": "s"], "qty": 2]
    }

    @Test func eachHostileConfigFailsItsOwnRunOnceNamingFileAndLimitWhileTheWorkerCarriesOn() async throws {
        let database = try await CLIHarness.createDatabase()
        try await withCleanup({ await CLIHarness.dropDatabase(database.name) }) {
            let folder = try Self.taskFolder()
            let config = try CLIHarness.writeConfig(postgresURI: database.uri, includePath: folder)
            let (client, pool) = try Self.client(database.uri)
            try await client.migrate()
            let worker = try Spawned(["worker"], config: config, environment: ["TESTBENCH_TASK_CONFIG_FILE": folder + "/task_config.json"])
            // Co-runs with every hostile run below: a crash of the worker would take it down too.
            _ = try await client.start(type: "Sleep", input: ["seconds": 6], workflowID: "bystander")

            let good = try await client.start(type: "Register", input: Self.register("local_arith"))
            let registered = try await client.result(good.workflowID, wait: .seconds(60))
            #expect(registered.status == .completed, "\(String(describing: registered.lastError)); worker: \(worker.stderr)")
            for hostile in Hostile.allCases where hostile.failingType == "Sampler" {
                let run = try await client.start(type: "Register", input: Self.register(hostile.rawValue))
                let done = try await client.result(run.workflowID, wait: .seconds(60))
                #expect(done.status == .completed, "\(hostile): Register reads no template: \(String(describing: done.lastError))")
            }

            for hostile in Hostile.allCases {
                let input = hostile.failingType == "Register" ? Self.register(hostile.rawValue) : Self.sampler(hostile.rawValue)
                let run = try await client.start(type: hostile.failingType, input: input)
                let done = try await client.result(run.workflowID, wait: .seconds(60))
                #expect(done.status == .failed, "\(hostile)")
                #expect(done.attempt == 1, "\(hostile): a limit is not worth a retry")
                let failure = try #require(done.lastError, "\(hostile)")
                #expect(failure.nonRetryable, "\(hostile): \(failure)")
                #expect(failure.message.contains("\(folder)/\(hostile.rawValue).yaml"), "\(hostile) names its file: \(failure.message)")
                #expect(failure.message.contains(hostile.limit), "\(hostile) names the limit: \(failure.message)")
            }

            let sampled = try await client.start(type: "Sampler", input: Self.sampler("local_arith"))
            let prompts = try await client.result(sampled.workflowID, wait: .seconds(60))
            #expect(prompts.status == .completed, "\(String(describing: prompts.lastError)); worker: \(worker.stderr)")
            let bystander = try await client.result("bystander", wait: .seconds(30))
            #expect(bystander.status == .completed)
            #expect(bystander.attempt == 1, "the co-running job never lost its worker")
            #expect(worker.process.isRunning, "worker: \(worker.stderr)")
            worker.signal(SIGTERM)
            #expect(try await worker.wait(timeout: .seconds(15)) == 0, "worker: \(worker.stderr)")
            await pool.close()
        }
    }

    /// The user's path: `workflow start` refuses each hostile run before queueing, naming the file and the limit.
    @Test func workflowStartRefusesEachHostileConfigNamingFileAndLimit() async throws {
        let database = try await CLIHarness.createDatabase()
        try await withCleanup({ await CLIHarness.dropDatabase(database.name) }) {
            let folder = try Self.taskFolder()
            let config = try CLIHarness.writeConfig(postgresURI: database.uri, includePath: folder)
            for hostile in Hostile.allCases where hostile.failingType == "Register" {
                let input = Self.register(hostile.rawValue).serialized()
                let output = try await CLIHarness.run(["workflow", "start", "--type", "Register", "--input", input], config: config)
                #expect(output.status == 2, "\(hostile): \(output.stderr)")
                #expect(output.stderr.contains("\(folder)/\(hostile.rawValue).yaml"), "\(hostile): \(output.stderr)")
                #expect(output.stderr.contains(hostile.limit), "\(hostile): \(output.stderr)")
            }
        }
    }
}
