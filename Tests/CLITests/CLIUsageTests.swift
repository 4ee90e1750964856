import Foundation
import JSON
import Postgres
import TestSupport
import Testing

@Suite struct CLIUsageTests {
    @Test(arguments: [
        ["workflow", "start", "--type", "Bogus", "--input", "{}"],
        ["workflow", "start", "--type", "Noop", "--input", "{not json"],
        ["workflow", "start", "--type", "Noop", "--input", "[1, 2]"],
        ["workflow", "start", "--type", "Sleep", "--input", "{\"seconds\": \"long\"}"],
        ["workflow", "list", "--limit", "-1"],
        ["workflow", "list", "--status", "sleeping"],
        ["workflow", "describe", "no-such-id"],
    ])
    func badInputExitsTwoAndQueuesNothing(_ arguments: [String]) async throws {
        let database = try await CLIHarness.createDatabase()
        try await withCleanup({ await CLIHarness.dropDatabase(database.name) }) {
            let config = try CLIHarness.writeConfig(postgresURI: database.uri)
            let output = try await CLIHarness.run(arguments, config: config)
            #expect(output.status == 2, "stderr: \(output.stderr)")
            #expect(output.stderr.hasPrefix("error: "), "one clear line: \(output.stderr)")
            #expect(output.stdout.isEmpty)
            #expect(try await Self.queuedRows(database.uri) == 0)
        }
    }

    @Test func runningDuplicateWorkflowIDExitsTwo() async throws {
        let database = try await CLIHarness.createDatabase()
        try await withCleanup({ await CLIHarness.dropDatabase(database.name) }) {
            let config = try CLIHarness.writeConfig(postgresURI: database.uri)
            let start = ["workflow", "start", "--type", "Sleep", "--input", "{\"seconds\": 1}", "--workflow-id", "dup"]
            let first = try await CLIHarness.run(start, config: config)
            #expect(first.status == 0 && first.stdout == "dup\n", "stderr: \(first.stderr)")
            let second = try await CLIHarness.run(start, config: config)
            #expect(second.status == 2)
            #expect(second.stderr.contains("'dup' is already queued"))
            #expect(try await Self.queuedRows(database.uri) == 1)
        }
    }

    @Test func startPrintsAGeneratedUUIDForEachProductType() async throws {
        let database = try await CLIHarness.createDatabase()
        try await withCleanup({ await CLIHarness.dropDatabase(database.name) }) {
            let config = try CLIHarness.writeConfig(postgresURI: database.uri)
            let inputs = [
                "Register": #"{"framework": "lmeh", "tasks": "bigbench_navigate"}"#,
                "Sampler": #"{"framework": "lmeh", "tasks": "bigbench_navigate", "requester_args": {"address": "a", "service": "s"}, "qty": 3}"#,
                "Evaluator": #"{"framework": "lmeh", "task_id": "0123456789abcdef01234567"}"#,
            ]
            // Register first and let it finish: a Sampler of an unregistered task is refused.
            for type in ["Register", "Sampler", "Evaluator"] {
                let output = try await CLIHarness.run(["workflow", "start", "--type", type, "--input", try #require(inputs[type])], config: config)
                #expect(output.status == 0, "stderr: \(output.stderr)")
                let id = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(UUID(uuidString: id) != nil, "\(id) is a UUID")
                if type == "Register" { try await Self.runToCompletion(id, config: config) }
            }
            #expect(try await Self.queuedRows(database.uri) == 3)
        }
    }

    /// What the worker would refuse for sure is refused by `workflow start` (exit 2, one line naming the problem, nothing queued).
    @Test func startRefusesInputTheWorkerWouldFailOn() async throws {
        let database = try await CLIHarness.createDatabase()
        try await withCleanup({ await CLIHarness.dropDatabase(database.name) }) {
            let config = try CLIHarness.writeConfig(postgresURI: database.uri)
            let register = try await CLIHarness.run(
                ["workflow", "start", "--type", "Register", "--input", #"{"framework": "lmeh", "tasks": "bigbench_navigate"}"#], config: config)
            #expect(register.status == 0, "stderr: \(register.stderr)")
            try await Self.runToCompletion(register.stdout.trimmingCharacters(in: .whitespacesAndNewlines), config: config)
            let queued = try await Self.queuedRows(database.uri)

            func sampler(_ fields: String, task: String = "bigbench_navigate") -> String {
                #"{"framework": "lmeh", "tasks": "\#(task)", "requester_args": {"address": "a", "service": "s"}, \#(fields)}"#
            }
            let refused: [(type: String, input: String, message: String)] = [
                ("Sampler", sampler(#""doc_ids": [-1]"#), "outside split"),
                ("Sampler", sampler(#""doc_ids": [0]"#), "[0] are outside split"),
                ("Sampler", sampler(#""doc_ids": [5, 254, 255]"#), "[255] are outside split"),
                ("Sampler", sampler(#""qty": 1000000000000"#), "greater than the range"),
                ("Sampler", sampler(#""qty": 3, "blacklist": [-5]"#), "Blacklist"),
                ("Sampler", sampler(#""qty": 3"#, task: "bigbench"), "a Sampler run samples one task"),
                ("Sampler", sampler(#""qty": 3"#, task: "bigbench_word_sorting"), "bigbench_word_sorting is not registered"),
                ("Sampler", sampler(#""qty": 3"#, task: "no_such_task"), "no_such_task"),
                ("Sampler", #"{"framework": "helm", "tasks": "bigbench_navigate", "requester_args": {"address": "a", "service": "s"}, "qty": 3}"#,
                 "helm framework not implemented"),
                ("Register", #"{"framework": "lmeh", "tasks": "bigbench_navigate,no_such_task"}"#, "Tasks not found: no_such_task"),
            ]
            for (type, input, message) in refused {
                let output = try await CLIHarness.run(["workflow", "start", "--type", type, "--input", input], config: config)
                #expect(output.status == 2, "\(input): \(output.stderr)")
                #expect(output.stderr.hasPrefix("error: invalid input for workflow type \(type): "), "one clear line: \(output.stderr)")
                #expect(output.stderr.contains(message), "\(input): \(output.stderr)")
                #expect(output.stdout.isEmpty)
            }
            #expect(try await Self.queuedRows(database.uri) == queued)

            let accepted = try await CLIHarness.run(["workflow", "start", "--type", "Sampler", "--input", sampler(#""doc_ids": [5, 254]"#)],
                                                    config: config)
            #expect(accepted.status == 0, "the test split's first and last __id are in range: \(accepted.stderr)")
        }
    }

    /// Runs `workflowID` with a worker process until it completes.
    static func runToCompletion(_ workflowID: String, config: String) async throws {
        let worker = try Spawned(["worker"], config: config)
        let result = try await CLIHarness.run(["workflow", "result", workflowID, "--wait", "--timeout", "60"], config: config)
        worker.signal(SIGTERM)
        _ = try await worker.wait(timeout: .seconds(15))
        #expect(result.status == 0, "stderr: \(result.stderr)\nworker: \(worker.stderr)")
    }

    @Test func workerWithoutConfigurationOrPostgresExitsTwo() async throws {
        let missing = try await CLIHarness.run(["worker"], config: nil)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("CONFIG_PATH"))
        let noPostgres = try await CLIHarness.run(["worker"], config: try CLIHarness.writeConfig(postgresURI: nil))
        #expect(noPostgres.status == 2)
        #expect(noPostgres.stderr.contains("postgres_uri"))
        let badFile = try await CLIHarness.run(["worker", "--config", "/nonexistent/config.json"], config: nil)
        #expect(badFile.status == 2)
    }

    static func queuedRows(_ uri: String) async throws -> Int {
        let connection = try await PostgresConnection.connect(uri: uri)
        return try await withCleanup({ await connection.close() }) {
            // The table exists only once a command got as far as migrating.
            let exists = try await connection.query("SELECT to_regclass('public.workflow_runs') IS NOT NULL").scalar(Bool.self)
            guard exists else { return 0 }
            return try await connection.query("SELECT count(*) FROM public.workflow_runs").scalar(Int.self)
        }
    }
}

/// The small input checks of issue 12: each names the problem in one line and exits 2.
@Suite struct CLIInputCheckTests {
    @Test func datasetsShowOfATableThatIsNoDatasetTableSaysSoAndSuggestsNoDrop() async throws {
        let database = try await CLIHarness.createDatabase()
        try await withCleanup({ await CLIHarness.dropDatabase(database.name) }) {
            let config = try CLIHarness.writeConfig(postgresURI: database.uri)
            for table in ["pg_authid", "pg_class", "no_such_table"] {
                let output = try await CLIHarness.run(["datasets", "show", table], config: config)
                #expect(output.status == 2, "\(table): \(output.stderr)")
                #expect(output.stderr == "error: dataset table \"\(table)\" does not exist\n")
            }
        }
    }

    @Test(arguments: [
        (["datasets", "show", "t"], "--limit must not be negative, got -1"),
        (["documents", "list"], "--limit must be at least 1, got -1"),
        (["workflow", "list"], "--limit must not be negative, got -1"),
    ])
    func aNegativeLimitIsRefusedTheSameWayWithOrWithoutEquals(_ command: [String], _ message: String) async throws {
        let config = try CLIHarness.writeConfig(postgresURI: "postgresql://nobody@127.0.0.1:9/none")
        let spaced = try await CLIHarness.run(command + ["--limit", "-1"], config: config)
        let joined = try await CLIHarness.run(command + ["--limit=-1"], config: config)
        #expect(spaced.status == 2, "stderr: \(spaced.stderr)")
        #expect(spaced.stderr == "error: \(message)\n")
        #expect(joined.status == spaced.status)
        #expect(joined.stderr == spaced.stderr)
    }

    @Test func configCheckOfAFolderSaysItIsAFolder() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cli-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = try await CLIHarness.run(["config", "check", "--config", folder.path], config: nil)
        #expect(output.status == 2)
        #expect(output.stderr.contains("\(folder.path): it is a folder"), "stderr: \(output.stderr)")
        #expect(!output.stderr.contains("NSCocoaErrorDomain"))
    }

    @Test(arguments: ["not a uri %%% ://", "postgresql://u@h:5432/db?nosuchoption=1", "mysql://u@h/db", "host=localhost port"])
    func configCheckRefusesAPostgresURILibpqCannotRead(_ uri: String) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString).json").path
        try Data(JSONValue.object(["postgres_uri": .string(uri)]).serialized(.pretty).utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try await CLIHarness.run(["config", "check", "--config", path], config: nil)
        #expect(output.status == 2, "\(uri) is refused; stdout: \(output.stdout)")
        #expect(output.stderr.contains("key 'postgres_uri': not a PostgreSQL URI"), "stderr: \(output.stderr)")
    }

    @Test(arguments: ["postgresql://user@127.0.0.1:5432/db", "postgres://127.0.0.1/db?sslmode=disable", "host=127.0.0.1 dbname=db"])
    func configCheckAcceptsURIsAndKeywordStrings(_ uri: String) async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cli-\(UUID().uuidString).json").path
        try Data(JSONValue.object(["postgres_uri": .string(uri)]).serialized(.pretty).utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let output = try await CLIHarness.run(["config", "check", "--config", path], config: nil)
        #expect(output.status == 0, "stderr: \(output.stderr)")
    }
}

/// Issue 11: a database that refuses a statement is exit 1 in every command, not bad input (2).
@Suite struct CLIDatabaseErrorTests {
    @Test func aRefusedStatementExitsOneInEveryCommand() async throws {
        let database = try await CLIHarness.createDatabase()
        let role = "cli_ro_" + database.name.suffix(8)
        let admin = try await PostgresConnection.connect(uri: database.uri)
        try await withCleanup({
            await admin.close()
            await CLIHarness.dropDatabase(database.name)
            if let server = try? TestDatabase.uri(), let connection = try? await PostgresConnection.connect(uri: server) {
                _ = try? await connection.execute("DROP ROLE IF EXISTS \(role)")
                await connection.close()
            }
        }) {
            // A role that may connect but neither create schemas or tables nor read the dataset table.
            try await admin.execute("CREATE ROLE \(role) LOGIN")
            try await admin.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
            try await admin.execute(#"CREATE TABLE "t--x" (__id integer, __split text, a text)"#)
            var components = try #require(URLComponents(string: database.uri))
            components.user = role
            let config = try CLIHarness.writeConfig(postgresURI: try #require(components.url).absoluteString)
            for arguments in [["datasets", "show", "t--x"], ["documents", "list"], ["leaderboard"], ["workflow", "list"]] {
                let output = try await CLIHarness.run(arguments, config: config)
                #expect(output.status == 1, "\(arguments): \(output.stderr)")
                #expect(output.stderr.contains("permission denied"), "\(arguments): \(output.stderr)")
            }
        }
    }
}
