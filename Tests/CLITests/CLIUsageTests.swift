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
            for (type, input) in inputs.sorted(by: { $0.key < $1.key }) {
                let output = try await CLIHarness.run(["workflow", "start", "--type", type, "--input", input], config: config)
                #expect(output.status == 0, "stderr: \(output.stderr)")
                let id = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                #expect(UUID(uuidString: id) != nil, "\(id) is a UUID")
            }
            #expect(try await Self.queuedRows(database.uri) == 3)
        }
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
