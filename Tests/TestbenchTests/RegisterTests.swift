import Datasets
import Foundation
import JSON
import Logging
import Postgres
import TestSupport
import Testbench
import Testing
import WorkflowDefinitions

@Suite struct RegisterTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Services over a fresh database, the bundled tasks and data, plus `includePaths`; offline.
    static func services(includePaths: [String] = [], datasetsDir: String? = nil) async throws -> TestbenchServices {
        let uri = try await TestDatabase.freshDatabase()
        let config = TestbenchConfig(postgresURI: uri, includePath: includePaths,
                                     datasetsDir: datasetsDir ?? packageRoot.appendingPathComponent("datasets").path)
        return try await TestbenchServices.connect(config: config, maxConnections: 3)
    }

    static func registrar(_ services: TestbenchServices) -> TaskRegistrar {
        TaskRegistrar(services: services, huggingFace: nil)
    }

    static let logger = Logger(label: "register-test")

    @Test func registersABundledTaskAndReadsTheTableBack() async throws {
        let services = try await Self.services()
        let outcomes = try await Self.registrar(services).register(RegisterInput(["framework": "lmeh", "tasks": "bigbench_navigate"]), logger: Self.logger)
        #expect(outcomes == [RegisteredTask(task: "bigbench_navigate", table: "bigbench--navigate", status: .registered, rowsCopied: 255)])
        let (ranges, first, registration) = try await services.postgres.withConnection { connection in
            (try await DatasetTable.splitRanges("bigbench--navigate", on: connection),
             try await DatasetTable.rows("bigbench--navigate", split: "test", offset: 0, limit: 1, on: connection),
             try await TaskRegistry.lookup("bigbench_navigate", on: connection))
        }
        #expect(ranges.map(\.split) == ["train", "test"])
        #expect(ranges.map(\.count) == [5, 250])
        #expect(ranges.last?.minID == 5)
        let firstLine = try String(contentsOf: Self.packageRoot.appendingPathComponent("datasets/bigbench/navigate/test.jsonl"), encoding: .utf8)
            .split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.first?.document == (try JSONValue.parse(firstLine)).objectValue)
        #expect(registration?.datasetTableName == "bigbench--navigate")
    }

    @Test func anUnreachableDatabaseIsARetryableApplicationError() async throws {
        let pool = PostgresConnectionPool(uri: "postgresql://postgres@127.0.0.1:1/postgres?connect_timeout=2", maxConnections: 1)
        let services = TestbenchServices(config: TestbenchConfig(), postgres: pool, documents: PostgresDocumentStore(pool: pool))
        let error = await #expect(throws: ApplicationError.self) {
            try await Self.registrar(services).register(RegisterInput(["framework": "lmeh", "tasks": "bigbench_navigate"]), logger: Self.logger)
        }
        #expect(error?.nonRetryable == false, "\(error?.description ?? "")")
        #expect(error?.type == "Postgres")
    }

    @Test func aTerminatedConnectionIsARetryableApplicationErrorAndTheRetrySucceeds() async throws {
        let services = try await Self.services()
        let uri = try #require(services.config.postgresURI)
        try await services.postgres.withConnection { connection in try await TaskRegistry.createTable(on: connection) }
        // Register's first statement waits on a lock; its backend is terminated there, as by a server restart mid-statement.
        let locker = try await PostgresConnection.connect(uri: uri)
        let monitor = try await PostgresConnection.connect(uri: uri)
        _ = try await locker.execute("BEGIN")
        _ = try await locker.execute("LOCK TABLE \(TaskRegistry.tableName) IN ACCESS EXCLUSIVE MODE")
        let input = try RegisterInput(["framework": "lmeh", "tasks": "bigbench_navigate"])
        let registering = Task { try await Self.registrar(services).register(input, logger: Self.logger) }
        var terminated = 0
        for _ in 0..<400 where terminated == 0 {
            terminated = try await monitor.query(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).scalar(Int.self)
            if terminated == 0 { try await Task.sleep(for: .milliseconds(25)) }
        }
        _ = try await locker.execute("ROLLBACK")
        await locker.close()
        await monitor.close()
        #expect(terminated == 1)
        let error = await #expect(throws: ApplicationError.self) { try await registering.value }
        #expect(error?.nonRetryable == false, "\(error?.description ?? "")")
        let retried = try await Self.registrar(services).register(input, logger: Self.logger)
        #expect(retried.map(\.status) == [.registered])
    }

    /// Two runs registering one task at once: the one that loaded the table reports its rows, the other
    /// (whose load found the table loaded and the task registered meanwhile) reports already_registered, 0 rows.
    @Test func racingRunsReportOnlyTheRowsTheyCopied() async throws {
        let services = try await Self.services()
        let input = try RegisterInput(["framework": "lmeh", "tasks": "bigbench_navigate"])
        async let first = Self.registrar(services).register(input, logger: Self.logger)
        async let second = Self.registrar(services).register(input, logger: Self.logger)
        let outcomes = try await (first + second).sorted { $0.rowsCopied > $1.rowsCopied }
        #expect(outcomes.map(\.status) == [.registered, .alreadyRegistered])
        #expect(outcomes.map(\.rowsCopied) == [255, 0])
    }

    @Test func aGroupExpandsAndTasksSharingADatasetShareOneTable() async throws {
        let services = try await Self.services()
        let registrar = Self.registrar(services)
        let outcomes = try await registrar.register(RegisterInput(["framework": "lmeh", "tasks": "bigbench_navigate, bigbench_navigate_cot"]), logger: Self.logger)
        #expect(outcomes.map(\.table) == ["bigbench--navigate", "bigbench--navigate"])
        #expect(outcomes.map(\.rowsCopied) == [255, 0])
        let group = try await registrar.register(RegisterInput(["framework": "lmeh", "tasks": "bigbench"]), logger: Self.logger)
        #expect(group.count == 14)
        #expect(group.filter { $0.status == .alreadyRegistered }.map(\.task) == ["bigbench_navigate"])
        // Registering again is a no-op.
        let again = try await registrar.register(RegisterInput(["framework": "lmeh", "tasks": "bigbench"]), logger: Self.logger)
        #expect(again.allSatisfy { $0.status == .alreadyRegistered && $0.rowsCopied == 0 })
    }

    /// The original's `PocketNetworkRegisterTaskRequest`: `"lmeh" in framework`, `verbosity`, `include_path` (a string).
    @Test func theOriginalsInputFieldsAreRead() throws {
        let input = try RegisterInput(["framework": "lmeh-generative", "tasks": "bigbench_navigate", "verbosity": "DEBUG", "include_path": "/opt/tasks"])
        #expect(input.tasks == ["bigbench_navigate"])
        #expect(input.verbosity == .debug)
        #expect(input.includePaths == ["/opt/tasks"])
        #expect(input.ignoredKeys.isEmpty)
        let defaults = try RegisterInput(["framework": "lmeh", "tasks": "bigbench_navigate", "verbosity": nil, "include_path": nil])
        #expect(defaults.verbosity == nil && defaults.includePaths.isEmpty)
    }

    @Test(arguments: [
        (["framework": "lmeh", "tasks": "no_such_task,bigbench_navigate"], "Tasks not found: no_such_task"),
        (["framework": "other", "tasks": "bigbench_navigate"], "Unsupported framework other"),
        (["framework": "lmeh", "tasks": "bigbench_navigate", "verbosity": "LOUD"], "must be one of CRITICAL, ERROR, WARNING, INFO, DEBUG"),
        (["framework": "lmeh", "tasks": "bigbench_navigate", "include_path": 3], "include_path"),
        (["framework": "lmeh"], "missing required key 'tasks'"),
        (["framework": "lmeh", "tasks": " , "], "names no task"),
        ([1, 2], "must be an object"),
    ] as [(JSONValue, String)])
    func badInputIsNonRetryableAndWritesNothing(input: JSONValue, message: String) async throws {
        let services = try await Self.services()
        let error = await #expect(throws: ApplicationError.self) {
            try await Self.registrar(services).register(try RegisterInput(input), logger: Self.logger)
        }
        #expect(error?.nonRetryable == true)
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
        let tables = try await services.postgres.withConnection { connection in
            try await connection.query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'task_registry'").scalar(Int.self)
        }
        #expect(tables == 0)
    }

    /// A task folder with its own dataset, written into a temporary directory.
    static func customTask(name: String, rows: [String], extraYAML: String = "") throws -> (tasks: String, data: String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("register-\(UUID().uuidString)")
        let tasks = root.appendingPathComponent("tasks"), data = root.appendingPathComponent("data/custom/\(name)")
        try FileManager.default.createDirectory(at: tasks, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let yaml = """
            task: \(name)
            dataset_path: custom
            dataset_name: \(name)
            test_split: test
            output_type: generate_until
            doc_to_text: "{{question}}"
            doc_to_target: "{{answer}}"
            \(extraYAML)
            """
        try yaml.write(to: tasks.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
        try rows.joined(separator: "\n").write(to: data.appendingPathComponent("test.jsonl"), atomically: true, encoding: .utf8)
        return (tasks.path, root.appendingPathComponent("data").path)
    }

    @Test func aMalformedRowHalfWayLeavesNoTableAndNoRegistryRow() async throws {
        var rows = (0..<1000).map { #"{"question": "q\#($0)", "answer": "a\#($0)"}"# }
        rows[499] = #"{"question": "broken", "answer": }"#
        let (tasks, data) = try Self.customTask(name: "broken_task", rows: rows)
        let services = try await Self.services(includePaths: [tasks], datasetsDir: data)
        let error = await #expect(throws: ApplicationError.self) {
            try await Self.registrar(services).register(RegisterInput(["framework": "lmeh", "tasks": "broken_task"]), logger: Self.logger)
        }
        #expect(error?.nonRetryable == true)
        #expect(error?.message.contains("test.jsonl:500:") == true, "\(error?.message ?? "")")
        let (table, registered) = try await services.postgres.withConnection { connection in
            (try await connection.query("SELECT to_regclass('\"custom--broken_task\"') IS NOT NULL").scalar(Bool.self),
             try await TaskRegistry.lookup("broken_task", on: connection))
        }
        #expect(table == false)
        #expect(registered == nil)
    }

    @Test func leaderboardMathKeepsOnlyLevelFiveTestRowsInATableOfItsOwn() async throws {
        let rows = (0..<6).map { #"{"question": "q\#($0)", "answer": "a", "level": "Level \#($0 % 2 == 0 ? 5 : 3)"}"# }
        let (tasks, data) = try Self.customTask(name: "leaderboard_math_custom", rows: rows)
        let services = try await Self.services(includePaths: [tasks], datasetsDir: data)
        let outcomes = try await Self.registrar(services).register(RegisterInput(["framework": "lmeh", "tasks": "leaderboard_math_custom"]), logger: Self.logger)
        #expect(outcomes.first?.table == "custom--leaderboard_math_custom--level5")
        #expect(outcomes.first?.rowsCopied == 3)
    }
}
